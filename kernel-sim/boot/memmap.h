/*
 * The simulated PC's physical memory map: where RAM lies (below the PCI
 * hole, the rest above 4 GiB), which pages the kernel keeps, what device
 * memory is left, and the firmware's memory map (multiboot's mmap, which
 * seL4 passes on in the boot info).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sel4/bootinfo.h>

struct mem_range {
	uint64_t start, end;
};

#define MEMMAP_MAX_RAM 2

/* RAM of memory bytes: one or two ranges; returns the count. */
unsigned memmap_ram(uint64_t memory, struct mem_range ram[MEMMAP_MAX_RAM]);

/* Call fn for each device-memory range in address order (not RAM, not the kernel's). */
int memmap_devices(const struct mem_range *ram, unsigned n,
		   int (*fn)(uint64_t start, uint64_t end, void *ctx), void *ctx);

/* The firmware's memory map as seL4's MBMMAP chunk carries it; the entry count. */
unsigned memmap_firmware(const struct mem_range *ram, unsigned n, seL4_X86_mb_mmap_t *out,
			 unsigned max);
