/*
 * The RPC convention over seL4 IPC. A call is one seL4_Call on a badged
 * endpoint capability (an RPC object): the message label is the opcode, the
 * message registers carry the argument struct of that opcode, at most one
 * capability travels as an extra cap. The reply label is an rpc_error, the
 * message registers carry the result struct, at most one capability goes
 * back. A capability argument naming an object of the receiving server
 * arrives unwrapped (seL4 passes the badge instead of the capability).
 *
 * Interfaces are described once, as X-macro lists of
 *   M(interface, name, OPCODE, argument struct, result struct)
 * from which the framework generates typed client stubs and server dispatch.
 */
#pragma once

#include <sel4/types.h>

enum rpc_error {
	RPC_OK = 0,
	RPC_INVALID_OBJECT,	    /* no such object behind this capability */
	RPC_INVALID_OPCODE,	    /* the object has no such function */
	RPC_INVALID_ARGS,	    /* an argument is malformed or out of range */
	RPC_OUT_OF_RAM,		    /* the caller's RAM quota is exhausted */
	RPC_OUT_OF_CAPS,	    /* the caller's capability quota is exhausted */
	RPC_DENIED,		    /* no route, or the service refuses (Service_denied) */
	RPC_INSUFFICIENT_RAM_QUOTA, /* the session quota does not cover the session */
	RPC_INSUFFICIENT_CAP_QUOTA,
	RPC_REGION_CONFLICT,   /* attach: the range is not free */
	RPC_INVALID_DATASPACE, /* attach: not a dataspace, or offset/size outside it */
	RPC_OUT_OF_METADATA,   /* the server ran out of its own resources */
	RPC_UNAVAILABLE,       /* the service or session is gone */
	RPC_IPC_ERROR,	       /* the call did not reach the server */
	RPC_ERROR_COUNT
};

/*
 * Every server reply carries this bit in its label, beside the rpc_error.
 * A reply without it comes from the kernel: a Call on a capability that is
 * gone (a dead server, a closed session) is answered by seL4 with
 * seL4_InvalidCapability, which the client sees as RPC_IPC_ERROR.
 */
#define RPC_REPLY_MARK (1ul << 40)

/* Longest argument or result struct: seL4's 120 message registers. */
#define RPC_MAX_MSG_BYTES (120 * 8)

/* An empty argument or result. */
struct rpc_none {
	char none[0];
};

static inline const char *rpc_error_name(int e)
{
	static const char *const names[RPC_ERROR_COUNT] = {"ok",
							   "invalid object",
							   "invalid opcode",
							   "invalid arguments",
							   "out of RAM",
							   "out of caps",
							   "service denied",
							   "insufficient RAM quota",
							   "insufficient cap quota",
							   "region conflict",
							   "invalid dataspace",
							   "out of metadata",
							   "unavailable",
							   "IPC error"};
	return e >= 0 && e < RPC_ERROR_COUNT ? names[e] : "unknown error";
}
