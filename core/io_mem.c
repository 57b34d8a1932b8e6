/* The IO_MEM service: device memory as dataspaces. RAM is never I/O memory. */
#include "core.h"
#include "dataspace.h"
#include "session.h"
#include "untyped.h"
#include <genode/io_session.h>

/* Device memory as a dataspace: naturally aligned device blocks retyped into frames. */
struct io_mem_session {
	struct core_session s;
	struct ut_block *blocks[64];
	unsigned block_count;
	seL4_CPtr *frames;
	unsigned long frame_count;
	struct dataspace *ds;
};

#define IO_MEM_MAX_ORDER 20 /* 256 frames: one retype */

static void io_mem_destroy(struct core_session *s)
{
	struct io_mem_session *io = (struct io_mem_session *)s;
	ds_destroy(io->ds);
	for (unsigned i = 0; i < io->block_count; i++)
		untyped_free(io->blocks[i]); /* revokes the frames and their mappings */
	for (unsigned long i = 0; i < io->frame_count; i++)
		if (io->frames[i])
			cspace_free(io->frames[i]);
	core_free(io->frames);
}

static int io_mem_create(struct core_session *s, const char *args)
{
	struct io_mem_session *io = (struct io_mem_session *)s;
	unsigned long base = session_arg_ulong(args, "base", 0);
	unsigned long size = session_arg_ulong(args, "size", 0);
	unsigned long end = (base + size + seL4_PageSize - 1) & ~(seL4_PageSize - 1);
	base &= ~(seL4_PageSize - 1);
	if (!size || end <= base || end - base > (64ul << 20)) {
		core_log("core: IO_MEM [%#lx, %#lx) is not a valid range\n", base, base + size);
		return RPC_DENIED;
	}
	io->frames = core_zalloc((end - base) / seL4_PageSize * sizeof(seL4_CPtr));
	if (!io->frames)
		return RPC_OUT_OF_METADATA;
	for (unsigned long a = base; a < end;) {
		unsigned order = a ? (unsigned)__builtin_ctzl(a) : IO_MEM_MAX_ORDER;
		while (order > seL4_PageBits &&
		       (order > IO_MEM_MAX_ORDER || a + (1ul << order) > end))
			order--;
		unsigned long count = 1ul << (order - seL4_PageBits);
		struct ut_block *b = io->block_count < 64 ? untyped_alloc_device(a, order) : 0;
		seL4_CPtr first = b ? cspace_alloc_range((unsigned)count) : 0;
		if (b)
			io->blocks[io->block_count++] = b;
		if (!first || untyped_retype(b, seL4_X86_4K, 0, first, (unsigned)count)) {
			if (first)
				cspace_free_range(first, (unsigned)count);
			core_log("core: IO_MEM [%#lx, %#lx) is not available\n", base, end);
			io_mem_destroy(s);
			io->block_count = 0, io->frame_count = 0, io->frames = 0, io->ds = 0;
			return RPC_DENIED;
		}
		for (unsigned long i = 0; i < count; i++)
			io->frames[io->frame_count++] = first + i;
		a += 1ul << order;
	}
	io->ds = ds_from_frames(DS_IO, io->frames, io->frame_count, end - base, true);
	return io->ds ? RPC_OK : RPC_OUT_OF_METADATA;
}

RPC_SERVER(io_mem_session_interface, IO_MEM_SESSION_RPC);

const struct core_service io_mem_service = {
    .name = "IO_MEM",
    .create = io_mem_create,
    .destroy = io_mem_destroy,
    .iface = &io_mem_session_interface,
    .size = sizeof(struct io_mem_session),
};

int serve_io_mem_session_dataspace(void *obj, const struct rpc_none *in, struct rpc_none *out,
				   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in;
	*cap_out = ((struct io_mem_session *)obj)->ds->obj.cap;
	return RPC_OK;
}
