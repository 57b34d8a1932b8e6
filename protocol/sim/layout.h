/*
 * The shape of a PD process and of simulated physical memory: constants that
 * kernel-sim, the PD runtime and components agree on.
 */
#pragma once

/*
 * The user window of every VSpace is seL4's on x86_64, [0, seL4_UserTop),
 * which is also all that Linux gives a process with 4-level paging. Two
 * parts of it stay taken, and a Page_Map there is an InvalidArgument:
 * - [0, SIM_USER_BASE): Linux's vm.mmap_min_addr (64 KiB on most hosts);
 * - [SIM_RUNTIME_BASE, SIM_RUNTIME_TOP): pd-host, the PD runtime, with its
 *   thread blocks and stacks. Nothing else of the host stays mapped: the
 *   runtime removes the host's stack, vDSO and vvar before it says hello.
 * The runtime's gigabyte lies where no seL4 allocator reaches: seL4_libs
 * hand out addresses first-fit upward from 0x10000000 and keep their
 * bookkeeping in [0x7effffffe000, seL4_UserTop); ELF images load at their
 * link addresses, 0x400000 by default; Genode allocates from the bottom.
 */
#define SIM_USER_BASE	 0x10000ul
#define SIM_USER_TOP	 0x7ffffffff000ul
#define SIM_RUNTIME_BASE 0x7e8000000000ul
#define SIM_RUNTIME_SIZE 0x40000000ul
#define SIM_RUNTIME_TOP	 (SIM_RUNTIME_BASE + SIM_RUNTIME_SIZE)
/* The end of the 512 GiB span (one PML4 entry) that starts with the runtime. */
#define SIM_RUNTIME_SLOT_END (SIM_RUNTIME_BASE + (1ul << 39))
/* Where the last span of every paging level ends; the host stops a page short. */
#define SIM_USER_END (1ul << 47)

/* Can [vaddr, vaddr + size) hold a component's mappings? */
static inline int sim_user_range(unsigned long vaddr, unsigned long size)
{
	unsigned long end = vaddr + size;
	return end > vaddr && vaddr >= SIM_USER_BASE && end <= SIM_USER_TOP &&
	       (end <= SIM_RUNTIME_BASE || vaddr >= SIM_RUNTIME_TOP);
}

/* Default link address of components and root tasks. */
#define SIM_COMPONENT_BASE 0x01000000ul

/*
 * Simulated physical memory, laid out as a PC's: RAM from 1 MiB up to the
 * PCI hole at 3 GiB, the rest of it from 4 GiB. Everything else below
 * 2^47 is device memory, but for the pages seL4 keeps for itself (the
 * local APIC, the I/O APIC, the MSI doorbell at 0xfffffff8).
 */
#define SIM_RAM_PADDR 0x100000ul
#define SIM_PCI_HOLE  0xc0000000ul
#define SIM_HIGH_RAM  0x100000000ul
#define SIM_PADDR_TOP (1ul << 47)

/* The control channel is the only fd a fresh PD process holds. */
#define SIM_CTRL_FD 3

/*
 * Runtime resources per PD: every TCB thread gets one block holding its
 * runtime state and the alternate signal stack on which traps run. Blocks
 * are aligned to their size so a handler finds its own from the stack
 * pointer. They lie in SIM_RUNTIME_BLOCKS of the runtime's window, and a
 * block is mapped (anonymous memory) when a thread first uses it, so a PD
 * process holds memory for the threads it has had at once, not for 1024.
 */
#define SIM_RUNTIME_MAX_THREADS 1024
#define SIM_RUNTIME_BLOCK_SIZE	0x10000ul
#define SIM_RUNTIME_BLOCKS	(SIM_RUNTIME_BASE + 0x10000000ul)
#define SIM_RUNTIME_BLOCKS_END                                                                     \
	(SIM_RUNTIME_BLOCKS + SIM_RUNTIME_MAX_THREADS * SIM_RUNTIME_BLOCK_SIZE)

/*
 * The PD's names as the host shows them: a file kernel-sim writes and the
 * runtime maps read-only at SIM_RUNTIME_NAMES, so that nothing in the PD
 * can change them. The process title (cmdline) is NUL-terminated in the
 * first SIM_NAMES_TITLE_SIZE bytes, whose last byte stays non-zero; the
 * host name (comm) of the control thread is at SIM_NAMES_CONTROL, that of
 * runtime slot i at SIM_NAMES_THREADS + SIM_NAMES_COMM * i.
 */
#define SIM_RUNTIME_NAMES    (SIM_RUNTIME_BASE + 0x08000000ul)
#define SIM_NAMES_TITLE_SIZE 0x1000ul
#define SIM_NAMES_CONTROL    0x1000ul
#define SIM_NAMES_THREADS    0x4000ul
#define SIM_NAMES_COMM	     16ul
#define SIM_NAMES_SIZE	     (SIM_NAMES_THREADS + SIM_RUNTIME_MAX_THREADS * SIM_NAMES_COMM)

/*
 * The system-call entry of the PD runtime (pd-host), the first code of its
 * text: the project's own libsel4 calls it instead of trapping a syscall
 * instruction (components/lib/sel4/include/sel4/syscalls.h says how).
 */
#define SIM_SEL4_ENTRY (SIM_RUNTIME_BASE + 0x1000ul)

/* The host signal that parks a thread (its default action is to be ignored). */
#define SIM_PARK_SIGNAL 23 /* SIGURG */

/* Longest PD or thread name carried to the host (process title). */
#define SIM_NAME_MAX 128
