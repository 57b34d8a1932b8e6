/*
 * test-iomem: device memory through core's IO_MEM service. The VGA text
 * buffer at 0xb8000 (device memory below 1 MiB) becomes a dataspace; what
 * is written through one attachment reads back through another. A second
 * session for the same range is refused, one elsewhere is granted.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/env.h>
#include <component/log.h>

static seL4_CPtr io_mem(struct env *env, unsigned long base, unsigned long size, int *err)
{
	struct connection c;
	*err = io_mem_connect(env, base, size, &c);
	return c.cap;
}

void component_construct(struct env *env)
{
	int err;
	seL4_CPtr vga = io_mem(env, 0xb8000, 0x1000, &err), ds;
	char *a, *b;
	if (err || (err = io_mem_session_dataspace(vga, 0, 0, 0, &ds)) ||
	    (err = env_attach(env, ds, 0, 0, true, (void **)&a)) ||
	    (err = env_attach(env, ds, 0, 0, true, (void **)&b))) {
		error("VGA text buffer: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	strlcpy(a, "hello, device memory", 32);
	log("read through the second mapping: %s", b);
	log("size of the dataspace: %lu", ds_size(ds));
	io_mem(env, 0xb8000, 0x1000, &err);
	log("the same range again: %s", rpc_error_name(err));
	io_mem(env, 0xb9000, 0x2000, &err);
	log("the next pages: %s", rpc_error_name(err));
	io_mem(env, 0x200000, 0x1000, &err);
	log("RAM as I/O memory: %s", rpc_error_name(err));
	log("Test succeeded");
	env_exit(env, 0);
}
