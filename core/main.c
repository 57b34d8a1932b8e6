/*
 * core, boot stage: the root task that the Genode core port grows from.
 * It reads what kernel-sim hands the initial thread (the untyped memory,
 * the initial CNode layout and the boot modules that become ROM modules)
 * and reports it the way core reports its allocators at start.
 */
#include <base/format.h>
#include <base/roottask.h>

static void print_region(const char *what, seL4_SlotRegion r)
{
	printf("core:   %-18s slots [%#lx, %#lx)  (%lu)\n", what, (unsigned long)r.start,
	       (unsigned long)r.end, (unsigned long)(r.end - r.start));
}

static void print_untypeds(const seL4_BootInfo *bi)
{
	unsigned long ram = 0, device = 0, n = bi->untyped.end - bi->untyped.start;
	unsigned long ram_caps = 0;
	for (unsigned long i = 0; i < n; i++) {
		const seL4_UntypedDesc *u = &bi->untypedList[i];
		if (u->isDevice) {
			device += 1ul << u->sizeBits;
		} else {
			ram += 1ul << u->sizeBits;
			ram_caps++;
		}
	}
	printf("core: physical memory: %lu KiB free RAM in %lu untypeds\n", ram >> 10, ram_caps);
	for (unsigned long i = 0; i < n; i++) {
		const seL4_UntypedDesc *u = &bi->untypedList[i];
		if (!u->isDevice)
			printf("core:   [%#014lx, %#014lx) %2u bits\n", (unsigned long)u->paddr,
			       (unsigned long)(u->paddr + (1ul << u->sizeBits)), u->sizeBits);
	}
	printf("core: I/O memory: %lu device untypeds covering %lu GiB\n", n - ram_caps,
	       device >> 30);
}

static void print_modules(const seL4_BootInfo *bi)
{
	const char *p = (const char *)bi + seL4_BootInfoFrameSize;
	const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)p;
	if (bi->extraLen < sizeof(*h) || h->id != SEL4_BOOTINFO_HEADER_SIM_MODULES) {
		printf("core: no boot modules\n");
		return;
	}
	const sim_BootModules *m = (const sim_BootModules *)h;
	printf("core: ROM modules:\n");
	for (seL4_Word i = 0; i < m->count; i++)
		printf("core:   ROM [%#010lx, %#010lx) %s\n", (unsigned long)m->module[i].vaddr,
		       (unsigned long)(m->module[i].vaddr + m->module[i].size), m->module[i].name);
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(seL4_CapInitThreadTCB, "core");
	printf("core: boot info at %p, IPC buffer at %p\n", (const void *)bi,
	       (const void *)bi->ipcBuffer);
	printf("core: initial CNode of %lu slots\n", 1ul << bi->initThreadCNodeSizeBits);
	print_region("image frames", bi->userImageFrames);
	print_region("image paging", bi->userImagePaging);
	print_region("extra boot info", bi->extraBIPages);
	print_region("untypeds", bi->untyped);
	print_region("empty", bi->empty);
	print_untypeds(bi);
	print_modules(bi);
	printf("core: boot stage done; the core services are not ported yet\n");
	return 0;
}
