/*
 * bench-kernel-root: the root-task half of the kernel benchmark. It times,
 * in TSC ticks (rdtsc is an instruction, not a system call):
 *   trap   seL4_DebugCapIdentify, the cheapest kernel entry with an answer;
 *   call   seL4_Call + seL4_ReplyRecv between two threads of this PD;
 *   signal seL4_Signal to a thread waiting in seL4_Wait, which signals back.
 * It prints one line "bench NAME: N ticks" per figure. With a boot module
 * "calls" holding a number N it makes N Call + ReplyRecv round trips and
 * nothing else, for bench-kernel to count what the host does per round trip.
 * With a boot module "spin" holding N, it and a second thread of its
 * priority each make N system calls that never block, so that timeslices
 * end (parks land) in the middle of kernel entries (tests/system/direct_entry.sh).
 */
#include <base/format.h>
#include <base/roottask.h>
#include <base/tls.h>

#define WARMUP 2000
#define ROUNDS 20000

extern const char __ehdr_start[];

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static seL4_CPtr next_slot, untyped;
static const seL4_BootInfo *boot;

static seL4_CPtr make(seL4_Word type)
{
	seL4_CPtr slot = next_slot++;
	if (seL4_Untyped_Retype(untyped, type, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1))
		return 0;
	return slot;
}

static char server_stack[16384] __attribute__((aligned(16)));
static char server_ipc[4096] __attribute__((aligned(4096)));
static char server_tls[512] __attribute__((aligned(64)));
static seL4_CPtr ep, ping, pong;

static void server(void)
{
	__sel4_ipc_buffer = (seL4_IPCBuffer *)server_ipc;
	seL4_Recv(ep, NULL);
	for (;;)
		seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), NULL);
}

static void signaller(void)
{
	__sel4_ipc_buffer = (seL4_IPCBuffer *)server_ipc;
	for (;;) {
		seL4_Wait(ping, NULL);
		seL4_Signal(pong);
	}
}

static seL4_CPtr start_thread(void (*fn)(void))
{
	seL4_CPtr tcb = make(seL4_TCBObject);
	seL4_CPtr frame = boot->userImageFrames.start +
			  ((uintptr_t)server_ipc - (uintptr_t)__ehdr_start) / seL4_PageSize;
	seL4_TCB_Configure(tcb, 0, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0,
			   (seL4_Word)server_ipc, frame);
	seL4_UserContext ctx = {0};
	ctx.rip = (seL4_Word)fn;
	ctx.rsp = (seL4_Word)&server_stack[sizeof(server_stack)] - 8;
	ctx.rflags = 0x202;
	ctx.fs_base = sim_tls_init(server_tls, sizeof(server_tls));
	seL4_TCB_WriteRegisters(tcb, 1, 0, seL4_UserContext_Words, &ctx);
	return tcb;
}

static volatile long spin_left;

static void spinner(void)
{
	__sel4_ipc_buffer = (seL4_IPCBuffer *)server_ipc;
	for (; spin_left > 0; spin_left--)
		seL4_DebugCapIdentify(seL4_CapInitThreadTCB);
	for (;;)
		seL4_Wait(ping, NULL);
}

static long module_number(const seL4_BootInfo *bi, const char *name)
{
	const sim_BootModule *m = sim_boot_module(bi, name);
	if (!m)
		return -1;
	long n = 0;
	for (const char *c = (const char *)m->vaddr;
	     c < (const char *)m->vaddr + m->size && *c >= '0' && *c <= '9'; c++)
		n = n * 10 + (*c - '0');
	return n;
}

static unsigned long long time_trap(void)
{
	for (int i = 0; i < WARMUP; i++)
		seL4_DebugCapIdentify(seL4_CapInitThreadTCB);
	unsigned long long t0 = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		seL4_DebugCapIdentify(seL4_CapInitThreadTCB);
	return (rdtsc() - t0) / ROUNDS;
}

static unsigned long long time_call(void)
{
	seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, 1);
	for (int i = 0; i < WARMUP; i++)
		seL4_Call(ep, info);
	unsigned long long t0 = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		seL4_Call(ep, info);
	return (rdtsc() - t0) / ROUNDS;
}

static unsigned long long time_signal(void)
{
	for (int i = 0; i < WARMUP; i++) {
		seL4_Signal(ping);
		seL4_Wait(pong, NULL);
	}
	unsigned long long t0 = rdtsc();
	for (int i = 0; i < ROUNDS; i++) {
		seL4_Signal(ping);
		seL4_Wait(pong, NULL);
	}
	return (rdtsc() - t0) / ROUNDS;
}

int root_main(const seL4_BootInfo *bi)
{
	boot = bi;
	next_slot = bi->empty.start;
	for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++)
		if (!bi->untypedList[i].isDevice && bi->untypedList[i].sizeBits >= 20)
			untyped = bi->untyped.start + i;
	ep = make(seL4_EndpointObject);
	ping = make(seL4_NotificationObject);
	pong = make(seL4_NotificationObject);
	if (!ep || !ping || !pong)
		return 1;

	long n = module_number(bi, "spin");
	if (n >= 0) {
		spin_left = n;
		seL4_CPtr s = start_thread(spinner);
		seL4_TCB_SetPriority(s, seL4_CapInitThreadTCB, seL4_MaxPrio);
		for (long i = 0; i < n; i++)
			seL4_DebugCapIdentify(seL4_CapInitThreadTCB);
		while (spin_left > 0)
			seL4_DebugCapIdentify(seL4_CapInitThreadTCB);
		printf("bench spin: %ld\n", n);
		return 0;
	}
	n = module_number(bi, "calls");
	if (n >= 0) {
		start_thread(server);
		for (long i = 0; i < n; i++)
			seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
		printf("bench calls: %ld\n", n);
		return 0;
	}
	printf("bench trap: %llu ticks\n", time_trap());
	seL4_CPtr s = start_thread(server);
	printf("bench call: %llu ticks\n", time_call());
	seL4_TCB_Suspend(s);
	start_thread(signaller);
	printf("bench signal: %llu ticks\n", time_signal());
	return 0;
}
