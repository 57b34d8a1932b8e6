/* What a root task provides and what its runtime offers it. */
#pragma once

#include <sel4/sel4.h>

/* The root task's main function; its return value becomes the exit status. */
int root_main(const seL4_BootInfo *bi);

/* The boot module of that name (from the sel4-sim boot-info extension). */
const sim_BootModule *sim_boot_module(const seL4_BootInfo *bi, const char *name);

/* The extra boot-info chunk with that id (seL4_BootInfoHeader), or NULL. */
const seL4_BootInfoHeader *sim_boot_info_chunk(const seL4_BootInfo *bi, seL4_Word id);

/* The TSC frequency in MHz from the SEL4_BOOTINFO_HEADER_X86_TSC_FREQ chunk (0 if absent). */
seL4_Word sim_tsc_mhz(const seL4_BootInfo *bi);
