/*
 * The root interface: how a parent opens, upgrades and closes sessions at
 * a server. A server announces a service to its parent together with its
 * root capability (parent.announce). Opening returns the session
 * capability, which the parent hands to the client, and an id of the
 * server's choosing, by which the parent later upgrades and closes the
 * session (a capability cannot be compared by whoever did not create it,
 * so a parent that passes sessions on, like init re-exporting a service,
 * names them by id).
 */
#pragma once

#include <genode/parent.h>

struct root_session_args {
	char args[GENODE_SESSION_ARGS_MAX]; /* label="...", ram_quota=N, cap_quota=N, ... */
};

struct root_session_result {
	seL4_Word id;
};
struct root_upgrade_args {
	seL4_Word id;
	char args[GENODE_SESSION_ARGS_MAX]; /* ram_quota=N, cap_quota=N */
};
struct root_close_args {
	seL4_Word id;
};

/* session also returns the session capability. */
#define ROOT_RPC(M)                                                                                \
	M(root, session, 1, struct root_session_args, struct root_session_result)                  \
	M(root, upgrade, 2, struct root_upgrade_args, struct rpc_none)                             \
	M(root, close, 3, struct root_close_args, struct rpc_none)
