/* ROM: a boot module as a read-only dataspace, looked up by the session label's last element. */
#pragma once

#include <genode/rpc.h>

struct rom_dataspace_result {
	seL4_Word size;
};

/*
 * dataspace returns the ROM dataspace capability; sigh takes a signal
 * context capability. ROM_SESSION_RPC_AS names the server functions of a
 * second ROM server in one program (serve_NAME_dataspace, ...).
 */
#define ROM_SESSION_RPC_AS(M, name)                                                                \
	M(name, dataspace, 1, struct rpc_none, struct rom_dataspace_result)                        \
	M(name, sigh, 2, struct rpc_none, struct rpc_none)                                         \
	M(name, update, 3, struct rpc_none, struct rpc_none)
#define ROM_SESSION_RPC(M) ROM_SESSION_RPC_AS(M, rom_session)
