/*
 * test-host-memory: what frames cost the host and who can still reach them.
 * A root task that prints one line per case ("NAME: ok" or "NAME: FAILED
 * why") for tests/system/host_memory.sh, which adds what only the host can
 * see (/proc of the PD processes).
 */
#include "../conformance/test.h"
#include <base/image.h>
#include <sim/ctrl.h>
#include <sim/layout.h>

void env_init(const seL4_BootInfo *bi);

const char *env_program = "test-host-memory";

/* An address range of the root task's VSpace that nothing else uses. */
#define AREA	   0x200000000000ul
#define AREA_PAGES 512

static seL4_CPtr map_table(seL4_Word type, seL4_Word vaddr)
{
	seL4_CPtr t = alloc_object(type, 0);
	if (!t)
		return 0;
	seL4_Error e;
	if (type == seL4_X86_PDPTObject)
		e = seL4_X86_PDPT_Map(t, ROOT_VSPACE, vaddr, seL4_X86_Default_VMAttributes);
	else if (type == seL4_X86_PageDirectoryObject)
		e = seL4_X86_PageDirectory_Map(t, ROOT_VSPACE, vaddr,
					       seL4_X86_Default_VMAttributes);
	else
		e = seL4_X86_PageTable_Map(t, ROOT_VSPACE, vaddr, seL4_X86_Default_VMAttributes);
	return e == seL4_NoError ? t : 0;
}

static seL4_Word host_fds(void)
{
	seL4_Word fds, procs;
	sim_DebugHostResources(&fds, &procs);
	return fds;
}

/*
 * Frames cost kernel-sim no descriptor while they live: map AREA_PAGES
 * frames, touch each, and compare kernel-sim's open descriptors.
 */
static void frames_cost_no_fd(bool memfd_frames)
{
	static seL4_CPtr frame[AREA_PAGES];
	seL4_Word before = host_fds();
	for (int i = 0; i < AREA_PAGES; i++) {
		frame[i] = alloc_object(seL4_X86_4K, 0);
		test_assert(frame[i]);
		test_eq(seL4_X86_Page_Map(frame[i], ROOT_VSPACE, AREA + i * seL4_PageSize,
					  seL4_ReadWrite, seL4_X86_Default_VMAttributes),
			seL4_NoError);
		*(volatile seL4_Word *)(AREA + i * seL4_PageSize) = (seL4_Word)i;
	}
	seL4_Word mapped = host_fds();
	for (int i = 0; i < AREA_PAGES; i++)
		test_eq(*(volatile seL4_Word *)(AREA + i * seL4_PageSize), (seL4_Word)i);
	for (int i = 0; i < AREA_PAGES; i++)
		release_slot(frame[i]);
	seL4_Word after = host_fds();
	printf("host-memory: %d frames mapped: kernel-sim fds %lu -> %lu -> %lu\n", AREA_PAGES,
	       (unsigned long)before, (unsigned long)mapped, (unsigned long)after);
	if (memfd_frames)
		test_check(mapped >= before + AREA_PAGES);
	else
		test_check(mapped <= before + 2);
	test_check(after == before);
}

/* --- A hostile PD: component code running the runtime's own system call --- */

/*
 * Component code shares its process with pd-host and may run any of its
 * code with any registers: here, its one syscall instruction (found in the
 * runtime's text, followed by a ret), to take map commands off the control
 * channel, keep their descriptors and forge the acknowledgements.
 */
static uintptr_t site;

static void find_site(void)
{
	const struct elf64_ehdr *eh = (const struct elf64_ehdr *)SIM_RUNTIME_BASE;
	const struct elf64_phdr *ph = (const struct elf64_phdr *)(SIM_RUNTIME_BASE + eh->phoff);
	for (unsigned i = 0; i < eh->phnum && !site; i++) {
		if (ph[i].type != PT_LOAD || !(ph[i].flags & PF_X))
			continue;
		const unsigned char *p = (const unsigned char *)ph[i].vaddr;
		for (uint64_t k = 0; k + 3 <= ph[i].filesz && !site; k++)
			if (p[k] == 0x0f && p[k + 1] == 0x05 && p[k + 2] == 0xc3)
				site = (uintptr_t)&p[k];
	}
}

static long host_call(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;
	/* step over the red zone: the call pushes its return address */
	__asm__ volatile("sub $128, %%rsp\n\tcall *%[site]\n\tadd $128, %%rsp"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
			   "r"(r9), [site] "r"(site)
			 : "rcx", "r11", "memory");
	return ret;
}

#define NR_MMAP			 9
#define NR_SENDMSG		 46
#define NR_RECVMSG		 47
#define NR_CLOSE		 3
#define K_MSG_DONTWAIT		 0x40
#define K_PROT_RW		 3
#define K_MAP_SHARED_FIXED	 0x11
#define K_MAP_PRIVATE_ANON_FIXED 0x32

struct k_iovec {
	void *base;
	uint64_t len;
};

struct k_msghdr {
	void *name;
	uint64_t namelen;
	struct k_iovec *iov;
	uint64_t iovlen;
	void *control;
	uint64_t controllen;
	int flags;
};

/* One command off the control channel, with the descriptor it carried (or -1). */
static long steal_command(struct sim_ctrl_msg *m, int *fd)
{
	uint64_t control[4] = {0};
	struct k_iovec iov = {m, sizeof(*m)};
	struct k_msghdr h = {0, 0, &iov, 1, control, sizeof(control), 0};
	*fd = -1;
	long n = host_call(NR_RECVMSG, SIM_CTRL_FD, (long)&h, K_MSG_DONTWAIT, 0, 0, 0);
	/* cmsghdr: len, level 1 (SOL_SOCKET), type 1 (SCM_RIGHTS), then the fd */
	if (n > 0 && h.controllen >= 20 && ((int *)control)[2] == 1 && ((int *)control)[3] == 1)
		*fd = ((int *)control)[4];
	return n;
}

/* The acknowledgement the runtime would send for cmd (whatever fields name the command). */
static void forge_ack(const struct sim_ctrl_msg *cmd)
{
	struct sim_ctrl_msg a = *cmd;
	a.op = SIM_CTRL_ACK;
	a.status = 0;
	struct k_iovec iov = {&a, sizeof(a)};
	struct k_msghdr h = {0, 0, &iov, 1, 0, 0, 0};
	host_call(NR_SENDMSG, SIM_CTRL_FD, (long)&h, 0, 0, 0, 0);
}

/* Where the thief keeps a stolen frame: no capability maps anything there. */
#define RETAIN 0x300000000000ul

/* Shared with the child PDs (the image's data pages are shared). */
static volatile seL4_Word stolen, retained_value, read_after, read_done;
static volatile bool stealing;

/* The thief: steals one map command, keeps its frame mapped at RETAIN. */
static long thief(seL4_Word go, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Wait(go, NULL);
	while (stealing && !stolen) {
		struct sim_ctrl_msg m;
		int fd;
		if (steal_command(&m, &fd) != (long)sizeof(m))
			continue;
		if (m.op == SIM_CTRL_MAP && fd >= 0 &&
		    host_call(NR_MMAP, RETAIN, seL4_PageSize, K_PROT_RW, K_MAP_SHARED_FIXED, fd,
			      0) == (long)RETAIN) {
			retained_value = *(volatile seL4_Word *)RETAIN;
			stolen = 1;
		}
		if (fd >= 0)
			host_call(NR_CLOSE, fd, 0, 0, 0, 0, 0);
		forge_ack(&m);
	}
	seL4_Wait(go, NULL);
	read_after = *(volatile seL4_Word *)RETAIN; /* faults if the frame was taken back */
	read_done = 1;
	seL4_Wait(go, NULL);
	return 0;
}

/* A PD whose thread steals the next map command. */
struct theft {
	struct child_pd *pd;
	struct helper h;
	seL4_CPtr go, fault_ep;
};

static bool theft_start(struct theft *t, const char *name)
{
	stolen = retained_value = read_after = read_done = 0;
	stealing = true;
	t->pd = child_pd_create(seL4_CapInitThreadASIDPool);
	t->go = alloc_notification();
	t->fault_ep = alloc_endpoint();
	if (!t->pd || !t->go || !t->fault_ep)
		return false;
	helper_create_in(&t->h, t->pd);
	seL4_DebugNameThread(t->h.tcb, name);
	if (helper_set_fault_ep(&t->h, t->fault_ep) != seL4_NoError)
		return false;
	seL4_CPtr go = child_pd_copy(t->pd, t->go);
	helper_start(&t->h, thief, go, 0, 0, 0);
	return wait_for_state(t->h.tcb, 6 /* BlockedOnNotification */);
}

/*
 * A fault of the thief: kernel-sim ended its PD, because the thief forged
 * an acknowledgement while the runtime's control thread answered a later
 * command (answers out of order). That is kernel-sim's defence working,
 * not a failed theft: the theft is tried again in a fresh PD.
 */
static bool thief_lost(struct theft *t)
{
	seL4_Word state = sim_DebugThreadState(t->h.tcb);
	return state == 4 /* BlockedOnSend: its fault */ || state == 0 /* Inactive */;
}

/*
 * Map frame into the thief's VSpace at vaddr until the thief has stolen
 * the map command (it races the runtime's control thread for it).
 */
static bool theft_of(struct theft *t, seL4_CPtr frame, seL4_Word vaddr)
{
	seL4_Signal(t->go);
	int attempt;
	bool lost = false;
	for (attempt = 0; attempt < 500 && !stolen && !lost; attempt++) {
		if (seL4_X86_Page_Map(frame, child_pd_vspace(t->pd), vaddr, seL4_ReadWrite,
				      seL4_X86_Default_VMAttributes) != seL4_NoError)
			return false;
		for (int i = 0; i < 200 && !stolen; i++)
			yield_to_helpers();
		if (!stolen) {
			seL4_X86_Page_Unmap(frame);
			lost = thief_lost(t);
		}
	}
	stealing = false;
	printf("host-memory: the thief %s a map command (%d maps)\n",
	       stolen ? "stole"
	       : lost ? "was ended before it stole"
		      : "never got",
	       attempt);
	return stolen;
}

/* Let the thief read its kept frame: the fault address, or 0 if the read worked. */
static seL4_Word theft_read(struct theft *t)
{
	seL4_Signal(t->go);
	for (int i = 0; i < 200000 && !read_done; i++) {
		seL4_Word badge;
		seL4_MessageInfo_t info = seL4_NBRecv(t->fault_ep, &badge);
		if (seL4_MessageInfo_get_label(info) == seL4_Fault_VMFault)
			return seL4_GetMR(seL4_VMFault_Addr);
		yield_to_helpers();
	}
	return 0;
}

static void theft_end(struct theft *t)
{
	helper_cleanup(&t->h);
	child_pd_destroy(t->pd);
	release_slot(t->go);
	release_slot(t->fault_ep);
}

#define SECRET 0x5ec2e7c0de5ul

/* A frame with SECRET in it, written through the root task's own mapping at AREA. */
static seL4_CPtr secret_frame(bool keep_mapped)
{
	seL4_CPtr f = alloc_object(seL4_X86_4K, 0);
	if (!f || seL4_X86_Page_Map(f, ROOT_VSPACE, AREA, seL4_ReadWrite,
				    seL4_X86_Default_VMAttributes) != seL4_NoError)
		return 0;
	*(volatile seL4_Word *)AREA = SECRET;
	if (!keep_mapped)
		seL4_X86_Page_Unmap(f);
	return f;
}

/* Where the thief's VSpace maps the frame (its page table covers the image). */
static seL4_Word thief_vaddr(void)
{
	static char page[4096] __attribute__((aligned(4096)));
	return (seL4_Word)page;
}

/*
 * A thief that stole the secret frame f, mapped through a copy of f's cap
 * (up to three thieves: kernel-sim may end one before it stole).
 */
static bool steal_secret(struct theft *t, seL4_CPtr f, seL4_CPtr *copy)
{
	*copy = alloc_slot();
	if (!f || !*copy || cnode_copy(f, *copy, seL4_AllRights) != seL4_NoError)
		return false;
	for (int round = 0; round < 3; round++) {
		if (!theft_start(t, "thief"))
			return false;
		if (theft_of(t, *copy, thief_vaddr())) {
			for (int i = 0; i < 200; i++)
				seL4_Yield(); /* its forged acknowledgement is judged meanwhile */
			if (!thief_lost(t))
				return retained_value == SECRET; /* it worked: it read the frame */
			printf("host-memory: the thief was ended after it stole\n");
			seL4_X86_Page_Unmap(*copy);
		}
		theft_end(t);
	}
	return false;
}

/*
 * Page_Unmap does not rely on the PD: the thief kept the frame's
 * descriptor and mapping and forged the acknowledgement, yet once no
 * capability maps the frame, reading it faults.
 */
static void read_after_unmap_faults(void)
{
	struct theft t;
	seL4_CPtr copy, f = secret_frame(false);
	test_assert(steal_secret(&t, f, &copy));
	test_eq(seL4_X86_Page_Unmap(copy), seL4_NoError);
	test_eq(theft_read(&t), RETAIN);
	test_check(!read_done);
	theft_end(&t);
	release_slot(copy);
	release_slot(f);
}

/* Deleting a frame frees it for every holder, even while another VSpace maps it. */
static void read_after_delete_faults(void)
{
	struct theft t;
	seL4_CPtr copy, f = secret_frame(true);
	test_assert(steal_secret(&t, f, &copy));
	destroy_slot(f); /* the frame and its copy: both mappings go */
	test_eq(theft_read(&t), RETAIN);
	test_check(!read_done);
	theft_end(&t);
	free_slot(copy);
}

/* --- A PD that hoards host memory ------------------------------------- */

static volatile seL4_Word hoarded_blocks, hoard_done;

/* Map and touch every thread block of the runtime it can get. */
static long hoarder(seL4_Word stay, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	for (seL4_Word i = 8; i < SIM_RUNTIME_MAX_THREADS; i++) {
		uintptr_t b = SIM_RUNTIME_BLOCKS + i * SIM_RUNTIME_BLOCK_SIZE;
		if (host_call(NR_MMAP, (long)b, SIM_RUNTIME_BLOCK_SIZE, K_PROT_RW,
			      K_MAP_PRIVATE_ANON_FIXED, -1, 0) != (long)b)
			continue;
		for (uintptr_t p = b; p < b + SIM_RUNTIME_BLOCK_SIZE; p += seL4_PageSize)
			*(volatile char *)p = 1;
		hoarded_blocks++;
	}
	hoard_done = 1;
	seL4_Wait(stay, NULL);
	return 0;
}

/*
 * What a PD process can hold is bounded by its RLIMIT_AS: the frames its
 * VSpace maps, its runtime and thread blocks, and a little rounding. The
 * hoarder stays for tests/system/host_memory.sh to measure from /proc.
 */
static struct child_pd *hoard_pd;

static void hoard_bounded(void)
{
	static struct helper h;
	hoard_pd = child_pd_create(seL4_CapInitThreadASIDPool);
	seL4_CPtr stay = alloc_notification();
	test_assert(hoard_pd && stay);
	helper_create_in(&h, hoard_pd);
	seL4_DebugNameThread(h.tcb, "hoarder");
	helper_start(&h, hoarder, child_pd_copy(hoard_pd, stay), 0, 0, 0);
	for (int i = 0; i < 200000 && !hoard_done; i++)
		yield_to_helpers();
	test_check(hoard_done);
	seL4_Word pages = boot_info->userImageFrames.end - boot_info->userImageFrames.start;
	printf("host-memory: hoarder 'child %d': %lu KiB of frames mapped, %lu extra thread "
	       "blocks (%lu KiB) mapped\n",
	       h.pool, (unsigned long)(pages * seL4_PageSize >> 10), (unsigned long)hoarded_blocks,
	       (unsigned long)(hoarded_blocks * SIM_RUNTIME_BLOCK_SIZE >> 10));
	/* the rounding of its RLIMIT_AS (256 KiB) leaves room for a few */
	test_check(hoarded_blocks * SIM_RUNTIME_BLOCK_SIZE <= (512ul << 10));
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(ROOT_TCB, "test-host-memory");
	env_init(bi);
	/* The memfd fallback is announced by its module name. */
	bool memfd_frames = false;
	const sim_BootModules *mods =
	    (const sim_BootModules *)sim_boot_info_chunk(bi, SEL4_BOOTINFO_HEADER_SIM_MODULES);
	for (seL4_Word i = 0; mods && i < mods->count; i++)
		if (!strcmp(mods->module[i].name, "memfd-frames"))
			memfd_frames = true;

	if (!map_table(seL4_X86_PDPTObject, AREA) ||
	    !map_table(seL4_X86_PageDirectoryObject, AREA) ||
	    !map_table(seL4_X86_PageTableObject, AREA)) {
		printf("HOSTMEM_SETUP: FAILED cannot map paging structures\n");
		return 1;
	}
	frames_cost_no_fd(memfd_frames);
	report_case(memfd_frames ? "HOSTMEM_MEMFD_FRAMES_ONE_FD_EACH"
				 : "HOSTMEM_FRAMES_COST_NO_FD");
	find_site();
	if (!site) {
		printf("HOSTMEM_SETUP: FAILED no syscall site in the runtime\n");
		return 1;
	}
	read_after_unmap_faults();
	report_case("HOSTMEM_READ_AFTER_UNMAP_FAULTS");
	read_after_delete_faults();
	report_case("HOSTMEM_READ_AFTER_DELETE_FAULTS");
	hoard_bounded();
	report_case("HOSTMEM_HOARDER_BOUNDED");

	printf("test-host-memory: done, %d failed\n", env_failures);
	/* The hoarder stays for the host's measurement; kernel-sim ends on SIGTERM. */
	seL4_Wait(alloc_notification(), NULL);
	return 0;
}
