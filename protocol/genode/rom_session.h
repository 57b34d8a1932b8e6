/* ROM: a boot module as a read-only dataspace, looked up by the session label's last element. */
#pragma once

#include <genode/rpc.h>

struct rom_dataspace_result {
	seL4_Word size;
};

/* dataspace returns the ROM dataspace capability; sigh takes a signal context capability. */
#define ROM_SESSION_RPC(M)                                                                         \
	M(rom_session, dataspace, 1, struct rpc_none, struct rom_dataspace_result)                 \
	M(rom_session, sigh, 2, struct rpc_none, struct rpc_none)                                  \
	M(rom_session, update, 3, struct rpc_none, struct rpc_none)
