/*
 * The shape of a PD process and of simulated physical memory: constants that
 * kernel-sim, the PD runtime and components agree on.
 */
#pragma once

/*
 * Component window of every VSpace: seL4's x86_64 user space cut down to
 * what a Linux process can give. The bottom is vm.mmap_min_addr; the top
 * leaves room above for the PD runtime, its stacks and the host's vDSO.
 */
#define SIM_USER_BASE 0x10000ul
#define SIM_USER_TOP  0x7e0000000000ul

/* Where pd-host, the PD runtime, is linked (above the component window). */
#define SIM_RUNTIME_BASE 0x7e8000000000ul

/* Default link address of components and root tasks. */
#define SIM_COMPONENT_BASE 0x01000000ul

/*
 * Simulated physical memory: RAM starts at 1 MiB, as on a PC. Everything
 * else below 2^47 is device memory.
 */
#define SIM_RAM_PADDR 0x100000ul
#define SIM_PADDR_TOP (1ul << 47)

/* The control channel is the only fd a fresh PD process holds. */
#define SIM_CTRL_FD 3

/*
 * Runtime resources per PD: every TCB thread gets one block holding its
 * runtime state and the alternate signal stack on which traps run. Blocks
 * are aligned to their size so a handler finds its own from the stack
 * pointer.
 */
#define SIM_RUNTIME_MAX_THREADS 1024
#define SIM_RUNTIME_BLOCK_SIZE	0x10000ul

/* The host signal that parks a thread (its default action is to be ignored). */
#define SIM_PARK_SIGNAL 23 /* SIGURG */

/* Longest PD or thread name carried to the host (process title). */
#define SIM_NAME_MAX 128
