/*
 * The seL4 kernel configuration a root task was built against, read from
 * the gen_config.json that seL4's build writes (build/kernel/gen_config/
 * kernel/gen_config.json): kernel-sim takes the settings it simulates
 * (root CNode size, interrupt controller, the number of nodes: an SMP
 * build's invocation numbering, the domains and the domain schedule's
 * size) and refuses a kernel it cannot be (MCS,
 * another architecture, a boot-info layout of another size).
 */
#pragma once

struct boot_args;

/* Apply the configuration in path; 0, or -1 after saying why. */
int sel4_config_load(const char *path, struct boot_args *args);
