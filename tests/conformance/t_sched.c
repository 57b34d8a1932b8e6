/*
 * seL4's scheduler: sel4test's SCHED cases with their own priority-based
 * synchronisation (the root task at seL4_MaxPrio, helpers below it), and
 * kernel-sim's own cases for round robin, Yield, SetPriority of a running
 * thread, an interrupt handler's preemption and strict priorities under
 * load. They hold on one CPU, the default.
 */
#include "test.h"
#include <base/tls.h>

#define PRIORITY_FUDGE 1
#define OUR_PRIO       ROOT_PRIO

/* CHECK_STEP: this is step x; the next one is x + 1. */
#define CHECK_STEP(var, x)                                                                         \
	do {                                                                                       \
		check_eq((var), (x));                                                              \
		(var) = (x) + 1;                                                                   \
	} while (0)

static void set_mcp(struct helper *h, seL4_Word mcp)
{
	seL4_TCB_SetMCPriority(h->tcb, ROOT_TCB, mcp);
}

static void set_prio(struct helper *h, seL4_Word prio)
{
	seL4_TCB_SetPriority(h->tcb, ROOT_TCB, prio);
}

/* The i8254 PIT's channel 0 (ports 0x40-0x43, ISA line 0). */
#define PIT_HZ	1193182ul
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_IRQ 0

/* Program channel 0: mode, then a 16-bit count, low byte first. */
static void pit_program(seL4_CPtr ports, unsigned mode, unsigned count)
{
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0x30 | (mode << 1));
	seL4_X86_IOPort_Out8(ports, PIT_CH0, count & 0xff);
	seL4_X86_IOPort_Out8(ports, PIT_CH0, (count >> 8) & 0xff);
}

/* Block for about ms milliseconds on the PIT's interrupt (a one-shot). */
struct pit {
	seL4_CPtr irq, ntfn, ports;
};

static bool pit_open(struct pit *p)
{
	p->irq = isa_irq_handler(PIT_IRQ, &p->ntfn);
	p->ports = io_ports(PIT_CH0, PIT_CMD);
	if (!p->irq || !p->ports)
		return false;
	/* The counter stopped (a new mode without a count), the line open (an earlier user
	 * may have left it masked with an interrupt unacknowledged), nothing pending. */
	seL4_X86_IOPort_Out8(p->ports, PIT_CMD, 0x30);
	seL4_IRQHandler_Ack(p->irq);
	seL4_Poll(p->ntfn, NULL);
	return true;
}

static void pit_start(struct pit *p, unsigned ms)
{
	pit_program(p->ports, 0, (unsigned)(PIT_HZ * ms / 1000));
}

static void pit_sleep(struct pit *p, unsigned ms)
{
	pit_start(p, ms);
	seL4_Wait(p->ntfn, NULL);
	seL4_IRQHandler_Ack(p->irq);
}

/*
 * Sleep in steps of ms until *a and *b (if given) moved from 0, at most
 * two seconds: a thread may need a while to start on a loaded host.
 */
static void pit_sleep_until_moved(struct pit *p, unsigned ms, volatile seL4_Word *a,
				  volatile seL4_Word *b)
{
	for (unsigned t = 0; t < 2000 && (!*a || (b && !*b)); t += ms)
		pit_sleep(p, ms);
}

static void pit_close(struct pit *p)
{
	release_slot(p->ports);
	release_slot(p->irq);
	release_slot(p->ntfn);
}

/* --- SCHED0000: suspend and resume a counting thread, with timer waits ------- */

static void test_thread_suspend(void)
{
	static volatile seL4_Word counter;
	struct pit pit;
	test_assert(pit_open(&pit));
	struct helper h;
	helper_create(&h);
	set_prio(&h, 100);
	counter = 0;
	helper_start(&h, count_forever, (seL4_Word)&counter, 0, 0, 0);
	/* The counter runs while we wait for the timer. */
	pit_sleep_until_moved(&pit, 20, &counter, NULL);
	seL4_Word old = counter;
	pit_sleep(&pit, 20);
	pit_sleep(&pit, 20);
	test_check(counter != old);
	test_eq(seL4_TCB_Suspend(h.tcb), seL4_NoError);
	old = counter;
	pit_sleep(&pit, 20);
	pit_sleep(&pit, 20);
	test_eq(counter, old);
	test_eq(seL4_TCB_Resume(h.tcb), seL4_NoError);
	pit_sleep(&pit, 20);
	test_check(counter != old);
	helper_cleanup(&h);
	pit_close(&pit);
}
DEFINE_TEST(SCHED0000, "Test suspending and resuming a thread", test_thread_suspend);

static void test_resume_self(void)
{
	test_eq(seL4_TCB_Resume(ROOT_TCB), seL4_NoError);
}
DEFINE_TEST(SCHED0002, "Test resuming ourselves", test_resume_self);

/* --- SCHED0004: a thread at every priority below ours, run in order ---------- */

#define NUM_PRIOS  (OUR_PRIO - seL4_MinPrio)
#define TINY_STACK 1024

static struct {
	char stack[TINY_STACK] __attribute__((aligned(16)));
	char tls[256] __attribute__((aligned(64)));
} tiny[NUM_PRIOS];
static char tiny_ipc[4096] __attribute__((aligned(4096)));
static volatile seL4_Word last_prio, prio_errors;
static seL4_CPtr prio_ep, prio_park;

static __attribute__((noreturn)) void prio_test_func(seL4_Word my_prio)
{
	__sel4_ipc_buffer = (seL4_IPCBuffer *)tiny_ipc; /* one buffer: one runs at a time */
	if (last_prio - 1 != my_prio)
		prio_errors++;
	last_prio = my_prio;
	if (my_prio == seL4_MinPrio)
		seL4_Send(prio_ep, seL4_MessageInfo_new(0, 0, 0, 0));
	for (;;)
		seL4_Wait(prio_park, NULL);
}

static void test_all_priorities(void)
{
	static seL4_CPtr tcbs[NUM_PRIOS];
	prio_ep = alloc_endpoint();
	prio_park = alloc_notification();
	last_prio = OUR_PRIO;
	prio_errors = 0;
	for (unsigned prio = seL4_MinPrio; prio < OUR_PRIO; prio++) {
		seL4_CPtr tcb = tcbs[prio] = alloc_tcb();
		test_assert(tcb);
		test_eq(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ROOT_VSPACE, 0, 0, 0),
			seL4_NoError);
		test_eq(seL4_TCB_SetPriority(tcb, ROOT_TCB, prio), seL4_NoError);
		seL4_UserContext ctx = {0};
		ctx.rip = (seL4_Word)prio_test_func;
		ctx.rsp = (seL4_Word)&tiny[prio].stack[TINY_STACK] - 8;
		ctx.rdi = prio;
		ctx.rflags = 0x202;
		ctx.fs_base = sim_tls_init(tiny[prio].tls, sizeof(tiny[prio].tls));
		test_eq(seL4_TCB_WriteRegisters(tcb, 1, 0, seL4_UserContext_Words, &ctx),
			seL4_NoError);
	}
	/* None of them ran yet: we are the highest. Now block. */
	test_eq(last_prio, OUR_PRIO);
	seL4_Wait(prio_ep, NULL);
	test_eq(last_prio, seL4_MinPrio);
	test_eq(prio_errors, 0);
	for (unsigned prio = seL4_MinPrio; prio < OUR_PRIO; prio++)
		destroy_slot(tcbs[prio]);
	release_slot(prio_ep);
	release_slot(prio_park);
}
DEFINE_TEST(SCHED0004, "Test threads at all priorities", test_all_priorities);

/* --- SCHED0005: set the priority of a runnable thread --------------------------- */

#define SCHED0005_HIGHEST_PRIO (seL4_MaxPrio - 2)
static volatile int set_priority_step;

static long set_priority_helper_1(seL4_Word t1, seL4_Word t2, seL4_Word u2, seL4_Word u3)
{
	(void)t2, (void)u2, (void)u3;
	check_eq(set_priority_step, 0);
	set_priority_step = 1;
	/* Down our priority: thread 2 runs at once. */
	check_eq(seL4_TCB_SetPriority(t1, t1, SCHED0005_HIGHEST_PRIO - 4), seL4_NoError);
	check_eq(set_priority_step, 2);
	set_priority_step = 3;
	/* Up again: our MCP still allows it. */
	check_eq(seL4_TCB_SetPriority(t1, t1, SCHED0005_HIGHEST_PRIO), seL4_NoError);
	check_eq(seL4_TCB_SetMCPriority(t1, t1, SCHED0005_HIGHEST_PRIO - 4), seL4_NoError);
	check_eq(seL4_TCB_SetPriority(t1, t1, SCHED0005_HIGHEST_PRIO - 3), seL4_RangeError);
	check_eq(seL4_TCB_SetMCPriority(t1, t1, SCHED0005_HIGHEST_PRIO), seL4_RangeError);
	return 0;
}

static long set_priority_helper_2(seL4_Word t1, seL4_Word t2, seL4_Word u2, seL4_Word u3)
{
	(void)u2, (void)u3;
	check_eq(set_priority_step, 1);
	/* Raising thread 1 to ours is above our MCP. */
	check_eq(seL4_TCB_SetPriority(t1, t2, SCHED0005_HIGHEST_PRIO - 1 + PRIORITY_FUDGE),
		 seL4_RangeError);
	check_eq(seL4_TCB_SetPriority(t1, t2, SCHED0005_HIGHEST_PRIO - 2), seL4_NoError);
	/* Drop ours below thread 1: thread 1 runs. */
	set_priority_step = 2;
	check_eq(seL4_TCB_SetPriority(t2, t2, SCHED0005_HIGHEST_PRIO - 3), seL4_NoError);
	/* Once thread 1 is done, we run. */
	check_eq(set_priority_step, 3);
	set_priority_step = 4;
	return 0;
}

static void test_set_priority(void)
{
	struct helper h1, h2;
	helper_create(&h1);
	set_prio(&h1, SCHED0005_HIGHEST_PRIO);
	set_mcp(&h1, SCHED0005_HIGHEST_PRIO);
	helper_create(&h2);
	set_prio(&h2, SCHED0005_HIGHEST_PRIO - 1);
	set_mcp(&h2, SCHED0005_HIGHEST_PRIO - 2);
	set_priority_step = 0;
	helper_start(&h1, set_priority_helper_1, h1.tcb, h2.tcb, 0, 0);
	helper_start(&h2, set_priority_helper_2, h1.tcb, h2.tcb, 0, 0);
	helper_wait(&h1);
	helper_wait(&h2);
	test_eq(set_priority_step, 4);
	helper_cleanup(&h1);
	helper_cleanup(&h2);
}
DEFINE_TEST(SCHED0005, "Test set priority", test_set_priority);

/* --- SCHED0006: IPC Send across priorities keeps strict priorities ----------- */

static volatile int ipc_test_step;
static struct {
	seL4_CPtr ep0, ep1;
	volatile seL4_Word bounces, spins;
} ipc_data;

/* The bouncer, lowest: a Call to it returns once every higher thread is blocked. */
static long ipc_test_helper_0(seL4_Word u0, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u0, (void)u1, (void)u2, (void)u3;
	for (;;) {
		seL4_MessageInfo_t tag = seL4_Recv(ipc_data.ep0, NULL);
		ipc_data.bounces++;
		seL4_Reply(tag);
	}
	return 0;
}

static long ipc_test_helper_1(seL4_Word u0, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u0, (void)u1, (void)u2, (void)u3;
	/* Part 1: receive a pending send. */
	CHECK_STEP(ipc_test_step, 1);
	seL4_MessageInfo_t tag = seL4_Recv(ipc_data.ep1, NULL);
	/* Thread 3 lets us check the message. */
	CHECK_STEP(ipc_test_step, 3);
	check_eq(seL4_MessageInfo_get_length(tag), 20);
	for (seL4_Word i = 0; i < seL4_MessageInfo_get_length(tag); i++)
		check_eq(seL4_GetMR((int)i), i);
	seL4_Call(ipc_data.ep0, seL4_MessageInfo_new(0, 0, 0, 0));
	/* Part 2: receive a send that is not yet pending. */
	CHECK_STEP(ipc_test_step, 5);
	tag = seL4_Recv(ipc_data.ep1, NULL);
	CHECK_STEP(ipc_test_step, 8);
	check_eq(seL4_MessageInfo_get_length(tag), 19);
	for (seL4_Word i = 0; i < seL4_MessageInfo_get_length(tag); i++)
		check_eq(seL4_GetMR((int)i), i);
	return 0;
}

/* The spinner: nothing happens while it spins; then it bounces. */
static long ipc_test_helper_2(seL4_Word u0, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u0, (void)u1, (void)u2, (void)u3;
	for (;;) {
		int last_step = ipc_test_step;
		for (int i = 0; i < 100000; i++)
			__asm__ volatile("");
		check_eq(last_step, ipc_test_step);
		ipc_data.spins++;
		seL4_Call(ipc_data.ep0, seL4_MessageInfo_new(0, 0, 0, 0));
	}
	return 0;
}

static long ipc_test_helper_3(seL4_Word u0, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u0, (void)u1, (void)u2, (void)u3;
	/* Part 1: send to thread 1, which does not wait yet. */
	CHECK_STEP(ipc_test_step, 0);
	seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, 0, 20);
	for (seL4_Word i = 0; i < 20; i++)
		seL4_SetMR((int)i, i);
	seL4_Word last_spins = ipc_data.spins, last_bounces = ipc_data.bounces;
	seL4_Send(ipc_data.ep1, tag);
	/* We blocked: thread 2 spun once, then its bounce let thread 1 run. */
	CHECK_STEP(ipc_test_step, 2);
	check_eq(ipc_data.spins - last_spins, 1);
	check_eq(ipc_data.bounces - last_bounces, 0);
	seL4_Call(ipc_data.ep0, seL4_MessageInfo_new(0, 0, 0, 0));
	/* Two bounces: ours and thread 1's. */
	check_eq(ipc_data.spins - last_spins, 2);
	check_eq(ipc_data.bounces - last_bounces, 2);
	CHECK_STEP(ipc_test_step, 4);
	/* Part 2: send to thread 1, which already waits; bounce first to let it. */
	last_spins = ipc_data.spins;
	last_bounces = ipc_data.bounces;
	seL4_Call(ipc_data.ep0, seL4_MessageInfo_new(0, 0, 0, 0));
	CHECK_STEP(ipc_test_step, 6);
	for (seL4_Word i = 0; i < 19; i++)
		seL4_SetMR((int)i, i);
	seL4_Send(ipc_data.ep1, seL4_MessageInfo_new(0, 0, 0, 19));
	CHECK_STEP(ipc_test_step, 7);
	seL4_Call(ipc_data.ep0, seL4_MessageInfo_new(0, 0, 0, 0));
	CHECK_STEP(ipc_test_step, 9);
	check_eq(ipc_data.spins - last_spins, 2);
	check_eq(ipc_data.bounces - last_bounces, 5);
	return 0;
}

static void test_ipc_prios(void)
{
	static const helper_fn_t fns[4] = {ipc_test_helper_0, ipc_test_helper_1, ipc_test_helper_2,
					   ipc_test_helper_3};
	struct helper h[4];
	ipc_data.ep0 = alloc_endpoint();
	ipc_data.ep1 = alloc_endpoint();
	ipc_data.bounces = ipc_data.spins = 0;
	for (int i = 0; i < 4; i++) {
		helper_create(&h[i]);
		set_prio(&h[i], (seL4_Word)i);
	}
	set_mcp(&h[3], 3);
	ipc_test_step = 0;
	for (int i = 0; i < 4; i++)
		helper_start(&h[i], fns[i], 0, 0, 0, 0);
	helper_wait(&h[1]);
	helper_wait(&h[3]);
	test_eq(ipc_test_step, 10);
	for (int i = 0; i < 4; i++)
		helper_cleanup(&h[i]);
	release_slot(ipc_data.ep0);
	release_slot(ipc_data.ep1);
}
DEFINE_TEST(SCHED0006, "Test IPC priorities for Send", test_ipc_prios);

/* --- SCHED0020: raising a thread above us runs it at once --------------------- */

static long set_higher_prio_helper(seL4_Word state, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	/* In case the scheduler picked us before our priority was raised. */
	seL4_Yield();
	*(volatile int *)state = 2;
	return 0;
}

static void test_set_higher_prio(void)
{
	static volatile int state;
	struct helper h;
	test_eq(seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, OUR_PRIO - 1), seL4_NoError);
	state = 0;
	helper_create(&h); /* at OUR_PRIO - 1 too */
	helper_start(&h, set_higher_prio_helper, (seL4_Word)&state, 0, 0, 0);
	test_check(state == 0);
	set_prio(&h, OUR_PRIO);
	/* It ran before SetPriority returned. */
	test_check(state == 2);
	test_eq(seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, OUR_PRIO), seL4_NoError);
	helper_wait(&h);
	helper_cleanup(&h);
}
DEFINE_TEST(SCHED0020, "test set prio to a higher prio runs higher prio thread",
	    test_set_higher_prio);

/* --- SCHED0021: timer ticks preempt threads of equal priority, round robin ---- */

#define PREEMPTION_THREADS 4
static volatile unsigned preemption_thread_data[PREEMPTION_THREADS];
static volatile unsigned test_simple_preempt_start;

static long test_simple_preempt_runner(seL4_Word thread_id, seL4_Word u1, seL4_Word u2,
				       seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	seL4_Word next = (thread_id - 1) % PREEMPTION_THREADS;
	while (test_simple_preempt_start == 0)
		;
	unsigned next_data = preemption_thread_data[next];
	/* Until we are back at the monitor: once round, each. */
	while (test_simple_preempt_start) {
		preemption_thread_data[thread_id]++;
		while (preemption_thread_data[next] <= next_data)
			;
		next_data = preemption_thread_data[next];
	}
	return 0;
}

static void test_simple_preempt(void)
{
	struct helper h[PREEMPTION_THREADS];
	test_simple_preempt_start = 0;
	for (seL4_Word i = 0; i < PREEMPTION_THREADS; i++) {
		preemption_thread_data[i] = 0;
		helper_create(&h[i]);
		set_prio(&h[i], OUR_PRIO);
		helper_start(&h[i], test_simple_preempt_runner, i, 0, 0, 0);
	}
	/* A fresh timeslice for us, then release them: Yield runs each once. */
	seL4_Yield();
	test_simple_preempt_start = 1;
	seL4_Yield();
	test_simple_preempt_start = 0;
	for (int i = 0; i < PREEMPTION_THREADS; i++) {
		helper_cleanup(&h[i]);
		test_eq(preemption_thread_data[i], 1);
	}
}
DEFINE_TEST(SCHED0021, "Test for pre-emption during running of many threads with equal prio",
	    test_simple_preempt);

/* --- kernel-sim's own ------------------------------------------------------------- */

/* Timeslices: three counting threads of one priority share the CPU in turn. */
static void test_round_robin(void)
{
	static volatile seL4_Word counters[3];
	struct helper h[3];
	for (int i = 0; i < 3; i++) {
		counters[i] = 0;
		helper_create(&h[i]);
		helper_start(&h[i], count_forever, (seL4_Word)&counters[i], 0, 0, 0);
	}
	/* At their priority, a Yield puts us behind all three: each runs its timeslice. */
	for (int round = 0; round < 3; round++) {
		seL4_Word before[3] = {counters[0], counters[1], counters[2]};
		yield_to_helpers();
		for (int i = 0; i < 3; i++)
			test_check(counters[i] != before[i]);
	}
	for (int i = 0; i < 3; i++)
		helper_cleanup(&h[i]);
}
DEFINE_TEST(SCHED0101, "Timeslices: threads of one priority run round robin", test_round_robin);

static volatile char yield_log[8];
static volatile int yield_len;

static long yield_logger(seL4_Word name, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	yield_log[yield_len++] = (char)name;
	seL4_Yield();
	yield_log[yield_len++] = (char)(name + 'a' - 'A');
	return 0;
}

/* Yield goes behind the threads of its priority only. */
static void test_yield(void)
{
	struct helper a, b, c;
	static volatile seL4_Word counter;
	yield_len = 0;
	helper_create(&a);
	helper_create(&b);
	helper_start(&a, yield_logger, 'A', 0, 0, 0);
	helper_start(&b, yield_logger, 'B', 0, 0, 0);
	helper_wait(&a);
	helper_wait(&b);
	/* restart() enqueues at the head (tcbSchedEnqueue): B, started last, is first. */
	test_eq(yield_len, 4);
	if (memcmp((const char *)yield_log, "BAba", 4))
		test_fail(__FILE__, __LINE__, "order %c%c%c%c, not BAba", yield_log[0],
			  yield_log[1], yield_log[2], yield_log[3]);
	/* The highest thread's Yield comes straight back: a lower one does not run. */
	counter = 0;
	helper_create(&c);
	helper_start(&c, count_forever, (seL4_Word)&counter, 0, 0, 0);
	for (int i = 0; i < 100; i++)
		seL4_Yield();
	test_eq(counter, 0);
	helper_cleanup(&c);
	helper_cleanup(&a);
	helper_cleanup(&b);
}
DEFINE_TEST(SCHED0102, "Yield: behind the threads of its own priority, not below", test_yield);

static volatile int lowered_ran;

static long lower_self(seL4_Word self, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	check_eq(lowered_ran, 0);
	/* Below the waiting thread: it runs before SetPriority returns to us. */
	check_eq(seL4_TCB_SetPriority(self, self, HELPER_PRIO - 3), seL4_NoError);
	check_eq(lowered_ran, 1);
	return 0;
}

static long note_ran(seL4_Word u0, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u0, (void)u1, (void)u2, (void)u3;
	lowered_ran = 1;
	return 0;
}

/* SetPriority of the running thread: lowered below a ready one, it gives way at once. */
static void test_set_priority_running(void)
{
	struct helper a, b;
	lowered_ran = 0;
	helper_create(&a);
	helper_create(&b);
	set_mcp(&a, HELPER_PRIO);
	set_prio(&b, HELPER_PRIO - 2);
	helper_start(&a, lower_self, a.tcb, 0, 0, 0);
	helper_start(&b, note_ran, 0, 0, 0, 0);
	helper_wait(&a);
	helper_wait(&b);
	test_eq(lowered_ran, 1);
	helper_cleanup(&a);
	helper_cleanup(&b);
}
DEFINE_TEST(SCHED0103, "SetPriority of the running thread below a ready one preempts it",
	    test_set_priority_running);

static volatile uint64_t handler_woke, spinner_armed;

static long irq_waiter(seL4_Word ntfn, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	seL4_Wait(ntfn, NULL);
	handler_woke = tsc_now();
	return 0;
}

/* Once it runs, arm the PIT for 1 ms, then spin. */
static long arm_and_spin(seL4_Word ports, seL4_Word counter, seL4_Word u2, seL4_Word u3)
{
	(void)u2, (void)u3;
	spinner_armed = tsc_now();
	pit_program(ports, 0, (unsigned)(PIT_HZ / 1000));
	return count_forever(counter, 0, 0, 0);
}

/*
 * An interrupt's handler preempts a lower thread that spins at once, not
 * when that thread's timeslice (10 ms) ends: the best of up to thirty
 * wake-ups (a loaded host delays kernel-sim's own timer now and then, and
 * ASan slows every step) comes well within it.
 */
static void test_irq_preempts(void)
{
	static volatile seL4_Word counter;
	struct pit pit;
	test_assert(pit_open(&pit));
	uint64_t best = ~0ull;
	for (int attempt = 0; attempt < 30 && best >= 6000000; attempt++) {
		struct helper handler, spinner;
		helper_create(&handler);
		helper_create(&spinner);
		set_prio(&spinner, HELPER_PRIO - 1);
		handler_woke = 0;
		helper_start(&handler, irq_waiter, pit.ntfn, 0, 0, 0);
		helper_start(&spinner, arm_and_spin, pit.ports, (seL4_Word)&counter, 0, 0);
		helper_wait(&handler); /* the handler waits, the spinner arms and spins */
		uint64_t latency = tsc_ns(spinner_armed, handler_woke);
		if (latency < best)
			best = latency;
		seL4_IRQHandler_Ack(pit.irq);
		helper_cleanup(&spinner);
		helper_cleanup(&handler);
	}
	test_check(counter != 0);
	test_check(best < 6000000);
	pit_close(&pit);
}
DEFINE_TEST(SCHED0104, "An interrupt handler preempts a lower spinning thread at once",
	    test_irq_preempts);

/*
 * seL4's release-notes example under load: a compute-bound subsystem at a
 * higher priority starves a lower one; two of equal priority share.
 */
static void test_priorities_under_load(void)
{
	static volatile seL4_Word high, low, equal[2];
	struct pit pit;
	test_assert(pit_open(&pit));
	struct helper h, l, e[2];
	high = low = equal[0] = equal[1] = 0;
	helper_create(&h);
	helper_create(&l);
	set_prio(&h, 200);
	set_prio(&l, 100);
	helper_start(&l, count_forever, (seL4_Word)&low, 0, 0, 0);
	helper_start(&h, count_forever, (seL4_Word)&high, 0, 0, 0);
	pit_sleep_until_moved(&pit, 10, &high, NULL);
	pit_sleep(&pit, 50);
	test_check(high != 0);
	test_eq(low, 0);
	helper_cleanup(&h);
	/* The higher one gone, the lower one runs. */
	pit_sleep_until_moved(&pit, 10, &low, NULL);
	test_check(low != 0);
	helper_cleanup(&l);
	for (int i = 0; i < 2; i++) {
		helper_create(&e[i]);
		set_prio(&e[i], 150);
		helper_start(&e[i], count_forever, (seL4_Word)&equal[i], 0, 0, 0);
	}
	/* Spinning, each keeps the CPU for a timeslice (10 ms of CPU time), then the other runs. */
	pit_sleep_until_moved(&pit, 10, &equal[0], &equal[1]);
	test_check(equal[0] != 0 && equal[1] != 0);
	for (int i = 0; i < 2; i++)
		helper_cleanup(&e[i]);
	pit_close(&pit);
}
DEFINE_TEST(SCHED0105, "A compute-bound higher priority starves a lower one; equal ones share",
	    test_priorities_under_load);
