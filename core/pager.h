/*
 * The pager: every component thread's faults arrive at core's endpoint
 * with the thread's pager badge. Page faults are resolved from the PD's
 * region maps; what cannot be resolved is logged, the thread stays blocked
 * (its reply saved) and the region map's fault handler, or else the CPU
 * session's exception handler, gets a signal. Attaching to a region map
 * retries blocked faults.
 */
#pragma once

#include "cpu_session.h"

/* Handle a fault message of t; true when the thread is to be resumed by a reply now. */
bool pager_fault(struct cpu_thread *t, seL4_MessageInfo_t info);
/* Retry the blocked page faults (after a change to some region map). */
void pager_retry(void);
/* t goes away: drop it from the blocked list. */
void pager_forget(struct cpu_thread *t);

/* Page faults resolved since boot. */
extern unsigned long pager_resolved;
