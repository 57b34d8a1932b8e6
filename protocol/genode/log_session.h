/* LOG: one line per write, printed by core with the session's label. */
#pragma once

#include <genode/rpc.h>

#define LOG_STRING_MAX 232

struct log_write_args {
	char string[LOG_STRING_MAX];
};

#define LOG_SESSION_RPC(M) M(log_session, write, 1, struct log_write_args, struct rpc_none)
