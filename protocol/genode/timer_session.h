/*
 * Timer: time and timeouts, Genode's Timer::Session. The timer component
 * (components/timer, the PIT driver) serves it. trigger_once arms the
 * session's one timeout (at least 250 us from now), trigger_periodic a
 * period (at least 1000 us; 0 stops it), each replacing the other; the
 * session's signal context fires when a timeout expires. Time is counted
 * from the session's creation. msleep and usleep are the client's
 * (component/timer.h): a timeout and a wait for its signal.
 */
#pragma once

#include <genode/rpc.h>

#define TIMER_MIN_ONCE_US     250ul
#define TIMER_MIN_PERIODIC_US 1000ul

struct timer_us_args {
	seL4_Word us;
};
struct timer_elapsed_result {
	seL4_Word value;
};

/* sigh takes the signal context (no capability: stop signalling). */
#define TIMER_SESSION_RPC(M)                                                                       \
	M(timer_session, trigger_once, 1, struct timer_us_args, struct rpc_none)                   \
	M(timer_session, trigger_periodic, 2, struct timer_us_args, struct rpc_none)               \
	M(timer_session, sigh, 3, struct rpc_none, struct rpc_none)                                \
	M(timer_session, elapsed_ms, 4, struct rpc_none, struct timer_elapsed_result)              \
	M(timer_session, elapsed_us, 5, struct rpc_none, struct timer_elapsed_result)
