/* Device access through core: I/O ports, interrupts and I/O memory. */
#pragma once

#include <genode/rpc.h>

struct io_port_args {
	seL4_Word port, width, value; /* width 1, 2 or 4 bytes */
};
struct io_port_value {
	seL4_Word value;
};
#define IO_PORT_SESSION_RPC(M)                                                                     \
	M(io_port_session, in, 1, struct io_port_args, struct io_port_value)                       \
	M(io_port_session, out, 2, struct io_port_args, struct rpc_none)

/* sigh takes the signal context to submit for each interrupt. */
#define IRQ_SESSION_RPC(M)                                                                         \
	M(irq_session, ack, 1, struct rpc_none, struct rpc_none)                                   \
	M(irq_session, sigh, 2, struct rpc_none, struct rpc_none)

/* dataspace returns the I/O memory as a dataspace. */
#define IO_MEM_SESSION_RPC(M) M(io_mem_session, dataspace, 1, struct rpc_none, struct rpc_none)
