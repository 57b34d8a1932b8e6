/*
 * Typed RPC over seL4 IPC (protocol/genode/rpc.h). An interface list
 *   #define LOG_SESSION_RPC(M) M(log_session, write, 1, struct log_write_args, struct rpc_none)
 * yields, with RPC_CLIENT_STUBS(LOG_SESSION_RPC), the client stub
 *   int log_session_write(seL4_CPtr obj, const struct log_write_args *in,
 *                         struct rpc_none *out, seL4_CPtr cap_in, seL4_CPtr *cap_out);
 * and, with RPC_SERVER(log_session_interface, LOG_SESSION_RPC), a dispatch
 * table that calls the server's
 *   int serve_log_session_write(void *obj, const struct log_write_args *in,
 *                               struct rpc_none *out, struct rpc_cap_arg *cap_in,
 *                               seL4_CPtr *cap_out);
 * Every function returns an rpc_error. cap_in 0 sends no capability; cap_out
 * NULL accepts none.
 */
#pragma once

#include <genode/rpc.h>
#include <sel4/sel4.h>
#include <stdbool.h>
#include <stddef.h>

/* Where received capabilities land: set up by the program's startup. */
struct rpc_cspace {
	seL4_CPtr cnode;	  /* a capability to the CNode that holds the slots */
	seL4_Word depth;	  /* receive depth for that CNode */
	seL4_CPtr (*alloc)(void); /* a free slot (0 when none is left) */
	void (*free)(seL4_CPtr);  /* an empty slot back */
};
extern struct rpc_cspace rpc_cspace;

/* Free a slot after deleting whatever capability it holds. */
void rpc_cap_release(seL4_CPtr sel);

int rpc_call(seL4_CPtr obj, seL4_Word op, const void *in, size_t in_len, void *out, size_t out_len,
	     seL4_CPtr cap_in, seL4_CPtr *cap_out);

#define RPC_CLIENT_STUB(iface, name, op, In, Out)                                                  \
	static inline int iface##_##name(seL4_CPtr obj, const In *in, Out *out, seL4_CPtr cap_in,  \
					 seL4_CPtr *cap_out)                                       \
	{                                                                                          \
		return rpc_call(obj, op, in, sizeof(In), out, sizeof(Out), cap_in, cap_out);       \
	}
#define RPC_CLIENT_STUBS(LIST) LIST(RPC_CLIENT_STUB)

/* A capability argument as the server sees it. */
struct rpc_cap_arg {
	bool present; /* the client sent one */
	bool local;   /* it names an object of this server: badge is valid */
	seL4_Word badge;
	seL4_CPtr sel; /* otherwise: the slot it arrived in */
	bool taken;    /* set by a handler that keeps sel; else the slot is cleared */
};

typedef int (*rpc_thunk_t)(void *obj, const void *in, void *out, struct rpc_cap_arg *cap_in,
			   seL4_CPtr *cap_out);
struct rpc_op {
	rpc_thunk_t fn;
	unsigned short in_len, out_len;
};
struct rpc_interface {
	const char *name;
	const struct rpc_op *ops;
	unsigned count;
};

#define RPC_SERVER_DECL(iface, name, op, In, Out)                                                  \
	int serve_##iface##_##name(void *obj, const In *in, Out *out, struct rpc_cap_arg *cap_in,  \
				   seL4_CPtr *cap_out);
#define RPC_SERVER_THUNK(iface, name, op, In, Out)                                                 \
	static int rpc_thunk_##iface##_##name(void *o, const void *in, void *out,                  \
					      struct rpc_cap_arg *ci, seL4_CPtr *co)               \
	{                                                                                          \
		return serve_##iface##_##name(o, (const In *)in, (Out *)out, ci, co);              \
	}
#define RPC_SERVER_ENTRY(iface, name, op, In, Out)                                                 \
	[op] = {rpc_thunk_##iface##_##name, sizeof(In), sizeof(Out)},
#define RPC_SERVER(var, LIST)                                                                      \
	LIST(RPC_SERVER_DECL)                                                                      \
	LIST(RPC_SERVER_THUNK)                                                                     \
	static const struct rpc_op var##_ops[] = {LIST(RPC_SERVER_ENTRY)};                         \
	const struct rpc_interface var = {#var, var##_ops, sizeof(var##_ops) / sizeof(var##_ops[0])}

/*
 * Serve one received message: info and badge from seL4_Recv, the object its
 * badge names. Returns the reply's message info with the result in the
 * message registers (and a capability, if any, in the IPC buffer).
 * cap_slot is the slot the server offered for a received capability; on
 * return *cap_slot_used tells whether a handler kept it.
 */
seL4_MessageInfo_t rpc_dispatch(const struct rpc_interface *iface, void *obj,
				seL4_MessageInfo_t info, seL4_CPtr cap_slot, bool *cap_slot_used);

/* The reply for a message that names no object or that is malformed. */
seL4_MessageInfo_t rpc_error_reply(int error);
