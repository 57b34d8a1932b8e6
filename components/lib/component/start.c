/*
 * Component startup: the CSpace allocator (component/cspace.h), the
 * environment sessions from the parent, the main thread's stack in the
 * stack area, the heap, then component_construct() and the entrypoint.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/cspace.h>
#include <component/entrypoint.h>
#include <component/env.h>
#include <component/log.h>
#include <component/thread.h>
#include <genode/layout.h>

static struct env env;

struct env *genode_env(void)
{
	return &env;
}

static void *heap_more(size_t bytes, void *ctx)
{
	struct env *e = ctx;
	seL4_CPtr ds;
	void *addr;
	if (env_alloc_ram(e, bytes, &ds))
		return 0;
	if (env_attach(e, ds, 0, 0, true, &addr)) {
		env_free_ram(e, ds);
		return 0;
	}
	return addr;
}

static void early_fail(const char *what, int err)
{
	/* the parent gone (an IPC error) means we are being destroyed: nothing to say */
	if (err != RPC_IPC_ERROR) {
		seL4_DebugPutString("component: ");
		seL4_DebugPutString(what);
		seL4_DebugPutString("\n");
	}
	/* block for good: a yielding loop would starve lower priorities */
	for (;;)
		seL4_Wait(GENODE_SEL_THREAD_LOCK(0), 0);
}

/* The main thread's stack in the stack area (Genode's Component::stack_size). */
#define MAIN_STACK_SIZE (64 * 1024)

static __attribute__((noreturn, used)) void component_main(void)
{
	heap_init(&env.heap, heap_more, 0, &env, 64 * 1024);
	int err = entrypoint_init_main(&env);
	if (err)
		early_fail("no signal source for the main entrypoint", err);
	env_init_parent(&env);
	component_construct(&env);
	ep_serve(&env);
}

/*
 * The initial stack in bss is zero at its bottom unless the startup code
 * overran it (Genode's sanity check of its initial stack).
 */
static void check_initial_stack(void)
{
	extern unsigned char __initial_stack_base[];
	for (unsigned i = 0; i < 256; i++)
		if (__initial_stack_base[i])
			early_fail("initial stack overflow detected", RPC_OK);
}

seL4_Word __sel4_num_nodes = 1;

__attribute__((noreturn)) void __component_start(seL4_Word num_nodes)
{
	__sel4_num_nodes = num_nodes ? num_nodes : 1;
	rpc_cspace = (struct rpc_cspace){GENODE_SEL_CNODE, 64, cspace_slot_alloc, cspace_slot_free};
	env.parent = GENODE_SEL_PARENT;
	env.next_session_id = PARENT_ENV_IDS;
	struct parent_id_args id = {PARENT_ENV_PD};
	int err = parent_session_cap(env.parent, &id, 0, 0, &env.pd);
	if (err)
		early_fail("no PD session from the parent", err);
	id.id = PARENT_ENV_CPU;
	parent_session_cap(env.parent, &id, 0, 0, &env.cpu);
	id.id = PARENT_ENV_LOG;
	parent_session_cap(env.parent, &id, 0, 0, &env.log);
	id.id = PARENT_ENV_BINARY;
	parent_session_cap(env.parent, &id, 0, 0, &env.binary);
	if ((err = pd_session_address_space(env.pd, 0, 0, 0, &env.rm)))
		early_fail("no address space from the PD session", err);
	unsigned long sp = thread_init_main(&env, MAIN_STACK_SIZE);
	if (!sp)
		early_fail("no stack for the main thread", RPC_OK);
	check_initial_stack();
	__asm__ volatile("mov %0, %%rsp\n"
			 "xor %%ebp, %%ebp\n"
			 "call component_main\n"
			 "ud2"
			 :
			 : "r"(sp)
			 : "memory");
	__builtin_unreachable();
}

__attribute__((noreturn)) void env_exit(struct env *e, long value)
{
	struct parent_exit_args a = {value};
	parent_exit(e->parent, &a, 0, 0, 0);
	for (;;)
		seL4_Wait(GENODE_SEL_THREAD_LOCK(thread_slot_self()), 0);
}
