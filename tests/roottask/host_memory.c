/*
 * test-host-memory: what frames cost the host and who can still reach them.
 * A root task that prints one line per case ("NAME: ok" or "NAME: FAILED
 * why") for tests/system/host_memory.sh, which adds what only the host can
 * see (/proc of the PD processes).
 */
#include "../conformance/test.h"

void env_init(const seL4_BootInfo *bi);

const char *env_program = "test-host-memory";

/* An address range of the root task's VSpace that nothing else uses. */
#define AREA	   0x200000000000ul
#define AREA_PAGES 512

static int failures_before;

static void report(const char *name)
{
	if (env_failures == failures_before)
		printf("%s: ok\n", name);
	else
		printf("%s: FAILED (see above)\n", name);
	failures_before = env_failures;
}

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
	report(memfd_frames ? "HOSTMEM_MEMFD_FRAMES_ONE_FD_EACH" : "HOSTMEM_FRAMES_COST_NO_FD");

	printf("test-host-memory: done, %d failed\n", env_failures);
	sim_DebugHalt(env_failures ? 1 : 0);
	return 0;
}
