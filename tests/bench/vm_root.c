/*
 * bench-vm-root: the root-task half of the virtual-memory benchmark. It
 * times, in TSC ticks:
 *   fault    a VMFault round trip: a thread of a child PD reads an unmapped
 *            address, the root task (another PD) receives the fault and
 *            replies, the thread runs the read again and faults again;
 *   mapN     seL4_X86_Page_Map of N 4 KiB frames into the root VSpace, then
 *            seL4_X86_Page_Unmap of all of them (N = 1, 512, 2048).
 * It prints one line "bench NAME: N ticks" per figure.
 */
#include "../conformance/test.h"

#define FAULT_ROUNDS 5000
#define MAP_ROUNDS   2000
#define MAP_BATCHES  10
#define MAX_FRAMES   2048
#define MAP_BASE     0x40000000ul /* 1 GiB: a PDPT entry of its own */
#define FAULT_VADDR  0x7d0000000000ul

void env_init(const seL4_BootInfo *bi);

const char *env_program = "bench-vm-root";

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static long read_forever(seL4_Word address, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	for (;;)
		(void)*(volatile seL4_Word *)address;
	return 0;
}

static unsigned long long time_fault(void)
{
	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	seL4_CPtr ep = alloc_endpoint();
	struct helper h;
	helper_create_in(&h, pd);
	if (helper_set_fault_ep(&h, ep) != seL4_NoError)
		test_fail(__FILE__, __LINE__, "SetSpace");
	helper_start(&h, read_forever, FAULT_VADDR, 0, 0, 0);
	seL4_MessageInfo_t reply = seL4_MessageInfo_new(0, 0, 0, 0);
	seL4_Recv(ep, NULL);
	for (int i = 0; i < FAULT_ROUNDS / 10; i++)
		seL4_ReplyRecv(ep, reply, NULL);
	unsigned long long t0 = rdtsc();
	for (int i = 0; i < FAULT_ROUNDS; i++) {
		seL4_MessageInfo_t info = seL4_ReplyRecv(ep, reply, NULL);
		if (seL4_MessageInfo_get_label(info) != seL4_Fault_VMFault)
			test_fail(__FILE__, __LINE__, "not a VMFault");
	}
	unsigned long long t = (rdtsc() - t0) / FAULT_ROUNDS;
	helper_cleanup(&h);
	child_pd_destroy(pd);
	release_slot(ep);
	return t;
}

static seL4_CPtr frames[MAX_FRAMES];

/* Map frames [0, n) at MAP_BASE and unmap them again, rounds times. */
static unsigned long long time_map(int n, int rounds)
{
	unsigned long long t0 = rdtsc();
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < n; i++)
			if (seL4_X86_Page_Map(frames[i], ROOT_VSPACE, MAP_BASE + i * seL4_PageSize,
					      seL4_ReadWrite, 0) != seL4_NoError) {
				test_fail(__FILE__, __LINE__, "Page_Map");
				return 0;
			}
		for (int i = 0; i < n; i++)
			if (seL4_X86_Page_Unmap(frames[i]) != seL4_NoError) {
				test_fail(__FILE__, __LINE__, "Page_Unmap");
				return 0;
			}
	}
	return (rdtsc() - t0) / rounds;
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(ROOT_TCB, "bench-vm");
	env_init(bi);
	printf("bench fault: %llu ticks\n", time_fault());
	if (env_failures)
		return 1;

	/* Paging structures for MAX_FRAMES pages at MAP_BASE, then the frames. */
	seL4_CPtr pd = alloc_object(seL4_X86_PageDirectoryObject, 0);
	if (seL4_X86_PageDirectory_Map(pd, ROOT_VSPACE, MAP_BASE, 0) != seL4_NoError)
		test_fail(__FILE__, __LINE__, "PageDirectory_Map");
	for (int i = 0; i < MAX_FRAMES / 512; i++) {
		seL4_CPtr pt = alloc_object(seL4_X86_PageTableObject, 0);
		if (seL4_X86_PageTable_Map(pt, ROOT_VSPACE, MAP_BASE + (seL4_Word)i * (1ul << 21),
					   0) != seL4_NoError)
			test_fail(__FILE__, __LINE__, "PageTable_Map");
	}
	for (int i = 0; i < MAX_FRAMES && !env_failures; i++)
		if (!(frames[i] = alloc_object(seL4_X86_4K, 0)))
			test_fail(__FILE__, __LINE__, "out of memory or slots");
	if (env_failures)
		return 1;
	time_map(MAX_FRAMES, 1); /* the frames' memfds exist from here on */
	printf("bench map1: %llu ticks\n", time_map(1, MAP_ROUNDS));
	printf("bench map512: %llu ticks\n", time_map(512, MAP_BATCHES));
	printf("bench map2048: %llu ticks\n", time_map(2048, MAP_BATCHES));
	return env_failures ? 1 : 0;
}
