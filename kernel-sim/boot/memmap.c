#include "memmap.h"
#include "../devices/acpi.h"
#include "../devices/irq_lines.h"
#include <sim/layout.h>

/* Pages seL4 maps for itself and leaves out of the device untypeds (reserve_region). */
static const struct mem_range kernel_pages[] = {
    {IOAPIC_PADDR, IOAPIC_PADDR + 0x1000},
    {LAPIC_PADDR, LAPIC_PADDR + 0x1000},
    {0xfffffff8ul, 0x100000000ul}, /* the MSI doorbell (platAddDevices) */
};

#define N_KERNEL_PAGES (sizeof(kernel_pages) / sizeof(kernel_pages[0]))

unsigned memmap_ram(uint64_t memory, struct mem_range ram[MEMMAP_MAX_RAM])
{
	uint64_t low = SIM_PCI_HOLE - SIM_RAM_PADDR;
	ram[0] = (struct mem_range){SIM_RAM_PADDR, SIM_RAM_PADDR + (memory < low ? memory : low)};
	if (memory <= low)
		return 1;
	ram[1] = (struct mem_range){SIM_HIGH_RAM, SIM_HIGH_RAM + (memory - low)};
	return 2;
}

int memmap_devices(const struct mem_range *ram, unsigned n,
		   int (*fn)(uint64_t start, uint64_t end, void *ctx), void *ctx)
{
	/* The holes between RAM and the kernel's pages, both in address order. */
	struct mem_range taken[MEMMAP_MAX_RAM + N_KERNEL_PAGES];
	unsigned count = 0, r = 0, k = 0;
	while (r < n || k < N_KERNEL_PAGES)
		taken[count++] =
		    k == N_KERNEL_PAGES || (r < n && ram[r].start < kernel_pages[k].start)
			? ram[r++]
			: kernel_pages[k++];
	uint64_t start = 0;
	for (unsigned i = 0; i < count; i++) {
		if (start < taken[i].start && fn(start, taken[i].start, ctx) != 0)
			return -1;
		start = taken[i].end;
	}
	return start < SIM_PADDR_TOP ? fn(start, SIM_PADDR_TOP, ctx) : 0;
}

unsigned memmap_firmware(const struct mem_range *ram, unsigned n, seL4_X86_mb_mmap_t *out,
			 unsigned max)
{
	/* As a PC BIOS reports it (QEMU's), with kernel-sim's own devices reserved. */
	struct {
		uint64_t start, end;
		uint32_t type;
	} map[8] = {
	    {0, 0x9fc00, 1},
	    {0x9fc00, 0xa0000, 2},
	    {0xe0000, 0x100000, 2}, /* the BIOS area with the ACPI tables */
	};
	unsigned count = 3;
	for (unsigned i = 0; i < n; i++)
		map[count++] = (typeof(map[0])){ram[i].start, ram[i].end, 1};
	map[count++] = (typeof(map[0])){IOAPIC_PADDR, IOAPIC_PADDR + 0x1000, 2};
	map[count++] = (typeof(map[0])){HPET_PADDR_BASE, HPET_PADDR_BASE + 0x1000, 2};
	map[count++] = (typeof(map[0])){LAPIC_PADDR, LAPIC_PADDR + 0x1000, 2};
	/* RAM above 4 GiB belongs after the devices below it */
	if (n == 2) {
		typeof(map[0]) high = map[4];
		for (unsigned i = 4; i + 1 < count; i++)
			map[i] = map[i + 1];
		map[count - 1] = high;
	}
	unsigned m = count < max ? count : max;
	for (unsigned i = 0; i < m; i++)
		out[i] = (seL4_X86_mb_mmap_t){.size = sizeof(seL4_X86_mb_mmap_t) - sizeof(uint32_t),
					      .base_addr = map[i].start,
					      .length = map[i].end - map[i].start,
					      .type = map[i].type};
	return m;
}
