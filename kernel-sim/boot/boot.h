/*
 * Boot: what seL4 does before the initial thread runs. Untyped memory from
 * the simulated RAM, the root task's image in frames of its VSpace, its
 * CNode with the initial capabilities, its TCB, IPC buffer and boot info,
 * and the boot modules after the image.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pd_proc;

struct boot_args {
	const char *root_task;
	const char *const *modules;
	int module_count;
	uint64_t memory;	       /* bytes of simulated RAM */
	uint32_t tsc_mhz;	       /* reported in the boot info, as seL4 does on x86 */
	unsigned root_cnode_bits;      /* seL4's KernelRootCNodeSizeBits */
	bool boot_messages;	       /* print seL4's boot lines (KernelPrinting, --verbose) */
	unsigned max_num_nodes;	       /* KernelMaxNumNodes of --sel4-config; 0: none given */
	unsigned num_domains;	       /* KernelNumDomains of --sel4-config; 0: none given */
	unsigned num_domain_schedules; /* KernelNumDomainSchedules of --sel4-config */
};

/* Files whose frames boot_file_at knows: the root task and 64 modules. */
#define SIM_BOOT_FILES_MAX 65

/*
 * The host file (the root task's image or a boot module, as a full path)
 * whose content the boot frame at paddr holds; NULL for any other memory.
 * Debuggers find a component's ELF file by the frame mapped at its text.
 */
const char *boot_file_at(uint64_t paddr);

/* The lines a debug seL4 kernel prints while it boots (boot/boot_log.c). */
void boot_log(const struct boot_args *args);

/* Build the initial system and start the root task; its PD process or NULL. */
struct pd_proc *boot_system(const struct boot_args *args);
