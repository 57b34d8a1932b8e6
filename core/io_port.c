/* The IO_PORT service and the allocator of I/O ports. */
#include "io_port.h"
#include "core.h"
#include "session.h"
#include <base/range_alloc.h>
#include <genode/io_session.h>

static struct range port_ranges[64];
static struct range_alloc ports;

void io_port_init(void)
{
	range_alloc_init(&ports, port_ranges, sizeof(port_ranges) / sizeof(port_ranges[0]));
	range_alloc_add(&ports, 0, 0x10000);
}

seL4_CPtr io_port_claim(unsigned long first, unsigned long count)
{
	seL4_CPtr cap = cspace_alloc();
	range_alloc_alloc_addr(&ports, first, count);
	if (cap && !seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, first + count - 1,
						 core_cspace, cap, CORE_DEPTH))
		return cap;
	cspace_free(cap);
	return 0;
}

struct io_port_session {
	struct core_session s;
	unsigned long base, size;
	seL4_CPtr cap;
};

static int io_port_create(struct core_session *s, const char *args)
{
	struct io_port_session *io = (struct io_port_session *)s;
	io->base = session_arg_ulong(args, "io_port_base", 0);
	io->size = session_arg_ulong(args, "io_port_size", 0);
	if (!io->size || io->base + io->size > 0x10000 ||
	    !range_alloc_alloc_addr(&ports, io->base, io->size)) {
		core_log("core: I/O ports [%#lx, %#lx) are not available\n", io->base,
			 io->base + io->size);
		io->size = 0;
		return RPC_DENIED;
	}
	io->cap = cspace_alloc();
	if (!io->cap ||
	    seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, io->base, io->base + io->size - 1,
					 core_cspace, io->cap, CORE_DEPTH) != seL4_NoError) {
		cspace_free(io->cap);
		io->cap = 0;
		range_alloc_free(&ports, io->base, io->size);
		io->size = 0;
		return RPC_DENIED;
	}
	return RPC_OK;
}

static void io_port_destroy(struct core_session *s)
{
	struct io_port_session *io = (struct io_port_session *)s;
	cspace_release(io->cap);
	if (io->size)
		range_alloc_free(&ports, io->base, io->size);
}

RPC_SERVER(io_port_session_interface, IO_PORT_SESSION_RPC);

const struct core_service io_port_service = {
    .name = "IO_PORT",
    .create = io_port_create,
    .destroy = io_port_destroy,
    .iface = &io_port_session_interface,
    .size = sizeof(struct io_port_session),
};

static bool port_ok(const struct io_port_session *io, const struct io_port_args *in)
{
	return (in->width == 1 || in->width == 2 || in->width == 4) && in->port >= io->base &&
	       in->port + in->width <= io->base + io->size;
}

int serve_io_port_session_in(void *obj, const struct io_port_args *in, struct io_port_value *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)cap_in, (void)cap_out;
	struct io_port_session *io = obj;
	if (!port_ok(io, in))
		return RPC_INVALID_ARGS;
	seL4_Uint16 port = (seL4_Uint16)in->port;
	if (in->width == 1)
		out->value = seL4_X86_IOPort_In8(io->cap, port).result;
	else if (in->width == 2)
		out->value = seL4_X86_IOPort_In16(io->cap, port).result;
	else
		out->value = seL4_X86_IOPort_In32(io->cap, port).result;
	return RPC_OK;
}

int serve_io_port_session_out(void *obj, const struct io_port_args *in, struct rpc_none *out,
			      struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct io_port_session *io = obj;
	if (!port_ok(io, in))
		return RPC_INVALID_ARGS;
	if (in->width == 1)
		seL4_X86_IOPort_Out8(io->cap, in->port, in->value);
	else if (in->width == 2)
		seL4_X86_IOPort_Out16(io->cap, in->port, in->value);
	else
		seL4_X86_IOPort_Out32(io->cap, in->port, in->value);
	return RPC_OK;
}
