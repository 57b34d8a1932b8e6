/*
 * test-host-exhaust: kernel-sim runs out of host memory
 * (tests/system/host_memory_exhaust.sh starts it under a low RLIMIT_AS).
 * A client and a server in a PD of their own call each other; the root
 * task retypes TCBs, which cost kernel-sim host memory each, until the host
 * has none left: Untyped_Retype fails with seL4_NotEnoughMemory and makes
 * nothing, further tries fail the same way, the pair keeps calling, and
 * once the objects are deleted the memory is there again. One line per
 * case, "NAME: ok" or "NAME: FAILED why".
 */
#include "../conformance/test.h"

void env_init(const seL4_BootInfo *bi);

const char *env_program = "test-host-exhaust";

/* Room for more objects than the host can hold under the test's limit. */
#define SLOT_BITS 16
#define UT_BITS	  27
#define BATCH	  64

/* --- The pair ---------------------------------------------------------- */

static volatile seL4_Word calls;

static long server(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Recv(ep, NULL);
	for (;;) {
		seL4_SetMR(0, seL4_GetMR(0) + 1);
		seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), NULL);
	}
	return 0;
}

static long client(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	for (seL4_Word i = 0;; i++) {
		seL4_SetMR(0, i);
		seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
		if (seL4_GetMR(0) != i + 1)
			return -1;
		calls++;
	}
	return 0;
}

/* The pair made at least n more calls (yielding to it), within a generous bound. */
static bool pair_calls(seL4_Word n)
{
	seL4_Word from = calls;
	for (long i = 0; i < 1000000 && calls - from < n; i++)
		yield_to_helpers();
	return calls - from >= n;
}

/* --- Exhaustion -------------------------------------------------------- */

static seL4_CPtr ut, slots;
static seL4_Word made;

/* Retype a batch of TCBs into the next slots: seL4's error. */
static seL4_Error retype_batch(void)
{
	seL4_Error e =
	    seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, slots, WORD_BITS, made, BATCH);
	if (e == seL4_NoError)
		made += BATCH;
	return e;
}

static void run_cases(void)
{
	static struct helper srv, cli;
	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	seL4_CPtr ep = alloc_endpoint();
	test_assert(pd && ep);
	helper_create_in(&srv, pd);
	helper_create_in(&cli, pd);
	helper_start(&srv, server, child_pd_copy(pd, ep), 0, 0, 0);
	helper_start(&cli, client, child_pd_copy(pd, ep), 0, 0, 0);
	test_check(pair_calls(100));
	report_case("EXHAUST_PAIR_CALLS");

	ut = alloc_untyped(UT_BITS);
	slots = alloc_cnode(SLOT_BITS);
	test_assert(ut && slots);
	seL4_Error e = seL4_NoError;
	while (made + BATCH <= (1ul << SLOT_BITS) && (e = retype_batch()) == seL4_NoError)
		;
	printf("host-exhaust: %lu TCBs made, then error %d\n", (unsigned long)made, (int)e);
	test_eq(e, seL4_NotEnoughMemory);
	report_case("EXHAUST_RETYPE_NOT_ENOUGH_MEMORY");

	seL4_Word before = made;
	for (int i = 0; i < 50; i++)
		test_eq(retype_batch(), seL4_NotEnoughMemory);
	test_eq(made, before);
	report_case("EXHAUST_STAYS_AN_ERROR");

	test_check(pair_calls(1000));
	report_case("EXHAUST_PAIR_CALLS_ON");

	/* Deleting the objects gives their host memory back: a batch fits again. */
	test_eq(cnode_revoke(ut), seL4_NoError);
	made = 0;
	test_eq(retype_batch(), seL4_NoError);
	test_eq(cnode_revoke(ut), seL4_NoError);
	test_check(pair_calls(100));
	report_case("EXHAUST_MEMORY_COMES_BACK");
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(ROOT_TCB, "test-host-exhaust");
	env_init(bi);
	run_cases();
	printf("test-host-exhaust: done, %d failed\n", env_failures);
	/* kernel-sim runs on for the host's checks; it ends on SIGTERM */
	seL4_Wait(alloc_notification(), NULL);
	return 0;
}
