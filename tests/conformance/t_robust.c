/* Robustness: random invocations on scratch objects leave the kernel sound. */
#include "test.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Word values with a bias toward the interesting ones. */
static seL4_Word random_word(const seL4_CPtr *caps, int ncaps)
{
	switch (rng() % 8) {
	case 0:
		return 0;
	case 1:
		return rng() % 70;
	case 2:
		return ~0ul - rng() % 4;
	case 3:
		return 1ul << (rng() % 64);
	case 4:
		return caps[rng() % (uint64_t)ncaps];
	case 5:
		return rng() % 16;
	default:
		return rng();
	}
}

static void test_random_invocations(void)
{
	/* Scratch objects; the extra caps come only from these. */
	seL4_CPtr ut = alloc_untyped(20), scratch = alloc_cnode(6);
	seL4_CPtr caps[8];
	caps[0] = ut;
	caps[1] = scratch;
	caps[2] = alloc_tcb(); /* never given a VSpace: it can never run */
	caps[3] = alloc_untyped(14);
	caps[4] = alloc_object(seL4_X86_4K, 0);
	caps[5] = alloc_object(seL4_X86_PageTableObject, 0);
	caps[6] = alloc_object(seL4_X64_PML4Object, 0);
	caps[7] = alloc_slot(); /* empty */
	for (int i = 0; i < 7; i++)
		test_assert(caps[i]);
	/* Keep the scratch CNode addressable after random moves: a copy only used here. */
	for (int i = 0; i < 4000; i++) {
		seL4_CPtr target = caps[rng() % 7];
		seL4_Word label = rng() % (nArchInvocationLabels + 3);
		seL4_Word length = rng() % 12;
		seL4_Word extra = rng() % 4;
		for (int m = 0; m < 12; m++)
			seL4_SetMR(m, random_word(caps, 8));
		for (int c = 0; c < 3; c++)
			seL4_SetCap(c, caps[rng() % 8]);
		/* No resume of the scratch TCB's registers. */
		if (label == TCBWriteRegisters || label == TCBCopyRegisters)
			seL4_SetMR(0, 0);
		seL4_Call(target, seL4_MessageInfo_new(label, 0, extra, length));
	}
	/* The kernel still works: a fresh endpoint carries a message between threads. */
	seL4_CPtr ep = alloc_endpoint(), n = alloc_notification();
	test_assert(ep && n);
	seL4_Signal(n);
	seL4_Word badge = 1;
	seL4_Poll(n, &badge);
	test_eq(badge, 0);
	test_eq(cnode_revoke(ut), seL4_NoError);
	test_eq(cnode_delete(scratch), seL4_NoError);
}
DEFINE_TEST(ROBUST0001, "4000 random invocations on scratch objects", test_random_invocations);
