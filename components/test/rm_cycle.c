/*
 * test-rm-cycle: region maps nested into each other. Attaching a region
 * map into a map that it contains, at any depth, is refused; a shared map
 * (reached on two paths) is fine; memory shows through four levels; a
 * chain of six levels, one beyond Genode's nesting limit, ends in an
 * unresolvable fault of the thread that touches it. The component then
 * ends with its maps still nested: tearing them down is core's job.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>

#define SIZE 0x10000ul

static struct env *env;
static struct connection rm;

static __attribute__((noreturn)) void fail(const char *what, int err)
{
	error("%s: %s", what, rpc_error_name(err));
	env_exit(env, 1);
}

static seL4_CPtr map_create(void)
{
	struct rm_create_args a = {SIZE};
	seL4_CPtr cap;
	int err = rm_session_create(rm.cap, &a, 0, 0, &cap);
	if (err)
		fail("RM create", err);
	return cap;
}

static seL4_CPtr map_ds(seL4_CPtr map)
{
	seL4_CPtr ds;
	int err = region_map_dataspace(map, 0, 0, 0, &ds);
	if (err)
		fail("region-map dataspace", err);
	return ds;
}

/* Attach the first half of ds into map at 'at': an rpc_error. */
static int attach_at(seL4_CPtr map, seL4_CPtr ds, unsigned long at)
{
	return env_attach_at(env, map, ds, SIZE / 2, 0, at, false, true);
}

static void expect_refused(const char *what, seL4_CPtr map, seL4_CPtr ds)
{
	int err = attach_at(map, ds, 0x8000);
	if (!err)
		fail(what, err);
	log("%s: refused (%s)", what, rpc_error_name(err));
}

void component_construct(struct env *e)
{
	env = e;
	/* eight region maps: more quota than rm_connect donates */
	int err = env_session(env, "RM", "ram_quota=65536, cap_quota=32", &rm.cap, &rm.id);
	if (err)
		fail("RM session", err);
	seL4_CPtr a = map_create(), b = map_create(), c = map_create(), d = map_create(),
		  f = map_create(), g = map_create();
	seL4_CPtr a_ds = map_ds(a), b_ds = map_ds(b), c_ds = map_ds(c), d_ds = map_ds(d),
		  f_ds = map_ds(f), g_ds = map_ds(g);

	/* a > b > c, and c in a as well */
	if ((err = attach_at(a, b_ds, 0)) || (err = attach_at(b, c_ds, 0)) ||
	    (err = attach_at(a, c_ds, 0x8000)))
		fail("nesting", err);
	expect_refused("a in a", a, a_ds);
	expect_refused("a in b", b, a_ds);
	expect_refused("a in c", c, a_ds);
	expect_refused("b in c", c, b_ds);

	/* RAM in c shows at a+0 (through b) and a+0x8000 (directly) */
	seL4_CPtr ram;
	void *at;
	if ((err = env_alloc_ram(env, SIZE / 2, &ram)) || (err = attach_at(c, ram, 0)) ||
	    (err = env_attach(env, a_ds, 0, 0, true, &at)))
		fail("attach", err);
	volatile unsigned *p = at, *q = (unsigned *)((char *)at + 0x8000);
	*p = 0x5a5a;
	log("through b: %#x, directly: %#x", *p, *q);

	/* the address space > d > f > g > ... one level beyond the limit */
	seL4_CPtr h = map_create(), k = map_create();
	if ((err = attach_at(d, f_ds, 0)) || (err = attach_at(f, g_ds, 0)) ||
	    (err = attach_at(g, map_ds(h), 0)) || (err = attach_at(h, map_ds(k), 0)) ||
	    (err = attach_at(k, ram, 0)) || (err = env_attach(env, d_ds, 0, 0, true, &at)))
		fail("deep nesting", err);
	log("touching six levels deep");
	log("read %#x", *(volatile unsigned *)at);
	error("a fault six levels deep was resolved");
	env_exit(env, 1);
}
