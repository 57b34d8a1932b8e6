/* TCB invocations, reply capabilities, and the end of a TCB. */
#pragma once

#include "../kernel/state.h"

enum exception decode_tcb_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
				     struct cap cap, struct cte *slot, bool is_call,
				     seL4_Word *buffer);

/* The sender of a Call waits for the reply cap placed in the receiver. */
void setup_caller_cap(struct tcb *sender, struct tcb *receiver, bool can_grant);

/* The last cap to the TCB is gone: stop the thread and take it apart. */
void tcb_finalise(struct tcb *t);

/*
 * The part of seL4's finaliseCap that stops the thread (unbound,
 * suspended, out of every list): its slots remain, for a zombie.
 */
void tcb_stop(struct tcb *t);
