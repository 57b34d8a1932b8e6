/*
 * Signals. A signal context is a core object: submitting it (an RPC from
 * anyone holding it, or core itself for faults) counts a signal and wakes
 * the receiving PD's signal thread through its bound notification; that
 * thread then fetches pending contexts with pd_session.pending_signal.
 */
#pragma once

#include "object.h"

struct pd_session;

struct signal_context {
	struct core_obj obj;
	struct pd_session *receiver;
	seL4_Word imprint;
	unsigned long count;
	bool queued;
	struct signal_context *next_pending, *next; /* receiver's queue; receiver's list */
};

struct signal_context *signal_context_create(struct pd_session *pd, seL4_Word imprint);
void signal_context_destroy(struct signal_context *c);
void signal_submit(struct signal_context *c, unsigned long count);
/*
 * Who wants a signal (fault handlers, exception handlers) keeps the
 * context's badge, not a pointer: a context may go away at any time.
 */
void signal_submit_badge(seL4_Word badge, unsigned long count);
/* The badge of the signal context a capability argument names, or 0. */
seL4_Word signal_badge_arg(const struct rpc_cap_arg *arg);

/* The next pending context of pd (taken off the queue with its count), or NULL. */
struct signal_context *signal_next_pending(struct pd_session *pd, unsigned long *count);

extern const struct rpc_interface signal_context_interface;
