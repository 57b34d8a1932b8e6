/* What a root task provides and what its runtime offers it. */
#pragma once

#include <sel4/sel4.h>

/* The root task's main function; its return value becomes the exit status. */
int root_main(const seL4_BootInfo *bi);

/* The boot module of that name (from the sel4-sim boot-info extension). */
const sim_BootModule *sim_boot_module(const seL4_BootInfo *bi, const char *name);
