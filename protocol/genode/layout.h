/*
 * How core lays out every component it creates: the stack area (one slot
 * per thread, the IPC buffer at the top of each slot), the slots core fills
 * in each component's CSpace, and the thread-start convention.
 */
#pragma once

/*
 * Stack area: slot i holds thread i's stack (attached by the component into
 * the stack-area region map) and, in its last page, the thread's IPC buffer
 * (mapped by core when the thread is created). Slot 0 is the main thread's.
 * The part of a slot below a thread's stack stays unmapped: its guard.
 */
#define GENODE_STACK_AREA_BASE 0x40000000ul
#define GENODE_STACK_SLOT_SIZE 0x100000ul
#define GENODE_MAX_THREADS     256
#define GENODE_STACK_AREA_SIZE (GENODE_STACK_SLOT_SIZE * GENODE_MAX_THREADS)
#define GENODE_UTCB_OF(slot)                                                                       \
	(GENODE_STACK_AREA_BASE + ((unsigned long)(slot) + 1) * GENODE_STACK_SLOT_SIZE - 0x1000ul)
#define GENODE_MAIN_UTCB GENODE_UTCB_OF(0)

/*
 * A component's CSpace: a top-level CNode of 2^GENODE_PD_CSPACE_TOP_BITS
 * entries, each a CNode of 2^GENODE_PD_CNODE_BITS slots, with guards that
 * make a CPtr, entry << GENODE_PD_CNODE_BITS | slot, resolve with depth 64.
 * Core creates entry 0 with the PD and fills its slots below
 * GENODE_PD_CORE_SLOTS; the component manages the rest and asks core for
 * the next entry (pd_session.cspace_extend) when it runs short.
 */
#define GENODE_PD_CSPACE_TOP_BITS 8
#define GENODE_PD_CNODE_BITS	  12
#define GENODE_PD_CSPACE_BITS	  (GENODE_PD_CSPACE_TOP_BITS + GENODE_PD_CNODE_BITS)
#define GENODE_PD_CSPACE_ENTRIES  (1u << GENODE_PD_CSPACE_TOP_BITS)
#define GENODE_PD_CORE_SLOTS	  1280
#define GENODE_SEL_CNODE	  1 /* the component's own CSpace (its top-level CNode) */
#define GENODE_SEL_PARENT	  2 /* the parent capability (assign_parent) */
#define GENODE_SEL_THREAD0	  16
/*
 * Per thread (by stack-area slot): its endpoint, its notification, its fault
 * endpoint, and the notification it blocks on when a lock is contended (as
 * Genode on seL4's lock_sel: one kernel object per thread, none per lock).
 */
#define GENODE_SEL_THREAD_EP(slot)    (GENODE_SEL_THREAD0 + 4 * (slot))
#define GENODE_SEL_THREAD_NTFN(slot)  (GENODE_SEL_THREAD0 + 4 * (slot) + 1)
#define GENODE_SEL_THREAD_FAULT(slot) (GENODE_SEL_THREAD0 + 4 * (slot) + 2)
#define GENODE_SEL_THREAD_LOCK(slot)  (GENODE_SEL_THREAD0 + 4 * (slot) + 3)

/*
 * A thread's notification is bound to it, so a Recv on its endpoint also
 * returns when the notification is signalled. Core signals with badges that
 * have this bit set; RPC badges never have it.
 */
#define GENODE_SIGNAL_BADGE (1ul << 62)

/* Badges of RPC objects stay below this bound (core allocates them). */
#define GENODE_BADGE_LIMIT (1ul << 48)

/*
 * Thread start: core starts every thread of a component at the ip and sp
 * given (the main thread at the ELF entry) with rdi = the kernel's node
 * count, seL4_BootInfo.numNodes, which tells the component's libsel4 which
 * invocation numbering the kernel speaks (sel4/invocation.h). Only the
 * component's startup code reads it.
 */
