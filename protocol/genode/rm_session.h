/*
 * Region maps (a PD's address space, its stack area, and managed dataspaces
 * created by the RM service) and the RM session that creates them.
 */
#pragma once

#include <genode/rpc.h>

struct region_map_attach_args {
	seL4_Word size;	  /* 0: the dataspace from offset to its end */
	seL4_Word offset; /* into the dataspace, page aligned */
	seL4_Word use_at; /* attach at 'at', else anywhere */
	seL4_Word at;
	seL4_Word executable;
	seL4_Word writeable; /* 0: read-only even if the dataspace is writeable */
};
struct region_map_addr {
	seL4_Word addr;
};

enum region_map_fault_type {
	RM_FAULT_NONE = 0,
	RM_FAULT_READ = 1,
	RM_FAULT_WRITE = 2,
	RM_FAULT_EXEC = 3
};
struct region_map_state {
	seL4_Word type, addr;
};

/* attach takes the dataspace capability; fault_handler a signal context; dataspace returns one. */
#define REGION_MAP_RPC(M)                                                                          \
	M(region_map, attach, 1, struct region_map_attach_args, struct region_map_addr)            \
	M(region_map, detach, 2, struct region_map_addr, struct rpc_none)                          \
	M(region_map, fault_handler, 3, struct rpc_none, struct rpc_none)                          \
	M(region_map, state, 4, struct rpc_none, struct region_map_state)                          \
	M(region_map, dataspace, 5, struct rpc_none, struct rpc_none)

struct rm_create_args {
	seL4_Word size;
};
#define RM_SESSION_RPC(M)                                                                          \
	M(rm_session, create, 1, struct rm_create_args, struct rpc_none)                           \
	M(rm_session, destroy, 2, struct rpc_none, struct rpc_none)
