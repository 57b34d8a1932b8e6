/*
 * Signals. A signal source is where signals of a PD arrive: a notification
 * that a thread of the PD waits on, either the bound notification of an
 * entrypoint's thread (so its Recv returns for signals too) or one of its
 * own for a signal receiver that waits with seL4_Wait. A signal context
 * belongs to one source; submitting it (an RPC from anyone holding it, or
 * core itself for faults) counts a signal, queues the context at its
 * source and signals the source's notification; the PD then fetches the
 * source's pending contexts with pd_session.pending_signal.
 */
#pragma once

#include "object.h"

struct pd_session;
struct ut_block;

struct signal_source {
	seL4_Word id; /* how the PD names it */
	struct pd_session *pd;
	seL4_CPtr ntfn;		 /* core's badged copy, signalled on each submit */
	seL4_CPtr own;		 /* a notification of its own (unbound source), or 0 */
	struct ut_block *own_ut; /* its memory */
	unsigned bound_slot;	 /* the thread whose notification it is, if not own */
	struct signal_context *pending;
	struct signal_source *next; /* the PD's sources */
};

struct signal_context {
	struct core_obj obj;
	struct signal_source *source;
	seL4_Word imprint;
	unsigned long count;
	bool queued;
	struct signal_context *next_pending, *next; /* source's queue; PD's list */
};

/*
 * A source on the notification ntfn of core's (a thread's bound one), or,
 * with ntfn 0, on a notification of its own; NULL when out of memory.
 */
struct signal_source *signal_source_create(struct pd_session *pd, seL4_CPtr ntfn, unsigned slot);
/* Destroy the source with its contexts; the number of contexts destroyed. */
unsigned long signal_source_destroy(struct signal_source *s);
struct signal_source *signal_source_lookup(struct pd_session *pd, seL4_Word id);
/* The thread in this slot is gone: its sources no longer wake anyone. */
void signal_sources_unbind(struct pd_session *pd, unsigned slot);

struct signal_context *signal_context_create(struct signal_source *s, seL4_Word imprint);
void signal_context_destroy(struct signal_context *c);
void signal_submit(struct signal_context *c, unsigned long count);
/*
 * Who wants a signal (fault handlers, exception handlers) keeps the
 * context's badge, not a pointer: a context may go away at any time.
 */
void signal_submit_badge(seL4_Word badge, unsigned long count);
/* The badge of the signal context a capability argument names, or 0. */
seL4_Word signal_badge_arg(const struct rpc_cap_arg *arg);

/* The next pending context of a source (taken off the queue with its count), or NULL. */
struct signal_context *signal_next_pending(struct signal_source *s, unsigned long *count);

extern const struct rpc_interface signal_context_interface;
