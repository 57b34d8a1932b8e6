/*
 * The kernel trace: every kernel event in seL4's terms, for `kernel-sim
 * --trace FILE` (text, or Chrome/Perfetto JSON when FILE ends in .json) and
 * for `sim trace` on the control socket.
 *
 * One call per event kind, each placed where the kernel makes that event
 * happen. Tracing is off unless a file or a live reader wants it; then
 * every call is one test of trace_on and nothing else. The event digest
 * (--digest) takes its events from the same calls.
 */
#pragma once

#include "object.h"
#include <stdio.h>

struct pd_proc;
struct sim_trap;

extern bool trace_on;

#define TRACE_HOOK(call)                                                                           \
	do {                                                                                       \
		if (__builtin_expect(trace_on, 0))                                                 \
			call;                                                                      \
	} while (0)

/* The event digest (digest.h) sees the same events: it turns tracing on. */
void trace_digest(void);

/* What a message transfer was (trace_ipc). */
enum trace_ipc_kind {
	TRACE_IPC_SEND,	       /* Send or Call through an endpoint */
	TRACE_IPC_REPLY,       /* Reply to a caller */
	TRACE_IPC_FAULT,       /* a fault message to a fault handler */
	TRACE_IPC_FAULT_REPLY, /* a fault handler's reply: the thread restarts or stops */
};

/* A PD process's life (trace_pd). */
enum trace_pd_event {
	TRACE_PD_START, /* its process runs */
	TRACE_PD_LOST,	/* its process died (status in the argument) */
	TRACE_PD_END,	/* kernel-sim ended it (VSpace deleted, shutdown) */
};

/* An interrupt line's events (trace_irq). */
enum trace_irq_event {
	TRACE_IRQ_RAISED,    /* the device raised it, the line was masked: pending */
	TRACE_IRQ_DELIVERED, /* its notification is signalled */
	TRACE_IRQ_DROPPED,   /* no handler: nothing happens */
};

/* --- the calls, one per event kind ------------------------------------- */

/* A thread entered the kernel (system call, fault, exception): opens its record. */
void trace_trap_begin_(struct tcb *t, const struct sim_trap *trap);
#define trace_trap_begin(t, trap) TRACE_HOOK(trace_trap_begin_(t, trap))

/* The capability a system call invokes or receives on (after a successful lookup). */
void trace_invoke_(struct tcb *t, const struct cap *cap);
#define trace_invoke(t, cap) TRACE_HOOK(trace_invoke_(t, cap))

/* The kernel is done with the thread's entry: its result or its new state. */
void trace_trap_end_(struct tcb *t);
#define trace_trap_end(t) TRACE_HOOK(trace_trap_end_(t))

/* A message went from sender to receiver; receiver's registers hold what arrived. */
void trace_ipc_(struct tcb *sender, struct tcb *receiver, seL4_Word badge,
		enum trace_ipc_kind kind);
#define trace_ipc(s, r, badge, kind) TRACE_HOOK(trace_ipc_(s, r, badge, kind))

/* A notification is signalled (before its state changes). */
void trace_signal_(struct notification *n, seL4_Word badge);
#define trace_signal(n, badge) TRACE_HOOK(trace_signal_(n, badge))

/* Thread t takes current_fault (before it is sent to its handler). */
void trace_fault_(struct tcb *t, const struct fault *f);
#define trace_fault(t, f) TRACE_HOOK(trace_fault_(t, f))

/* A thread's seL4 state is about to change to s. */
void trace_thread_state_(struct tcb *t, enum thread_state s);
#define trace_thread_state(t, s) TRACE_HOOK(trace_thread_state_(t, s))

/* An interrupt line was raised or delivered. */
void trace_irq_(unsigned irq, enum trace_irq_event e);
#define trace_irq(irq, e) TRACE_HOOK(trace_irq_(irq, e))

/* A kernel object was made by Retype (created) or finalised (!created). */
void trace_object_(seL4_Word type, uint64_t paddr, bool created);
#define trace_object(type, paddr, created) TRACE_HOOK(trace_object_(type, paddr, created))

/* A frame was mapped into (rights != 0) or unmapped from a VSpace. */
void trace_map_(struct vspace *vs, uint64_t vaddr, const struct frame *f, uint8_t vm_rights);
#define trace_map(vs, vaddr, f, rights) TRACE_HOOK(trace_map_(vs, vaddr, f, rights))

/* A PD process started, died or was ended (status: the host wait status). */
void trace_pd_(struct pd_proc *p, enum trace_pd_event e, int status);
#define trace_pd(p, e, status) TRACE_HOOK(trace_pd_(p, e, status))

/*
 * A scheduling decision: CPU cpu now runs next (NULL: idle), for the given
 * reason ("preempted", "blocked", "timeslice", "yield", ...).
 */
void trace_schedule_(unsigned cpu, struct tcb *next, const char *reason);
#define trace_schedule(cpu, next, reason) TRACE_HOOK(trace_schedule_(cpu, next, reason))

/* The domain scheduler moved on to domain dom, for ticks timer ticks. */
void trace_domain_(unsigned dom, uint64_t ticks);
#define trace_domain(dom, ticks) TRACE_HOOK(trace_domain_(dom, ticks))

/* --- consumers ----------------------------------------------------------- */

/* Trace into path from now on (text, or JSON if it ends in .json); -1 on error. */
int trace_open(const char *path);

/* A live reader (sim trace -f) came or went: tracing is on while one is there. */
void trace_live(bool on);

/* Write buffered events out, now and then (the event loop calls it when it goes idle). */
void trace_flush(void);

/* End the trace file properly (shutdown). */
void trace_close(void);
