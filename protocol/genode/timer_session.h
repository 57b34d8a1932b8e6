/*
 * Timer: time and timeouts, served by core over the PIT (which core keeps
 * for itself). trigger_once arms the session's one timeout, replacing an
 * earlier one; the session's signal context fires when it expires.
 */
#pragma once

#include <genode/rpc.h>

struct timer_trigger_args {
	seL4_Word us; /* from now */
};
struct timer_elapsed_result {
	seL4_Word ms, us; /* since boot */
};

/* sigh takes the signal context. */
#define TIMER_SESSION_RPC(M)                                                                       \
	M(timer_session, trigger_once, 1, struct timer_trigger_args, struct rpc_none)              \
	M(timer_session, sigh, 2, struct rpc_none, struct rpc_none)                                \
	M(timer_session, elapsed, 3, struct rpc_none, struct timer_elapsed_result)
