/*
 * PDLOST: a PD process killed from outside. Each thread of the lost VSpace
 * that was not suspended takes a UserException of number
 * SIM_EXCEPTION_PD_LOST (sim/faults.h); afterwards every object can be
 * deleted and kernel-sim holds no more host resources than before.
 */
#include "test.h"
#include <sim/faults.h>

#define LOST_BADGE 0x105

/* What the spinning threads count (shared with child PDs: the image is). */
static seL4_Word spins;

static long block_on(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Recv(ep, NULL);
	return 0;
}

static void expect_pd_lost(seL4_CPtr fault_ep)
{
	seL4_Word badge = 0;
	seL4_MessageInfo_t info = seL4_Recv(fault_ep, &badge);
	test_eq(badge, LOST_BADGE);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
	test_eq(seL4_MessageInfo_get_length(info), seL4_UserException_Length);
	test_eq(seL4_GetMR(seL4_UserException_Number), SIM_EXCEPTION_PD_LOST);
	test_eq(seL4_GetMR(seL4_UserException_Code), 9); /* wait status: killed by SIGKILL */
}

static void test_killed_pd(void)
{
	seL4_Word fds0, procs0;
	sim_DebugHostResources(&fds0, &procs0);
	test_check(fds0 != ~0ul && procs0 >= 1);

	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pd);
	seL4_CPtr fault_ep = alloc_endpoint(), minted = alloc_slot(), ep = alloc_endpoint();
	test_eq(cnode_mint(fault_ep, minted, seL4_AllRights, LOST_BADGE), seL4_NoError);
	seL4_CPtr ep_name = child_pd_copy(pd, ep);
	struct helper t[3];
	for (int i = 0; i < 3; i++) {
		helper_create_in(&t[i], pd);
		test_eq(helper_set_fault_ep(&t[i], minted), seL4_NoError);
	}
	helper_start(&t[0], count_forever, (seL4_Word)&spins, 0, 0, 0);
	helper_start(&t[1], block_on, ep_name, 0, 0, 0);
	helper_start(&t[2], count_forever, (seL4_Word)&spins, 0, 0, 0);
	test_assert(wait_for_state(t[1].tcb, 3 /* BlockedOnReceive */));
	test_eq(seL4_TCB_Suspend(t[2].tcb), seL4_NoError);
	seL4_Word fds1, procs1;
	sim_DebugHostResources(&fds1, &procs1);
	test_eq(procs1, procs0 + 1);

	test_eq(sim_DebugKillPD(child_pd_vspace(pd)), 0);
	/* The running and the blocked thread fault; the suspended one does not. */
	expect_pd_lost(fault_ep);
	expect_pd_lost(fault_ep);
	test_assert(wait_for_state(t[0].tcb, 5 /* BlockedOnReply */));
	test_assert(wait_for_state(t[1].tcb, 5 /* BlockedOnReply */));
	test_eq(sim_DebugThreadState(t[2].tcb), 0 /* Inactive */);
	/* A reply cannot resume a thread of a lost PD: it faults again. */
	seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
	expect_pd_lost(fault_ep);
	/* So does a suspended thread that is resumed. */
	test_eq(seL4_TCB_Resume(t[2].tcb), seL4_NoError);
	expect_pd_lost(fault_ep);
	/* The VSpace has no process left to kill. */
	test_eq(sim_DebugKillPD(child_pd_vspace(pd)), ~0ul);

	for (int i = 0; i < 3; i++)
		helper_cleanup(&t[i]);
	child_pd_destroy(pd);
	release_slot(minted);
	release_slot(fault_ep);
	release_slot(ep);
	/*
	 * The process's last descriptor goes when Linux reports it gone, which
	 * kernel-sim does not wait for: give the host a second.
	 */
	seL4_Word fds2, procs2;
	uint64_t t0 = tsc_now();
	do
		sim_DebugHostResources(&fds2, &procs2);
	while ((fds2 != fds0 || procs2 != procs0) && tsc_ns(t0, tsc_now()) < 1000000000ul);
	test_eq(procs2, procs0);
	test_eq(fds2, fds0);
}
DEFINE_TEST(PDLOST0001, "a killed PD: faults to its threads' handlers, then clean deletion",
	    test_killed_pd);

static void test_new_pd_after_loss(void)
{
	/* Kill a PD whose thread has no fault handler: nothing else is disturbed. */
	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pd);
	struct helper h;
	helper_create_in(&h, pd);
	helper_start(&h, count_forever, (seL4_Word)&spins, 0, 0, 0);
	test_assert(wait_for_state(h.tcb, 1 /* Running */));
	test_eq(sim_DebugKillPD(child_pd_vspace(pd)), 0);
	test_assert(wait_for_state(h.tcb, 0 /* Inactive: a double fault */));
	helper_cleanup(&h);
	child_pd_destroy(pd);
	/* Not a VSpace: refused. */
	test_eq(sim_DebugKillPD(ROOT_CNODE), ~0ul);
	/* A new PD runs as before. */
	pd = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pd);
	helper_create_in(&h, pd);
	helper_start(&h, count_forever, (seL4_Word)&spins, 0, 0, 0);
	test_assert(wait_for_state(h.tcb, 1 /* Running */));
	helper_cleanup(&h);
	child_pd_destroy(pd);
}
DEFINE_TEST(PDLOST0002, "a killed PD without fault handler; the next PD runs",
	    test_new_pd_after_loss);
