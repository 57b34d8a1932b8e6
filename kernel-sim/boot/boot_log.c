/*
 * The lines a debug seL4 kernel (KernelPrinting) prints on its console
 * while it boots on x86, for the machine kernel-sim simulates: the
 * firmware's memory map as multiboot hands it over, the ACPI tables seL4
 * reads (devices/acpi.c) and the boot processor, in seL4's words and order.
 * The lines about the kernel image, multiboot modules and ELF loading are
 * left out: kernel-sim loads no kernel image and no multiboot module.
 */
#include "boot.h"
#include "memmap.h"
#include "../devices/acpi.h"
#include "../kernel/log.h"

#include <stdarg.h>
#include <stdio.h>

#define HIGHMEM_PADDR 0x100000ul
/* The top of seL4 x86_64's kernel window: memory above it is device memory to seL4. */
#define PADDR_TOP    0x7f80000000ul
#define MMAP_USEABLE SEL4_MULTIBOOT_RAM_REGION_TYPE

/* seL4's printf: the kernel's console, where seL4_DebugPutChar writes too. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (int i = 0; i < n && i < (int)sizeof(line) - 1; i++)
		console_putchar(line[i]);
}

static void memory_map(const struct boot_args *a)
{
	struct mem_range ram[MEMMAP_MAX_RAM];
	unsigned n = memmap_ram(a->memory, ram);
	seL4_X86_mb_mmap_t map[SEL4_MULTIBOOT_MAX_MMAP_ENTRIES];
	unsigned count = memmap_firmware(ram, n, map, SEL4_MULTIBOOT_MAX_MMAP_ENTRIES);
	say("Parsing GRUB physical memory map\n");
	for (unsigned i = 0; i < count; i++) {
		uint64_t start = map[i].base_addr, length = map[i].length;
		say("\tPhysical Memory Region from %lx size %lx type %d\n", (long)start,
		    (long)length, (int)map[i].type);
		uint64_t first = (start + 0xfff) & ~0xffful, end = (start + length) & ~0xffful;
		if (map[i].type != MMAP_USEABLE || start < HIGHMEM_PADDR || length < 0x1000 ||
		    first >= PADDR_TOP)
			continue;
		say("Adding physical memory region 0x%lx-0x%lx\n", (unsigned long)first,
		    (unsigned long)(end < PADDR_TOP ? end : PADDR_TOP));
	}
	say("Multiboot gave us no video information\n");
}

void boot_log(const struct boot_args *a)
{
	memory_map(a);
	acpi_boot_log(say);
	say("Starting node #0 with APIC ID 0\n");
	say("Booting all finished, dropped to user space\n");
}
