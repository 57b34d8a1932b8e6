/*
 * The parent interface: what a component asks of its parent. Session
 * requests are synchronous; the client names each of its sessions with an
 * id of its own choosing (Genode's Parent::Client::Id), the ids of the
 * environment sessions (PD, CPU, LOG, binary ROM) are fixed and the parent
 * creates those sessions before the child starts.
 */
#pragma once

#include <genode/rpc.h>

#define GENODE_SERVICE_NAME_MAX 32
#define GENODE_SESSION_ARGS_MAX 256

enum parent_env_id {
	PARENT_ENV_PD = 1,
	PARENT_ENV_CPU = 2,
	PARENT_ENV_LOG = 3,
	PARENT_ENV_BINARY = 4,
	PARENT_ENV_IDS = 16 /* ids below are the parent's; a child picks from here on */
};

struct parent_session_args {
	seL4_Word id;
	char service[GENODE_SERVICE_NAME_MAX];
	char args[GENODE_SESSION_ARGS_MAX]; /* label="...", ram_quota=N, cap_quota=N, ... */
};
struct parent_id_args {
	seL4_Word id;
};
struct parent_upgrade_args {
	seL4_Word id;
	char args[GENODE_SESSION_ARGS_MAX]; /* ram_quota=N, cap_quota=N */
};
struct parent_exit_args {
	long exit_value;
};
struct parent_announce_args {
	char service[GENODE_SERVICE_NAME_MAX];
};
struct parent_resource_args {
	char args[GENODE_SESSION_ARGS_MAX]; /* ram_quota=N, cap_quota=N */
};

/* session returns the session capability; session_cap that of an environment session. */
#define PARENT_RPC(M)                                                                              \
	M(parent, session, 1, struct parent_session_args, struct rpc_none)                         \
	M(parent, session_cap, 2, struct parent_id_args, struct rpc_none)                          \
	M(parent, upgrade, 3, struct parent_upgrade_args, struct rpc_none)                         \
	M(parent, close, 4, struct parent_id_args, struct rpc_none)                                \
	M(parent, exit, 5, struct parent_exit_args, struct rpc_none)                               \
	M(parent, announce, 6, struct parent_announce_args, struct rpc_none)                       \
	M(parent, resource_request, 7, struct parent_resource_args, struct rpc_none)
