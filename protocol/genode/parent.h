/*
 * The parent interface: what a component asks of its parent (Genode's
 * Parent), from the client side and from the server side.
 *
 * Client: a component names each of its sessions with an id of its own
 * choosing (Genode's Parent::Client::Id); the environment sessions (PD,
 * CPU, LOG, binary ROM) have fixed ids and exist before the child starts.
 * session, upgrade and close may take a while: a parent that has to wait
 * for a server answers the call when the server has answered (the client
 * blocks, as Genode's client blocks for its session signal). The parent
 * never blocks on a server itself.
 *
 * Server: announce names a service; the parent then passes the session
 * requests of clients (create, upgrade, close) to the server
 * asynchronously. session_requests_sigh is signalled when requests are
 * pending; session_request takes the next one; the server answers each
 * with deliver_session (the session capability of a create) or
 * session_response (a create refused, an upgrade or a close done).
 *
 * Resources: resource_request asks for more quota and returns at once;
 * the parent signals resource_avail_sigh when it gave some. yield_sigh is
 * signalled when the parent wants quota back (yield_request says how
 * much); yield_response says the child freed what it could.
 * heartbeat_sigh is signalled periodically; heartbeat_response proves
 * the component alive.
 */
#pragma once

#include <genode/affinity.h>
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
	struct genode_affinity affinity;    /* Genode's session affinity; all 0: none */
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

/* A session request for a server (Genode's session_requests ROM, one at a time). */
enum parent_request_kind {
	PARENT_REQUEST_NONE = 0,
	PARENT_REQUEST_CREATE = 1,
	PARENT_REQUEST_UPGRADE = 2,
	PARENT_REQUEST_CLOSE = 3
};
struct parent_request {
	seL4_Word kind;
	seL4_Word id; /* the server's name of the session (Parent::Server::Id) */
	char service[GENODE_SERVICE_NAME_MAX];
	char args[GENODE_SESSION_ARGS_MAX]; /* create: the args; upgrade: the quota */
};

/* The answer to a request: an rpc_error for a create, RPC_OK for an upgrade or a close. */
struct parent_response_args {
	seL4_Word id;
	seL4_Word error;
};

/*
 * session returns the session capability; session_cap that of an
 * environment session; deliver_session takes it. The *_sigh calls take a
 * signal context capability.
 */
#define PARENT_RPC(M)                                                                              \
	M(parent, session, 1, struct parent_session_args, struct rpc_none)                         \
	M(parent, session_cap, 2, struct parent_id_args, struct rpc_none)                          \
	M(parent, upgrade, 3, struct parent_upgrade_args, struct rpc_none)                         \
	M(parent, close, 4, struct parent_id_args, struct rpc_none)                                \
	M(parent, exit, 5, struct parent_exit_args, struct rpc_none)                               \
	M(parent, announce, 6, struct parent_announce_args, struct rpc_none)                       \
	M(parent, resource_request, 7, struct parent_resource_args, struct rpc_none)               \
	M(parent, resource_avail_sigh, 8, struct rpc_none, struct rpc_none)                        \
	M(parent, yield_sigh, 9, struct rpc_none, struct rpc_none)                                 \
	M(parent, yield_request, 10, struct rpc_none, struct parent_resource_args)                 \
	M(parent, yield_response, 11, struct rpc_none, struct rpc_none)                            \
	M(parent, heartbeat_sigh, 12, struct rpc_none, struct rpc_none)                            \
	M(parent, heartbeat_response, 13, struct rpc_none, struct rpc_none)                        \
	M(parent, session_requests_sigh, 14, struct rpc_none, struct rpc_none)                     \
	M(parent, session_request, 15, struct rpc_none, struct parent_request)                     \
	M(parent, deliver_session, 16, struct parent_id_args, struct rpc_none)                     \
	M(parent, session_response, 17, struct parent_response_args, struct rpc_none)
