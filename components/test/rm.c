/*
 * test-rm: a managed dataspace. A region map from the RM service is
 * attached into the component's address space; a RAM dataspace attached
 * inside it shows through. A thread touching an empty part of it blocks
 * until the main thread, told by the region map's fault handler, attaches
 * memory there; then the thread goes on.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/thread.h>

#define MANAGED_SIZE (1ul << 20)

static seL4_CPtr managed;
static char *window;
static struct signal_handler fault, done;
static struct thread toucher;

static void fail(const char *what, int err)
{
	error("%s: %s", what, rpc_error_name(err));
	env_exit(genode_env(), 1);
}

static void touch(void *arg)
{
	(void)arg;
	/* nothing is attached at 0x80000 of the managed map yet */
	volatile unsigned *p = (unsigned *)(window + 0x80000);
	*p = 0x1234;
	log("toucher: wrote after the fault was resolved");
	signal_submit(done.cap, 1);
}

static void on_fault(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
	struct region_map_state s = {0};
	region_map_state(managed, 0, &s, 0, 0);
	log("fault handler: %s fault at offset %#lx", s.type == RM_FAULT_WRITE ? "write" : "read",
	    s.addr);
	seL4_CPtr ds;
	struct env *env = genode_env();
	int err = env_alloc_ram(env, 4096, &ds);
	if (!err)
		err = env_attach_at(env, managed, ds, 0, 0, s.addr & ~0xffful, false, true);
	if (err)
		fail("attach at the fault", err);
}

static void on_done(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
	thread_join(genode_env(), &toucher);
	log(*(unsigned *)(window + 0x80000) == 0x1234 ? "Test succeeded" : "Test failed");
	env_exit(genode_env(), 0);
}

void component_construct(struct env *env)
{
	seL4_CPtr managed_ds, ram;
	struct connection rm_session;
	int err;
	if ((err = rm_connect(env, &rm_session)))
		fail("RM session", err);
	struct rm_create_args c = {MANAGED_SIZE};
	if ((err = rm_session_create(rm_session.cap, &c, 0, 0, &managed)))
		fail("create region map", err);
	if ((err = region_map_dataspace(managed, 0, 0, 0, &managed_ds)))
		fail("managed dataspace", err);
	if ((err = env_attach(env, managed_ds, 0, 0, true, (void **)&window)))
		fail("attach the managed dataspace", err);
	/* a RAM dataspace inside it, and the same dataspace directly */
	char *direct;
	if ((err = env_alloc_ram(env, 0x10000, &ram)) ||
	    (err = env_attach_at(env, managed, ram, 0, 0, 0x10000, false, true)) ||
	    (err = env_attach(env, ram, 0, 0, true, (void **)&direct)))
		fail("RAM inside the managed map", err);
	strlcpy(window + 0x10000 + 100, "seen through both", 32);
	log("direct view: %s", direct + 100);
	/* an attach over an existing region conflicts */
	err = env_attach_at(env, managed, ram, 0, 0, 0x10000, false, true);
	log("attach over a region: %s", rpc_error_name(err));
	if (signal_handler_init(env, &fault, on_fault) || signal_handler_init(env, &done, on_done))
		fail("signal handlers", RPC_OUT_OF_METADATA);
	region_map_fault_handler(managed, 0, 0, fault.cap, 0);
	if ((err = thread_start(env, &toucher, "toucher", 16 * 1024, touch, 0)))
		fail("thread", err);
}
