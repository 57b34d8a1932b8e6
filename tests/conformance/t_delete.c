/* Deletion and revocation finalise objects and release the threads that use them. */
#include "test.h"

static long recv_on(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Recv(ep, NULL);
	return 1;
}

static long wait_on(seL4_Word n, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Wait(n, NULL);
	return 1;
}

/* A helper blocked on obj via fn, whose faults arrive at the returned endpoint. */
static seL4_CPtr blocked_helper(struct helper *h, helper_fn_t fn, seL4_CPtr obj, seL4_Word state)
{
	seL4_CPtr fault_ep = alloc_endpoint();
	helper_create(h);
	if (helper_set_fault_ep(h, fault_ep) != seL4_NoError)
		test_fail(__FILE__, __LINE__, "SetSpace");
	helper_start(h, fn, obj, 0, 0, 0);
	if (!wait_for_state(h->tcb, state))
		test_fail(__FILE__, __LINE__, "helper did not block");
	return fault_ep;
}

/* The helper restarted its receive on a now empty slot: a receive-phase cap fault. */
static void expect_restart_fault(seL4_CPtr fault_ep, seL4_CPtr slot)
{
	seL4_MessageInfo_t info = seL4_Recv(fault_ep, NULL);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
	test_eq(seL4_GetMR(seL4_CapFault_Addr), slot);
	test_eq(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
}

static void test_delete_endpoint_restarts_receiver(void)
{
	seL4_CPtr ep = alloc_endpoint();
	struct helper h;
	seL4_CPtr fault_ep = blocked_helper(&h, recv_on, ep, 3 /* BlockedOnReceive */);
	test_eq(cnode_delete(ep), seL4_NoError);
	expect_restart_fault(fault_ep, ep);
	helper_cleanup(&h);
}
DEFINE_TEST(DELETE0001, "deleting an endpoint restarts the threads waiting on it",
	    test_delete_endpoint_restarts_receiver);

static void test_delete_notification_restarts_waiter(void)
{
	seL4_CPtr n = alloc_notification();
	struct helper h;
	seL4_CPtr fault_ep = blocked_helper(&h, wait_on, n, 6 /* BlockedOnNotification */);
	test_eq(cnode_delete(n), seL4_NoError);
	expect_restart_fault(fault_ep, n);
	helper_cleanup(&h);
}
DEFINE_TEST(DELETE0002, "deleting a notification restarts its waiters",
	    test_delete_notification_restarts_waiter);

static void test_delete_running_tcb(void)
{
	static volatile seL4_Word counter;
	struct helper h;
	helper_create(&h);
	helper_start(&h, count_forever, (seL4_Word)&counter, 0, 0, 0);
	while (counter == 0)
		yield_to_helpers();
	seL4_CPtr tcb = h.tcb;
	test_eq(cnode_delete(tcb), seL4_NoError);
	h.tcb = 0;
	seL4_Word stopped = counter;
	for (int i = 0; i < 20; i++)
		yield_to_helpers();
	test_eq(counter, stopped);
	test_assert(slot_empty(tcb));
	helper_cleanup(&h);
}
DEFINE_TEST(DELETE0003, "deleting the last cap of a running thread stops it",
	    test_delete_running_tcb);

static void test_revoke_untyped(void)
{
	static volatile seL4_Word counter;
	seL4_CPtr ut = alloc_untyped(16), tcb = alloc_slot(), ep = alloc_slot(), cn = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, tcb, 1), seL4_NoError);
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, ep, 1),
		seL4_NoError);
	test_eq(seL4_Untyped_Retype(ut, seL4_CapTableObject, 4, ROOT_CNODE, 0, 0, cn, 1),
		seL4_NoError);
	/* A running thread made from the untyped ... */
	struct helper h;
	helper_create(&h);
	test_eq(cnode_delete(h.tcb), seL4_NoError);
	h.tcb = tcb;
	test_eq(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ROOT_VSPACE, 0, (seL4_Word)h.ipc,
				   image_frame_cap(h.ipc)),
		seL4_NoError);
	test_eq(seL4_TCB_SetPriority(tcb, ROOT_TCB, HELPER_PRIO), seL4_NoError);
	helper_start(&h, count_forever, (seL4_Word)&counter, 0, 0, 0);
	while (counter == 0)
		yield_to_helpers();
	/* ... and a waiter on an endpoint made from it. */
	struct helper w;
	seL4_CPtr fault_ep = blocked_helper(&w, recv_on, ep, 3);
	test_eq(cnode_revoke(ut), seL4_NoError);
	test_assert(slot_empty(tcb) && slot_empty(ep) && slot_empty(cn));
	seL4_Word stopped = counter;
	for (int i = 0; i < 20; i++)
		yield_to_helpers();
	test_eq(counter, stopped);
	expect_restart_fault(fault_ep, ep);
	/* The memory is whole again. */
	seL4_CPtr big = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, ROOT_CNODE, 0, 0, big, 1),
		seL4_NoError);
	h.tcb = 0;
	helper_cleanup(&h);
	helper_cleanup(&w);
}
DEFINE_TEST(DELETE0004, "revoking an untyped destroys everything made from it",
	    test_revoke_untyped);

static void test_delete_cnode_deletes_contents(void)
{
	seL4_CPtr cn = alloc_cnode(4), ep = alloc_endpoint();
	test_eq(seL4_CNode_Move(cn, 5, 4, ROOT_CNODE, ep, WORD_BITS), seL4_NoError);
	/* Wait on it through a copy in the root CNode, then delete only the copy... */
	seL4_CPtr copy = alloc_slot();
	test_eq(seL4_CNode_Copy(ROOT_CNODE, copy, WORD_BITS, cn, 5, 4, seL4_AllRights),
		seL4_NoError);
	struct helper h;
	seL4_CPtr fault_ep = blocked_helper(&h, recv_on, copy, 3);
	test_eq(cnode_delete(copy), seL4_NoError);
	/* ... the endpoint lives on in the CNode: the helper is still waiting. */
	test_eq(sim_DebugThreadState(h.tcb), 3);
	/* Deleting the CNode deletes the last cap: the helper restarts and faults. */
	test_eq(cnode_delete(cn), seL4_NoError);
	expect_restart_fault(fault_ep, copy);
	helper_cleanup(&h);
}
DEFINE_TEST(DELETE0005, "deleting a CNode deletes the caps in it",
	    test_delete_cnode_deletes_contents);

static void test_delete_deep_cnode_chain(void)
{
	/* A chain of CNodes, each holding the only cap to the next, goes at once. */
	enum { DEPTH = 300 };
	seL4_CPtr first = alloc_cnode(1), prev = first;
	for (int i = 1; i < DEPTH; i++) {
		seL4_CPtr next = alloc_cnode(1);
		test_assert(next);
		test_eq(seL4_CNode_Move(prev, 0, 1, ROOT_CNODE, next, WORD_BITS), seL4_NoError);
		/* Keep addressing the newest CNode through a copy. */
		seL4_CPtr copy = alloc_slot();
		test_eq(seL4_CNode_Copy(ROOT_CNODE, copy, WORD_BITS, prev, 0, 1, seL4_AllRights),
			seL4_NoError);
		if (prev != first)
			test_eq(cnode_delete(prev), seL4_NoError);
		prev = copy;
	}
	seL4_CPtr n = alloc_notification();
	test_eq(seL4_CNode_Move(prev, 1, 1, ROOT_CNODE, n, WORD_BITS), seL4_NoError);
	seL4_CPtr ncopy = alloc_slot();
	test_eq(seL4_CNode_Copy(ROOT_CNODE, ncopy, WORD_BITS, prev, 1, 1, seL4_AllRights),
		seL4_NoError);
	test_eq(cnode_delete(prev), seL4_NoError);
	struct helper h;
	seL4_CPtr fault_ep = blocked_helper(&h, wait_on, ncopy, 6);
	test_eq(cnode_delete(ncopy), seL4_NoError);
	test_eq(sim_DebugThreadState(h.tcb), 6);
	test_eq(cnode_delete(first), seL4_NoError);
	expect_restart_fault(fault_ep, ncopy);
	helper_cleanup(&h);
}
DEFINE_TEST(DELETE0006, "a deep chain of CNodes is deleted completely",
	    test_delete_deep_cnode_chain);

static long call_once(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
	return 1;
}

static void test_caller_dies_during_call(void)
{
	seL4_CPtr ep = alloc_endpoint(), saved = alloc_slot();
	struct helper h;
	helper_create(&h);
	helper_start(&h, call_once, ep, 0, 0, 0);
	seL4_Recv(ep, NULL);
	test_eq(cnode_delete(h.tcb), seL4_NoError);
	h.tcb = 0;
	/* The reply cap to the dead caller went with it. */
	test_eq(seL4_CNode_SaveCaller(ROOT_CNODE, saved, WORD_BITS), seL4_NoError);
	test_assert(slot_empty(saved));
	seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
	helper_cleanup(&h);
}
DEFINE_TEST(DELETE0007, "a caller deleted in the middle of its Call leaves no reply cap",
	    test_caller_dies_during_call);

static void test_suspend_caller_drops_reply(void)
{
	seL4_CPtr ep = alloc_endpoint(), saved = alloc_slot();
	struct helper h;
	helper_create(&h);
	helper_start(&h, call_once, ep, 0, 0, 0);
	seL4_Recv(ep, NULL);
	test_eq(seL4_CNode_SaveCaller(ROOT_CNODE, saved, WORD_BITS), seL4_NoError);
	test_eq(cap_type(saved), seL4_CapType_Reply);
	test_eq(seL4_TCB_Suspend(h.tcb), seL4_NoError);
	test_assert(slot_empty(saved));
	helper_cleanup(&h);
}
DEFINE_TEST(DELETE0008, "suspending a caller blocked on reply deletes its reply cap",
	    test_suspend_caller_drops_reply);
