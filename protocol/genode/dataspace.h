/* A dataspace: memory that can be attached to region maps. */
#pragma once

#include <genode/rpc.h>

struct dataspace_info {
	seL4_Word size;
	seL4_Word writeable;
};

#define DATASPACE_RPC(M) M(dataspace, info, 1, struct rpc_none, struct dataspace_info)
