/*
 * seL4's SMP rules, on a kernel with more than one node (kernel-sim
 * --cpus N): sel4test's MULTICORE cases and kernel-sim's own for threads
 * that run at the same time, TCB_SetAffinity and its errors, and wakeups
 * across CPUs. They run only when the boot info says numNodes > 1, as
 * sel4test builds them only with CONFIG_MAX_NUM_NODES > 1 (SMP0000 runs
 * on every kernel).
 *
 * The root task runs on CPU 0 at seL4_MaxPrio: a lower thread on CPU 0
 * cannot run while it spins, a thread on another CPU can. sel4test's timed
 * waits (sleep_busy for 10 ms, then "the counter moved") become waits for
 * the event itself with a bound of seconds; where nothing may move, the
 * root task spins a fixed while, which no host delay can make pass falsely.
 */
#include "test.h"

#define WAIT_NS		   (20ull * 1000 * 1000 * 1000) /* the bound of a wait for an event */
#define STILL_NS	   (20ull * 1000 * 1000)	/* how long a counter must stand still */
#define MAX_CPUS_TESTED	   8
#define BLOCKED_ON_RECEIVE 3 /* sim_DebugThreadState */

static bool smp(void)
{
	return boot_info->numNodes > 1;
}

static void set_prio(struct helper *h, seL4_Word prio)
{
	seL4_TCB_SetPriority(h->tcb, ROOT_TCB, prio);
}

static void set_affinity(struct helper *h, seL4_Word cpu)
{
	seL4_Error e = seL4_TCB_SetAffinity(h->tcb, cpu);
	if (e != seL4_NoError)
		test_fail(__FILE__, __LINE__, "SetAffinity to %lu: error %d", (unsigned long)cpu,
			  e);
}

/* Spin until *c is no longer old, at most WAIT_NS; true if it moved. */
static bool moves(volatile seL4_Word *c, seL4_Word old)
{
	return spin_until_moved(c, old, WAIT_NS);
}

/* Spin STILL_NS; true if *c did not move meanwhile. */
static bool stands_still(volatile seL4_Word *c)
{
	seL4_Word old = *c;
	spin_ns(STILL_NS);
	return *c == old;
}

/* sel4test's counter thread: priority 100, on our CPU, counting from 0. */
static void start_counter(struct helper *h, volatile seL4_Word *counter)
{
	helper_create(h);
	set_prio(h, 100);
	*counter = 0;
	helper_start(h, count_forever, (seL4_Word)counter, 0, 0, 0);
}

/* --- SMP0000: the method exists on SMP kernels only --------------------------- */

static void test_affinity_exists(void)
{
	struct helper h;
	helper_create(&h);
	seL4_Error e = seL4_TCB_SetAffinity(h.tcb, 0);
	if (smp())
		test_eq(e, seL4_NoError);
	else
		test_eq(e, seL4_IllegalOperation);
	helper_cleanup(&h);
}
DEFINE_TEST(SMP0000, "TCB_SetAffinity exists on SMP kernels only (the boot info's numNodes)",
	    test_affinity_exists);

/* --- MULTICORE0001-0005 --------------------------------------------------------- */

/* sel4test's sleep on another core's behalf: block until *counter moved (a watcher signals). */
static long signal_when_moved(seL4_Word counter, seL4_Word old, seL4_Word ntfn, seL4_Word unused)
{
	(void)unused;
	moves((volatile seL4_Word *)counter, old);
	seL4_Signal(ntfn);
	return 0;
}

static void sleep_until_moved(volatile seL4_Word *counter)
{
	struct helper w;
	helper_create(&w);
	seL4_CPtr ntfn = alloc_notification();
	set_affinity(&w, 1);
	helper_start(&w, signal_when_moved, (seL4_Word)counter, *counter, ntfn, 0);
	seL4_Wait(ntfn, NULL);
	helper_wait(&w);
	helper_cleanup(&w);
	destroy_slot(ntfn);
}

static void test_tcb_resume(void)
{
	static volatile seL4_Word counter;
	struct helper t1;
	start_counter(&t1, &counter);
	/* Let the counter thread run (on our core, while we sleep). */
	sleep_until_moved(&counter);
	test_check(counter != 0);
	/* Suspend the thread, and move it to a new core. */
	test_eq(seL4_TCB_Suspend(t1.tcb), seL4_NoError);
	set_affinity(&t1, 1);
	/* Counter should not have moved. */
	test_check(stands_still(&counter));
	/* Resume the thread and check it does move. */
	test_eq(seL4_TCB_Resume(t1.tcb), seL4_NoError);
	test_check(moves(&counter, counter));
	/* Suspend the thread: the counter stops. */
	test_eq(seL4_TCB_Suspend(t1.tcb), seL4_NoError);
	test_check(stands_still(&counter));
	helper_cleanup(&t1);
}
DEFINE_TEST_IF(MULTICORE0001, "Test suspending and resuming a thread on different core",
	       test_tcb_resume, smp);

static void test_tcb_move(void)
{
	static volatile seL4_Word counter;
	struct helper t1;
	start_counter(&t1, &counter);
	/* On our core it cannot run while we spin. */
	test_check(stands_still(&counter));
	for (seL4_Word i = 1; i < boot_info->numNodes; i++) {
		set_affinity(&t1, i);
		/* On another core it runs now. */
		test_check(moves(&counter, counter));
	}
	/* And back on ours it stops at once. */
	set_affinity(&t1, 0);
	test_check(stands_still(&counter));
	helper_cleanup(&t1);
}
DEFINE_TEST_IF(MULTICORE0002, "Test thread is runnable on all available cores (0 + other)",
	       test_tcb_move, smp);

static long yield_forever(seL4_Word count, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	for (;;) {
		seL4_Yield();
		(*(volatile seL4_Word *)count)++;
	}
	return 0;
}

static void test_tcb_clh(void)
{
	static volatile seL4_Word yields[MAX_CPUS_TESTED];
	struct helper t[MAX_CPUS_TESTED];
	seL4_Word cores =
	    boot_info->numNodes < MAX_CPUS_TESTED ? boot_info->numNodes : MAX_CPUS_TESTED;
	for (int round = 0; round < 2; round++) {
		/* A thread on every other core enters the kernel again and again. */
		for (seL4_Word i = 1; i < cores; i++) {
			helper_create(&t[i]);
			set_affinity(&t[i], i);
			yields[i] = 0;
			helper_start(&t[i], yield_forever, (seL4_Word)&yields[i], 0, 0, 0);
		}
		for (seL4_Word i = 1; i < cores; i++)
			test_check(moves(&yields[i], 0));
		/* We should be able to clean up all of them while they do. */
		for (seL4_Word i = 1; i < cores; i++)
			helper_cleanup(&t[i]);
		for (seL4_Word i = 1; i < cores; i++)
			test_check(stands_still(&yields[i]));
	}
}
DEFINE_TEST_IF(MULTICORE0004, "Test core stalling is behaving properly", test_tcb_clh, smp);

static void test_tcb_delete(void)
{
	static volatile seL4_Word counter;
	struct helper t1;
	start_counter(&t1, &counter);
	test_check(stands_still(&counter));
	set_affinity(&t1, 1);
	test_check(moves(&counter, counter));
	/* Now delete the helper thread running on another core. */
	helper_cleanup(&t1);
	test_check(stands_still(&counter));
}
DEFINE_TEST_IF(MULTICORE0005, "Test remote delete thread running on other cores", test_tcb_delete,
	       smp);

/* --- SMP0001: two threads run at the same time ------------------------------------ */

#define PING_ROUNDS 200

static volatile seL4_Word ping, pong;

static long ponger(seL4_Word rounds, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	for (seL4_Word i = 1; i <= rounds; i++) {
		if (!moves(&ping, i - 1))
			return -1;
		pong = i;
	}
	return 0;
}

/*
 * Without a kernel entry, each thread waits for the other's step: only two
 * CPUs at once get through, since on one CPU the lower thread never runs
 * while the root task spins.
 */
static void test_run_at_once(void)
{
	struct helper h;
	helper_create(&h);
	set_prio(&h, 100);
	set_affinity(&h, 1);
	ping = pong = 0;
	helper_start(&h, ponger, PING_ROUNDS, 0, 0, 0);
	seL4_Word i;
	for (i = 1; i <= PING_ROUNDS; i++) {
		ping = i;
		if (!moves(&pong, i - 1))
			break;
	}
	test_eq(i, PING_ROUNDS + 1);
	test_eq(helper_wait(&h), 0);
	helper_cleanup(&h);
}
DEFINE_TEST_IF(SMP0001, "Threads on two CPUs run at the same time, each seeing the other's steps",
	       test_run_at_once, smp);

/* --- SMP0002: SetAffinity's errors -------------------------------------------------- */

static void test_affinity_errors(void)
{
	static volatile seL4_Word counter;
	struct helper h;
	start_counter(&h, &counter);
	/* A CPU that does not exist. */
	test_eq(seL4_TCB_SetAffinity(h.tcb, boot_info->numNodes), seL4_IllegalOperation);
	test_eq(seL4_TCB_SetAffinity(h.tcb, ~0ul), seL4_IllegalOperation);
	/* No argument. */
	test_eq(sel4_call4(h.tcb, SEL4_SMP_TCBSetAffinity, 0, 0, 1, 0, 0, 0),
		seL4_TruncatedMessage);
	/* Not a TCB. */
	test_eq(sel4_call4(ROOT_CNODE, SEL4_SMP_TCBSetAffinity, 1, 0, 1, 0, 0, 0),
		seL4_IllegalOperation);
	/* Nothing moved: the thread is still on our CPU, and does not run. */
	test_check(stands_still(&counter));
	helper_cleanup(&h);
}
DEFINE_TEST_IF(SMP0002, "SetAffinity: a CPU index >= numNodes is an IllegalOperation",
	       test_affinity_errors, smp);

/* --- SMP0003: a thread moves itself ------------------------------------------------- */

static volatile seL4_Word self_counter, go_back, moving_back;

static long move_self(seL4_Word tcb, seL4_Word u1, seL4_Word u2, seL4_Word u3)
{
	(void)u1, (void)u2, (void)u3;
	if (seL4_TCB_SetAffinity(tcb, 1) != seL4_NoError)
		return 1;
	while (!go_back)
		self_counter++;
	moving_back = 1;
	/* Back to CPU 0, where the root task spins: no return from here while it does. */
	if (seL4_TCB_SetAffinity(tcb, 0) != seL4_NoError)
		return 2;
	self_counter = 0;
	return 0;
}

static void test_move_self(void)
{
	struct helper h;
	helper_create(&h);
	set_prio(&h, 100);
	self_counter = go_back = moving_back = 0;
	helper_start(&h, move_self, h.tcb, 0, 0, 0);
	/* It cannot run on our CPU: we spin. */
	test_check(stands_still(&self_counter));
	/* Once it runs (we block for a moment), it moves itself to CPU 1 and counts there. */
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, 100);
	seL4_Yield();
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO);
	test_check(moves(&self_counter, 0));
	test_check(moves(&self_counter, self_counter));
	/* Back on CPU 0 it waits for us: it does not return from SetAffinity while we spin. */
	go_back = 1;
	test_check(moves(&moving_back, 0));
	spin_ns(STILL_NS);
	test_check(self_counter != 0);
	test_eq(helper_wait(&h), 0);
	test_eq(self_counter, 0);
	helper_cleanup(&h);
}
DEFINE_TEST_IF(SMP0003, "A thread moves itself to another CPU and back", test_move_self, smp);

/* --- SMP0004: wakeups across CPUs --------------------------------------------------- */

static long note_message(seL4_Word ep, seL4_Word flag, seL4_Word u2, seL4_Word u3)
{
	(void)u2, (void)u3;
	seL4_Recv(ep, NULL);
	*(volatile seL4_Word *)flag = 1;
	return 0;
}

/*
 * A Send from CPU 0 makes the receiver on CPU 1 runnable there: CPU 1
 * reschedules at once (seL4's IPI) if the receiver outranks what runs there,
 * while the sender goes on. A receiver below the thread running there waits.
 */
static void test_remote_wakeup(void)
{
	static volatile seL4_Word spins, high_got, low_got;
	struct helper spinner, high, low;
	seL4_CPtr ep_high = alloc_endpoint(), ep_low = alloc_endpoint();
	helper_create(&spinner);
	helper_create(&high);
	helper_create(&low);
	set_prio(&spinner, 50);
	set_prio(&high, 100);
	set_prio(&low, 10);
	set_affinity(&spinner, 1);
	set_affinity(&high, 1);
	set_affinity(&low, 1);
	spins = high_got = low_got = 0;
	helper_start(&high, note_message, ep_high, (seL4_Word)&high_got, 0, 0);
	helper_start(&low, note_message, ep_low, (seL4_Word)&low_got, 0, 0);
	/* Both receivers wait on CPU 1 before the spinner starts there. */
	test_assert(wait_for_state(high.tcb, BLOCKED_ON_RECEIVE));
	test_assert(wait_for_state(low.tcb, BLOCKED_ON_RECEIVE));
	helper_start(&spinner, count_forever, (seL4_Word)&spins, 0, 0, 0);
	test_check(moves(&spins, 0));
	seL4_Send(ep_low, seL4_MessageInfo_new(0, 0, 0, 0));
	seL4_Send(ep_high, seL4_MessageInfo_new(0, 0, 0, 0));
	/* We keep CPU 0; the higher receiver runs on CPU 1 at once... */
	test_check(moves(&high_got, 0));
	/* ...the lower one not while the spinner runs there, */
	test_check(stands_still(&low_got));
	test_eq(low_got, 0);
	/* and once the spinner stops. */
	test_eq(seL4_TCB_Suspend(spinner.tcb), seL4_NoError);
	test_check(moves(&low_got, 0));
	helper_wait(&high);
	helper_wait(&low);
	helper_cleanup(&spinner);
	helper_cleanup(&high);
	helper_cleanup(&low);
	destroy_slot(ep_high);
	destroy_slot(ep_low);
}
DEFINE_TEST_IF(SMP0004, "A thread woken on another CPU preempts a lower one there at once",
	       test_remote_wakeup, smp);

/* --- SMP0005: IPC between every pair of CPUs (sel4test's test_ipc_pair) ---------------- */

static const seL4_Word lengths[] = {0, 1, 4, 5, 9, 64, seL4_MsgMaxLength};
#define N_LENGTHS (sizeof(lengths) / sizeof(lengths[0]))

static long call_func(seL4_Word ep, seL4_Word seed, seL4_Word u2, seL4_Word u3)
{
	(void)u2, (void)u3;
	long result = 0;
	for (unsigned l = 0; l < N_LENGTHS; l++) {
		seL4_Word len = lengths[l];
		for (seL4_Word i = 0; i < len; i++)
			seL4_SetMR((int)i, seed++);
		seL4_MessageInfo_t tag = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, len));
		if (seL4_MessageInfo_get_length(tag) != len)
			result = 1;
		for (seL4_Word i = 0; i < len; i++)
			if (seL4_GetMR((int)i) != seed++)
				result = 1;
	}
	return result;
}

static long replyrecv_func(seL4_Word ep, seL4_Word seed, seL4_Word u2, seL4_Word u3)
{
	(void)u2, (void)u3;
	long result = 0;
	seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, 0, 0);
	for (unsigned l = 0; l < N_LENGTHS; l++) {
		seL4_Word len = lengths[l];
		tag = l ? seL4_ReplyRecv(ep, tag, NULL) : seL4_Recv(ep, NULL);
		if (seL4_MessageInfo_get_length(tag) != len)
			result = 1;
		for (seL4_Word i = 0; i < len; i++)
			if (seL4_GetMR((int)i) != seed++)
				result = 1;
		for (seL4_Word i = 0; i < len; i++)
			seL4_SetMR((int)i, seed++);
		tag = seL4_MessageInfo_new(0, 0, 0, len);
	}
	seL4_Reply(tag);
	return result;
}

static void test_ipc_pairs(void)
{
	seL4_CPtr ep = alloc_endpoint();
	struct helper a, b;
	helper_create(&a);
	helper_create(&b);
	seL4_Word seed = 0xabbacafe;
	for (seL4_Word core_a = 0; core_a < boot_info->numNodes; core_a++) {
		set_affinity(&a, core_a);
		for (seL4_Word core_b = 0; core_b < boot_info->numNodes; core_b++) {
			set_affinity(&b, core_b);
			for (seL4_Word sender_prio = 98; sender_prio <= 102; sender_prio++) {
				set_prio(&a, sender_prio);
				set_prio(&b, 100);
				for (int sender_first = 0; sender_first <= 1; sender_first++) {
					/* The thread started last runs first at one priority. */
					if (sender_first) {
						helper_start(&b, replyrecv_func, ep, seed, 0, 0);
						helper_start(&a, call_func, ep, seed, 0, 0);
					} else {
						helper_start(&a, call_func, ep, seed, 0, 0);
						helper_start(&b, replyrecv_func, ep, seed, 0, 0);
					}
					test_eq(helper_wait(&a), 0);
					test_eq(helper_wait(&b), 0);
					seed += 0x71717171;
				}
			}
		}
	}
	helper_cleanup(&a);
	helper_cleanup(&b);
	destroy_slot(ep);
}
DEFINE_TEST_IF(SMP0005, "seL4_Call + seL4_ReplyRecv between threads on every pair of CPUs",
	       test_ipc_pairs, smp);

/* --- SMP0006: threads that run swap CPUs (sel4test's FPU0002 migrations) ---------------- */

#define SWAPS 50

static void test_swap_running(void)
{
	static volatile seL4_Word counter[2];
	struct helper t[2];
	for (int i = 0; i < 2; i++) {
		start_counter(&t[i], &counter[i]);
		set_affinity(&t[i], (seL4_Word)i);
	}
	for (int it = 0; it < SWAPS; it++) {
		for (int i = 0; i < 2; i++)
			set_affinity(&t[i], (seL4_Word)(i + it + 1) % 2);
		/* The one on the other CPU runs at once, the one on ours while we wait behind it.
		 */
		int here = (it + 1) % 2; /* t[here] is on our CPU now */
		seL4_Word before = counter[here];
		test_assert(moves(&counter[1 - here], counter[1 - here]));
		for (int k = 0; k < 100000 && counter[here] == before; k++) {
			seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, 100);
			seL4_Yield();
			seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO);
		}
		test_assert(counter[here] != before);
	}
	for (int i = 0; i < 2; i++)
		helper_cleanup(&t[i]);
}
DEFINE_TEST_IF(SMP0006, "Two running threads swap CPUs again and again", test_swap_running, smp);
