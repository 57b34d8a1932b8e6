/*
 * The pager: every component thread's faults arrive at core's endpoint
 * with the thread's pager badge. Page faults are resolved from the PD's
 * region maps; what cannot be resolved is logged, the thread stays blocked
 * (its reply saved) and the region map's fault handler, or else the CPU
 * session's exception handler, gets a signal. Attaching to a region map
 * retries blocked faults.
 */
#pragma once

#include "object.h"

struct cpu_thread;

/*
 * The pager's part of a thread (Genode's Pager_object): the badge its
 * faults arrive with and what the last one left. Only pager.c writes it;
 * the CPU service reads it for the thread's state.
 */
struct pager_object {
	struct core_obj obj; /* fault messages arrive with this badge */
	unsigned state;	     /* THREAD_FAULTED or THREAD_DEAD after a fault, else 0 */
	seL4_Word fault_ip, fault_addr, fault_type, exception, code;
	unsigned long fault_attachments; /* rm_attachments when its fault was last signalled */
	seL4_CPtr reply;		 /* saved reply of an unresolved fault */
	struct cpu_thread *next_blocked;
};

/* Give t its pager badge; false when core is out of metadata. */
bool pager_register(struct cpu_thread *t);
/* Handle a fault message of t; true when the thread is to be resumed by a reply now. */
bool pager_fault(struct cpu_thread *t, seL4_MessageInfo_t info);
/* Retry the blocked page faults (after a change to some region map). */
void pager_retry(void);
/* t goes away: drop its badge, its saved reply and it from the blocked list. */
void pager_forget(struct cpu_thread *t);

/* Page faults resolved since boot. */
extern unsigned long pager_resolved;
