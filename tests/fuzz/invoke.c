/*
 * fuzz-invoke: a structure-aware random-invocation fuzzer, as a root task
 * (make fuzz). Each round it builds a world of kernel objects from an
 * untyped of its own (TCBs, endpoints, notifications, CNodes, frames and
 * paging structures, smaller untypeds), then makes random invocations and
 * system calls on them: a label of seL4's, message registers biased to
 * what invocations take (capability addresses of the world, small numbers,
 * sizes, aligned addresses in the user window, rights and badges), extra
 * capabilities of the world. Threads it starts run wherever their registers
 * point and fault, so PD processes come and go. Then it revokes the untyped,
 * which destroys the world, and checks that kernel-sim is back to its
 * descriptors and PD processes of before the round.
 *
 * Boot module "fuzz.args": "SEED ROUNDS INVOCATIONS" (ROUNDS 0: forever).
 * The same seed makes the same invocations. It prints one line per round
 * and halts the system with status 0, or 1 after a leak.
 */
#include "../conformance/test.h"
#include <sel4/invocation.h>
#include <sim/debug.h>

void env_init(const seL4_BootInfo *bi);

const char *env_program = "fuzz-invoke";

#define WORLD_BITS    22
#define WORLD_SLOTS   128
#define INITIAL_OBJS  48
#define CHILD_CN_BITS 4

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static seL4_CPtr world[WORLD_SLOTS];
static seL4_CPtr world_ut;

/*
 * A capability to pass along (an extra cap): a slot that exists, full or
 * empty, since a Call whose extra caps cannot be looked up is a cap fault
 * of the caller in seL4.
 */
static seL4_CPtr slot_cap(void)
{
	return below(20) == 0 ? seL4_CapInitThreadASIDPool : world[below(WORLD_SLOTS)];
}

static seL4_CPtr any_cap(void)
{
	/*
	 * now and then the root task's ASID pool, an address no slot answers,
	 * or the IRQ and I/O port controls: what they issue goes into world
	 * CNodes (the only CNodes a destination names) and goes with them
	 */
	static const seL4_CPtr roots[] = {seL4_CapInitThreadASIDPool, seL4_CapIRQControl,
					  seL4_CapIOPortControl};
	if (below(20) == 0)
		return below(4) ? roots[below(3)] : (rnd() | (1ul << 40));
	return world[below(WORLD_SLOTS)];
}

/* A message register as invocations read them. */
static seL4_Word any_word(void)
{
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return below(4);
	case 2:
		return below(64);
	case 3:
		return any_cap();
	case 4:
		return below(WORLD_SLOTS); /* a slot index in a world CNode */
	case 5:
		return 1ul << below(48); /* a size or a single bit */
	case 6:
		return (below(0x800) << 21) + (below(2) ? 0 : below(512) << 12); /* an address */
	case 7:
		return seL4_AllRights.words[0] & rnd();
	case 8:
		return 64 - below(3); /* a depth */
	case 9:
		return rnd() & 0xffff;
	case 10:
		return ~0ul - below(4);
	default:
		return rnd();
	}
}

static const seL4_Word object_types[] = {
    seL4_UntypedObject,	      seL4_TCBObject,
    seL4_EndpointObject,      seL4_NotificationObject,
    seL4_CapTableObject,      seL4_X86_4K,
    seL4_X86_PageTableObject, seL4_X86_PageDirectoryObject,
    seL4_X86_PDPTObject,      seL4_X64_PML4Object,
    seL4_X86_LargePageObject,
};

static seL4_Word size_for(seL4_Word type)
{
	if (type == seL4_UntypedObject)
		return 12 + below(5);
	if (type == seL4_CapTableObject)
		return CHILD_CN_BITS + below(3);
	return 0;
}

/* The world: objects in the first slots, the rest empty for what invocations put there. */
static void build_world(void)
{
	world_ut = alloc_untyped(WORLD_BITS);
	for (unsigned i = 0; i < WORLD_SLOTS; i++)
		world[i] = alloc_slot();
	for (unsigned i = 0; i < INITIAL_OBJS; i++) {
		seL4_Word type =
		    object_types[below(sizeof(object_types) / sizeof(object_types[0]))];
		seL4_Untyped_Retype(world_ut, type, size_for(type), ROOT_CNODE, 0, 0, world[i], 1);
	}
}

static void destroy_world(void)
{
	cnode_revoke(world_ut);
	release_slot(world_ut);
	for (unsigned i = 0; i < WORLD_SLOTS; i++) {
		cnode_revoke(world[i]);
		release_slot(world[i]);
	}
}

static unsigned long invocations, threads_started, errors[12];

/* One random system call on a world capability, by what the capability is. */
static void one(void)
{
	seL4_CPtr cap = any_cap();
	seL4_Word type = seL4_DebugCapIdentify(cap);
	unsigned length = (unsigned)below(7), extra = (unsigned)below(3);
	for (unsigned i = 0; i < length; i++)
		seL4_SetMR((int)i, any_word());
	for (unsigned i = 0; i < extra; i++)
		seL4_SetCap((int)i, slot_cap());
	seL4_Word label = below(4) ? 1 + below(nArchInvocationLabels - 1) : rnd() & 0xfffff;
	seL4_MessageInfo_t info = seL4_MessageInfo_new(label, 0, extra, length);
	invocations++;
	switch (type) {
	case seL4_CapType_Endpoint:
	case seL4_CapType_Notification:
	case seL4_CapType_Null:
	case seL4_CapType_Reply:
		/*
		 * Never block, and nothing that is a cap fault of the fuzzer
		 * itself in seL4 (a receive or a blocking send without the
		 * right): a message or a signal that nobody may wait for.
		 */
		seL4_NBSend(cap, info);
		return;
	default: {
		seL4_MessageInfo_t r = seL4_Call(cap, info);
		seL4_Word e = seL4_MessageInfo_get_label(r);
		errors[e < 12 ? e : 11]++;
		return;
	}
	}
}

/* Start a world TCB somewhere: it faults, and its VSpace's PD process comes and goes. */
static void start_thread(void)
{
	seL4_CPtr tcb = world[below(INITIAL_OBJS)];
	if (seL4_DebugCapIdentify(tcb) != seL4_CapType_Thread)
		return; /* an invocation of anything else could be a cap fault of the fuzzer */
	seL4_UserContext regs;
	memset(&regs, 0, sizeof(regs));
	regs.rip = any_word();
	regs.rsp = any_word();
	seL4_TCB_Configure(tcb, any_cap(), slot_cap(), 0, slot_cap(), 0, any_word(), slot_cap());
	threads_started += seL4_TCB_WriteRegisters(tcb, 1, 0, 2, &regs) == seL4_NoError;
}

static unsigned long arg(const char **s)
{
	unsigned long v = 0;
	while (**s == ' ')
		(*s)++;
	while (**s >= '0' && **s <= '9')
		v = v * 10 + (unsigned long)(*(*s)++ - '0');
	return v;
}

/* kernel-sim's descriptors and PD processes, once they have settled (reaping is an event). */
static bool back_to(seL4_Word fds0, seL4_Word procs0, seL4_Word *fds, seL4_Word *procs)
{
	for (int i = 0; i < 2000; i++) {
		sim_DebugHostResources(fds, procs);
		if (*fds == fds0 && *procs == procs0)
			return true;
		seL4_Yield();
	}
	return false;
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(ROOT_TCB, "fuzz-invoke");
	env_init(bi);
	const sim_BootModule *m = sim_boot_module(bi, "fuzz.args");
	char text[64] = "1 10 2000";
	if (m) {
		size_t n = m->size < sizeof(text) - 1 ? m->size : sizeof(text) - 1;
		memcpy(text, (const void *)m->vaddr, n);
		text[n] = 0;
	}
	const char *s = text;
	uint64_t seed = arg(&s);
	unsigned long rounds = arg(&s), per_round = arg(&s);
	rng_state = seed ? seed * 0x9e3779b97f4a7c15ull : 1;
	seL4_Word fds0, procs0;
	sim_DebugHostResources(&fds0, &procs0);
	printf("fuzz-invoke: seed %lu, %lu rounds of %lu invocations; kernel-sim fds %lu, PD "
	       "processes %lu\n",
	       (unsigned long)seed, rounds, per_round, (unsigned long)fds0, (unsigned long)procs0);
	unsigned long leaks = 0;
	for (unsigned long r = 0; !rounds || r < rounds; r++) {
		build_world();
		for (unsigned long i = 0; i < per_round; i++) {
			if (below(200) == 0)
				start_thread();
			else
				one();
		}
		destroy_world();
		seL4_Word fds, procs;
		bool clean = back_to(fds0, procs0, &fds, &procs);
		leaks += !clean;
		printf("fuzz-invoke: round %lu: %lu invocations and %lu threads started so far, "
		       "kernel-sim fds %lu, PD processes %lu%s\n",
		       r + 1, invocations, threads_started, (unsigned long)fds,
		       (unsigned long)procs, clean ? "" : " LEAK");
	}
	printf("fuzz-invoke: %lu invocations, %lu leaks; errors:", invocations, leaks);
	for (int e = 0; e < 12; e++)
		printf(" %lu", errors[e]);
	printf("\n");
	sim_DebugHalt(leaks ? 1 : 0);
	return 0;
}
