/*
 * The root interface: how a parent opens, upgrades and closes sessions at
 * a server. A server announces a service to its parent together with its
 * root capability (parent.announce); the session capability it returns is
 * the client's, and closing names it again (it arrives unwrapped at the
 * server, which identifies its session object by the badge).
 */
#pragma once

#include <genode/parent.h>

struct root_session_args {
	char args[GENODE_SESSION_ARGS_MAX]; /* label="...", ram_quota=N, cap_quota=N, ... */
};

/* session returns the session capability; upgrade and close take it as the capability argument. */
#define ROOT_RPC(M)                                                                                \
	M(root, session, 1, struct root_session_args, struct rpc_none)                             \
	M(root, upgrade, 2, struct root_session_args, struct rpc_none)                             \
	M(root, close, 3, struct rpc_none, struct rpc_none)
