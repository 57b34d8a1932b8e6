/*
 * test-rpc-fuzz: malformed RPCs at core and at init. Random opcodes,
 * message lengths and message-register contents, with and without a
 * capability argument, go to every capability the component holds (its
 * PD, CPU, LOG, ROM and address-space objects, a dataspace, its parent).
 * The few calls that would legitimately end or cripple the caller (exit,
 * assign_parent, detach of its own memory, LOG output of garbage) are left
 * out. Afterwards core and init still answer correctly.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/env.h>
#include <component/log.h>

#define ROUNDS 3000

static unsigned long rng = 0x9e3779b97f4a7c15ul;

static unsigned long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct target {
	const char *name;
	seL4_CPtr cap;
	unsigned long skip; /* opcodes left out, as bits */
};

static void fuzz(const struct target *t, seL4_CPtr spare)
{
	seL4_Word op = next() % 16;
	if (t->skip & (1ul << op))
		return;
	seL4_IPCBuffer *b = seL4_GetIPCBuffer();
	seL4_Word len = next() % 121;
	for (seL4_Word i = 0; i < len; i++)
		b->msg[i] = next() % 4 ? next() % 0x1000 : next();
	bool with_cap = next() % 4 == 0;
	if (with_cap)
		seL4_SetCap(0, spare);
	seL4_CPtr slot = rpc_cspace.alloc();
	seL4_SetCapReceivePath(rpc_cspace.cnode, slot, rpc_cspace.depth);
	seL4_MessageInfo_t r = seL4_Call(t->cap, seL4_MessageInfo_new(op, 0, with_cap, len));
	if (seL4_MessageInfo_get_extraCaps(r) && !(seL4_MessageInfo_get_capsUnwrapped(r) & 1))
		rpc_cap_release(slot);
	else
		rpc_cspace.free(slot);
}

void component_construct(struct env *env)
{
	seL4_CPtr ram;
	struct pd_quota_result before, after;
	if (env_alloc_ram(env, 4096, &ram) || pd_session_quota(env->pd, 0, &before, 0, 0)) {
		error("setup failed");
		env_exit(env, 1);
	}
	const struct target targets[] = {
	    {"PD", env->pd, 1ul << 7 | 1ul << 2}, /* assign_parent, free */
	    {"CPU", env->cpu, 0},
	    {"LOG", env->log, 1ul << 1},
	    {"ROM", env->binary, 0},
	    {"address space", env->rm, 1ul << 2}, /* detach */
	    {"dataspace", ram, 0},
	    {"parent", env->parent, 1ul << 5}, /* exit */
	};
	const unsigned n = sizeof(targets) / sizeof(targets[0]);
	for (unsigned i = 0; i < ROUNDS; i++)
		fuzz(&targets[next() % n], next() % 2 ? ram : env->pd);
	/* everyone still answers */
	int err = pd_session_quota(env->pd, 0, &after, 0, 0);
	log("PD quota after the storm: %s", err ? rpc_error_name(err) : "answered");
	struct region_map_attach_args a = {0, 0, 0, 0, 0, 1};
	struct region_map_addr at;
	err = region_map_attach(env->rm, &a, &at, ram, 0);
	log("attach after the storm: %s", rpc_error_name(err));
	if (!err)
		*(volatile char *)at.addr = 1;
	seL4_CPtr rom;
	err = env_session(env, "ROM", "label=\"test-rpc-fuzz\", ram_quota=4096, cap_quota=2", &rom,
			  0);
	log("session through init after the storm: %s", rpc_error_name(err));
	log("Test succeeded");
	env_exit(env, 0);
}
