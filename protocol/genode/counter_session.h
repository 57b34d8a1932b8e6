/* Counter: the service of the guide docs/guides/first_component.md. */
#pragma once

#include <genode/rpc.h>

struct counter_add_args {
	long by;
};
struct counter_add_result {
	long value;
};

/* One line per RPC: interface, function, opcode, argument and result types. */
#define COUNTER_SESSION_RPC(M)                                                                     \
	M(counter_session, add, 1, struct counter_add_args, struct counter_add_result)
