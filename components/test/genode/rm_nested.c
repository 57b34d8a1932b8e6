/*
 * test-rm_nested: Genode's nested region-map test, written for this
 * framework from the test's documented behaviour
 * (repos/base/src/test/rm_nested).
 *
 * A region map of 64 KiB from the RM service is attached into the address
 * space; the main thread writes to it every 256 bytes, and each first
 * touch of a page is a region-map fault that a handler on an entrypoint of
 * its own resolves by attaching a fresh page there. A region map is
 * created and destroyed. Then region maps are stacked: "top" in the
 * address space, "shim1" and "shim2" inside it, "bottom" inside shim1;
 * read-only RAM in shim2 and writeable RAM in bottom show through all
 * levels, and a read of a hole in shim2 faults once to shim2's handler.
 * Genode's runtime: succeed on "--- finished nested region map test ---",
 * fail on an "Error:" line.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>

#define MANAGED_SIZE 0x10000ul
#define PAGE_SIZE    4096ul

static struct env *env;

static __attribute__((noreturn)) void fail(const char *what, int err)
{
	error("%s: %s", what, rpc_error_name(err));
	env_exit(env, 1);
}

/* A region map's fault handler on an entrypoint of its own, as Genode's Local_fault_handler. */
struct fault_handler {
	struct entrypoint ep;
	struct signal_handler handler;
	seL4_CPtr rm;
	volatile unsigned count;
};

static const char *fault_name(seL4_Word type)
{
	return type == RM_FAULT_READ	? "READ_FAULT"
	       : type == RM_FAULT_WRITE ? "WRITE_FAULT"
	       : type == RM_FAULT_EXEC	? "EXEC_FAULT"
					: "READY";
}

static void handle_fault(struct signal_handler *h, unsigned long n)
{
	(void)n;
	struct fault_handler *f =
	    (struct fault_handler *)((char *)h - offsetof(struct fault_handler, handler));
	struct region_map_state s = {0};
	region_map_state(f->rm, 0, &s, 0, 0);
	f->count++;
	log("region-map fault is %s, pf_addr=%#lx", fault_name(s.type), s.addr);
	log("allocate dataspace and attach it to sub region map");
	seL4_CPtr ds;
	int err = env_alloc_ram(env, PAGE_SIZE, &ds);
	if (!err)
		err = env_attach_at(env, f->rm, ds, 0, 0, s.addr & ~(PAGE_SIZE - 1), false, true);
	if (err)
		fail("attach at the fault", err);
	log("returning from handle_fault");
}

static void fault_handler_init(struct fault_handler *f, seL4_CPtr rm)
{
	f->rm = rm;
	f->count = 0;
	int err = entrypoint_create(env, &f->ep, "local_fault_handler", sizeof(long) * 2048);
	if (!err)
		err = signal_handler_init_at(&f->ep, &f->handler, handle_fault, false);
	if (!err)
		err = region_map_fault_handler(rm, 0, 0, f->handler.cap, 0);
	if (err)
		fail("fault handler", err);
	log("fault handler: waiting for fault signal");
}

static seL4_CPtr rm_create(struct connection *rm, unsigned long size)
{
	struct rm_create_args a = {size};
	seL4_CPtr cap;
	int err = rm_session_create(rm->cap, &a, 0, 0, &cap);
	if (err)
		fail("RM create", err);
	return cap;
}

static seL4_CPtr rm_dataspace(seL4_CPtr rm)
{
	seL4_CPtr ds;
	int err = region_map_dataspace(rm, 0, 0, 0, &ds);
	if (err)
		fail("region-map dataspace", err);
	return ds;
}

/* Attach ds to rm anywhere (size 0: all of it); where. */
static unsigned long attach(seL4_CPtr rm, seL4_CPtr ds, unsigned long size, bool use_at,
			    unsigned long at, bool writeable)
{
	struct region_map_attach_args a = {size, 0, use_at, at, 0, writeable};
	struct region_map_addr r;
	int err = region_map_attach(rm, &a, &r, ds, 0);
	if (err)
		fail("attach", err);
	return r.addr;
}

static void nested_regions(void)
{
	enum { TOP = 40 * 1024, SHIM1 = 24 * 1024, SHIM2 = 16 * 1024, BOTTOM = 40 * 1024 };
	struct connection rm;
	int err = rm_connect(env, &rm);
	if (err)
		fail("RM session", err);

	seL4_CPtr rm_top = rm_create(&rm, TOP), top_ds = rm_dataspace(rm_top);
	unsigned long addr_top = attach(env->rm, top_ds, 0, false, 0, true);
	log(" region top        [%#lx,%#lx)", addr_top, addr_top + ds_size(top_ds));

	seL4_CPtr rm_shim1 = rm_create(&rm, SHIM1), rm_shim2 = rm_create(&rm, SHIM2);
	unsigned long addr_shim1 = attach(rm_top, rm_dataspace(rm_shim1), 0, false, 0, true);
	unsigned long addr_shim2 = attach(rm_top, rm_dataspace(rm_shim2), 0, false, 0, true);
	log(" region shim       [%#lx,%#lx) [%#lx,%#lx)", addr_top + addr_shim1,
	    addr_top + addr_shim1 + SHIM1, addr_top + addr_shim2, addr_top + addr_shim2 + SHIM2);

	/* read-only memory in shim 2 */
	const unsigned long shim2_ram_size = 2 * PAGE_SIZE;
	seL4_CPtr shim2_ram;
	if ((err = env_alloc_ram(env, shim2_ram_size, &shim2_ram)))
		fail("RAM", err);
	unsigned long addr_shim2_ram = attach(rm_shim2, shim2_ram, 0, true, 0x1000, false);
	unsigned long read_shim2 = addr_top + addr_shim2 + addr_shim2_ram;
	log("  attached mem                                         [%#lx,%#lx)", read_shim2,
	    read_shim2 + shim2_ram_size);
	log("  read     mem                                         [%#lx,%#lx) value=%#x",
	    read_shim2, read_shim2 + shim2_ram_size, *(volatile unsigned *)read_shim2);

	/* the bottom map inside shim 1, writeable memory inside it */
	seL4_CPtr rm_bottom = rm_create(&rm, BOTTOM);
	const unsigned long size_bottom = BOTTOM - SHIM2;
	unsigned long addr_bottom =
	    attach(rm_shim1, rm_dataspace(rm_bottom), size_bottom, false, 0, false);
	unsigned long base = addr_top + addr_shim1 + addr_bottom;
	log("   bottom shim (r) [%#lx,%#lx)", base, base + BOTTOM);
	log("   bottom shim (s) [%#lx,%#lx)", base, base + size_bottom);
	seL4_CPtr bottom_ram;
	void *rw;
	if ((err = env_alloc_ram(env, BOTTOM, &bottom_ram)) ||
	    (err = env_attach(env, bottom_ram, 0, 0, true, &rw)))
		fail("RAM", err);
	memset(rw, 0xff, BOTTOM);
	env_detach(env, rw);
	unsigned long addr_bottom_ram = attach(rm_bottom, bottom_ram, 0, true, 0, true);
	unsigned long write_bottom = base + addr_bottom_ram;
	log("    attached mem   [%#lx,%#lx)", write_bottom, write_bottom + size_bottom);
	log("    wrote    mem   [%#lx,%#lx) with value=%#x", write_bottom,
	    write_bottom + size_bottom, *(volatile unsigned *)write_bottom);

	log(" try reading mem  %#lx - should succeed", read_shim2);
	unsigned value = *(volatile unsigned *)read_shim2;
	if (value)
		error(" wrong content read - expected 0, got %#x", value);
	log(" try reading mem  %#lx - should succeed", read_shim2 + PAGE_SIZE);
	value = *(volatile unsigned *)(read_shim2 + PAGE_SIZE);
	if (value)
		error(" wrong content read - expected 0, got %#x", value);

	static struct fault_handler handler;
	fault_handler_init(&handler, rm_shim2);
	log(" try reading mem  %#lx - should fail", read_shim2 - PAGE_SIZE);
	value = *(volatile unsigned *)(read_shim2 - PAGE_SIZE);
	if (handler.count != 1)
		error(" could read memory without region attached, value=%#x", value);
}

void component_construct(struct env *e)
{
	env = e;
	log("--- nested region map test ---");
	struct connection rm;
	int err = rm_connect(env, &rm);
	if (err)
		fail("RM session", err);
	seL4_CPtr region_map = rm_create(&rm, MANAGED_SIZE), ds = rm_dataspace(region_map);
	static struct fault_handler handler;
	fault_handler_init(&handler, region_map);

	void *addr;
	if ((err = env_attach(env, ds, 0, 0, true, &addr)))
		fail("attach the sub dataspace", err);
	log("attached sub dataspace at local address %p", addr);
	log("sub dataspace size is %lu should be %lu", ds_size(ds), MANAGED_SIZE);

	/* walk through the address range belonging to the region map */
	volatile char *managed = addr;
	for (unsigned long i = 0; i < MANAGED_SIZE; i += PAGE_SIZE / 16) {
		log("write to %p", (void *)&managed[i]);
		managed[i] = 13;
	}

	log("test destruction of region_map");
	seL4_CPtr rcap = rm_create(&rm, 4096);
	if ((err = rm_session_destroy(rm.cap, 0, 0, rcap, 0)))
		fail("RM destroy", err);

	log("test multiple nested regions stacked");
	nested_regions();
	log("--- finished nested region map test ---");
}
