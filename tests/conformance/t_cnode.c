/* CNode invocations, CSpace addressing, derivation and revocation. */
#include "test.h"

/* Any capability to use as a source: a fresh TCB, as sel4test does. */
static seL4_CPtr get_cap(void)
{
	return alloc_tcb();
}

static void test_cnode_copy(void)
{
	seL4_CPtr src = get_cap(), dest = alloc_slot();
	test_assert(slot_empty(dest));
	test_eq(cnode_copy(src, dest, seL4_AllRights), seL4_NoError);
	test_eq(cap_type(dest), seL4_CapType_Thread);
	test_eq(cnode_copy(get_cap(), get_cap(), seL4_AllRights), seL4_DeleteFirst);
	test_eq(cnode_copy(alloc_slot(), get_cap(), seL4_AllRights), seL4_DeleteFirst);
	seL4_CPtr empty = alloc_slot();
	test_eq(cnode_copy(empty, alloc_slot(), seL4_AllRights), seL4_FailedLookup);
	test_eq(seL4_GetMR(0), 1);			/* the source failed */
	test_eq(seL4_GetMR(1), seL4_MissingCapability); /* lookup failure type */
	test_eq(seL4_GetMR(2), WORD_BITS);		/* bits left */
}
DEFINE_TEST(CNODEOP0001, "seL4_CNode_Copy", test_cnode_copy);

static void test_cnode_delete(void)
{
	seL4_CPtr slot = get_cap();
	test_eq(cnode_delete(slot), seL4_NoError);
	test_assert(slot_empty(slot));
	slot = alloc_slot();
	test_eq(cnode_delete(slot), seL4_NoError);
	test_assert(slot_empty(slot));
}
DEFINE_TEST(CNODEOP0002, "seL4_CNode_Delete", test_cnode_delete);

static void test_cnode_mint(void)
{
	seL4_CPtr src = get_cap(), dest = alloc_slot();
	test_eq(cnode_mint(src, dest, seL4_AllRights, 0), seL4_NoError);
	test_eq(cap_type(dest), seL4_CapType_Thread);
	test_eq(cnode_mint(get_cap(), get_cap(), seL4_AllRights, 0), seL4_DeleteFirst);
	test_eq(cnode_mint(alloc_slot(), alloc_slot(), seL4_AllRights, 0), seL4_FailedLookup);
	/* A badged cap cannot be badged again. */
	seL4_CPtr ep = alloc_endpoint(), b = alloc_slot(), bb = alloc_slot();
	test_eq(cnode_mint(ep, b, seL4_AllRights, 5), seL4_NoError);
	test_eq(cnode_mint(b, bb, seL4_AllRights, 6), seL4_IllegalOperation);
	test_assert(slot_empty(bb));
}
DEFINE_TEST(CNODEOP0003, "seL4_CNode_Mint", test_cnode_mint);

static void test_cnode_move(void)
{
	seL4_CPtr src = get_cap(), dest = alloc_slot();
	test_eq(cnode_move(src, dest), seL4_NoError);
	test_assert(slot_empty(src));
	test_assert(!slot_empty(dest));
	src = alloc_slot();
	dest = alloc_slot();
	test_eq(cnode_move(src, dest), seL4_FailedLookup);
	test_assert(slot_empty(dest));
	src = get_cap();
	dest = get_cap();
	test_eq(cnode_move(src, dest), seL4_DeleteFirst);
	test_assert(!slot_empty(src) && !slot_empty(dest));
}
DEFINE_TEST(CNODEOP0004, "seL4_CNode_Move", test_cnode_move);

static void test_cnode_mutate(void)
{
	seL4_CPtr src = get_cap(), dest = alloc_slot();
	test_eq(cnode_mutate(src, dest, 0), seL4_NoError);
	test_assert(slot_empty(src) && !slot_empty(dest));
	src = get_cap();
	dest = get_cap();
	test_eq(cnode_mutate(src, dest, 0), seL4_DeleteFirst);
	test_assert(!slot_empty(src) && !slot_empty(dest));
	src = alloc_slot();
	dest = alloc_slot();
	test_eq(cnode_mutate(src, dest, 0), seL4_FailedLookup);
	/* Mutate cannot badge: an endpoint keeps its (zero) badge or fails. */
	seL4_CPtr ep = alloc_endpoint(), m = alloc_slot();
	test_eq(cnode_mutate(ep, m, 7), seL4_IllegalOperation);
	test_assert(!slot_empty(ep) && slot_empty(m));
	/* A CNode cap can get a guard: 2 bits of value 1 in front of radix 8. */
	seL4_CPtr cn = alloc_cnode(8), g = alloc_slot();
	test_eq(cnode_mutate(cn, g, seL4_CNode_CapData_new(1, 2).words[0]), seL4_NoError);
	seL4_CPtr inner = alloc_endpoint();
	test_eq(seL4_CNode_Copy(g, (1 << 8) | 17, 10, ROOT_CNODE, inner, WORD_BITS, seL4_AllRights),
		seL4_NoError);
	test_eq(seL4_CNode_Copy(g, 18, 10, ROOT_CNODE, inner, WORD_BITS, seL4_AllRights),
		seL4_FailedLookup);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_GetMR(1), seL4_GuardMismatch);
	test_eq(seL4_GetMR(2), 10); /* bits left */
	test_eq(seL4_GetMR(3), 1);  /* guard found */
	test_eq(seL4_GetMR(4), 2);  /* bits found */
}
DEFINE_TEST(CNODEOP0005, "seL4_CNode_Mutate", test_cnode_mutate);

static void test_cnode_cancel_badged_sends_basic(void)
{
	seL4_CPtr ep = alloc_endpoint();
	test_eq(seL4_CNode_CancelBadgedSends(ROOT_CNODE, ep, WORD_BITS), seL4_NoError);
	test_assert(!slot_empty(ep));
	seL4_CPtr slot = alloc_slot();
	test_eq(seL4_CNode_CancelBadgedSends(ROOT_CNODE, slot, WORD_BITS), seL4_IllegalOperation);
	/* Without all rights the operation is refused. */
	seL4_CPtr ro = alloc_slot();
	test_eq(cnode_mint(ep, ro, seL4_NoWrite, 3), seL4_NoError);
	test_eq(seL4_CNode_CancelBadgedSends(ROOT_CNODE, ro, WORD_BITS), seL4_IllegalOperation);
}
DEFINE_TEST(CNODEOP0006, "seL4_CNode_CancelBadgedSends", test_cnode_cancel_badged_sends_basic);

static void test_cnode_revoke(void)
{
	seL4_CPtr slot = get_cap();
	test_eq(cnode_revoke(slot), seL4_NoError);
	test_assert(!slot_empty(slot));
	slot = alloc_slot();
	test_eq(cnode_revoke(slot), seL4_NoError);
	test_assert(slot_empty(slot));
	/* Revoking an endpoint removes its derived copies and badged children. */
	seL4_CPtr ep = alloc_endpoint(), c1 = alloc_slot(), c2 = alloc_slot(), c3 = alloc_slot();
	test_eq(cnode_copy(ep, c1, seL4_AllRights), seL4_NoError);
	test_eq(cnode_mint(ep, c2, seL4_AllRights, 9), seL4_NoError);
	test_eq(cnode_copy(c2, c3, seL4_AllRights), seL4_NoError);
	test_eq(cnode_revoke(ep), seL4_NoError);
	test_assert(!slot_empty(ep));
	test_assert(slot_empty(c1) && slot_empty(c2) && slot_empty(c3));
}
DEFINE_TEST(CNODEOP0007, "seL4_CNode_Revoke", test_cnode_revoke);

static seL4_Error rotate(seL4_CPtr src, seL4_CPtr pivot, seL4_CPtr dest)
{
	return seL4_CNode_Rotate(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, pivot, WORD_BITS, 0,
				 ROOT_CNODE, src, WORD_BITS, 0);
}

static void test_cnode_rotate(void)
{
	seL4_CPtr src = alloc_cnode(2), pivot = get_cap(), dest = alloc_slot();
	test_eq(rotate(src, pivot, dest), seL4_NoError);
	test_assert(slot_empty(src));
	test_eq(cap_type(pivot), seL4_CapType_CNode);
	test_eq(cap_type(dest), seL4_CapType_Thread);

	src = get_cap();
	pivot = get_cap();
	dest = get_cap();
	test_eq(rotate(src, pivot, dest), seL4_DeleteFirst);

	/* src == dest swaps the two caps. */
	src = alloc_cnode(2);
	pivot = get_cap();
	test_eq(rotate(src, pivot, src), seL4_NoError);
	test_eq(cap_type(src), seL4_CapType_Thread);
	test_eq(cap_type(pivot), seL4_CapType_CNode);

	/* Rotation mutates with preserve set: endpoint caps cannot take part. */
	src = alloc_endpoint();
	pivot = get_cap();
	dest = alloc_slot();
	test_eq(rotate(src, pivot, dest), seL4_IllegalOperation);
	test_assert(!slot_empty(src) && slot_empty(dest));

	src = get_cap();
	dest = alloc_slot();
	test_eq(rotate(src, src, dest), seL4_IllegalOperation);
	test_assert(!slot_empty(src) && slot_empty(dest));

	test_eq(rotate(alloc_slot(), alloc_slot(), alloc_slot()), seL4_FailedLookup);
}
DEFINE_TEST(CNODEOP0008, "seL4_CNode_Rotate", test_cnode_rotate);

static void test_cnode_errors(void)
{
	seL4_CPtr slot = alloc_slot(), ep = alloc_endpoint();
	/* Depth out of range. */
	test_eq(seL4_CNode_Delete(ROOT_CNODE, slot, 0), seL4_RangeError);
	test_eq(seL4_GetMR(0), 1);
	test_eq(seL4_GetMR(1), WORD_BITS);
	test_eq(seL4_CNode_Copy(ROOT_CNODE, slot, 65, ROOT_CNODE, ep, WORD_BITS, seL4_AllRights),
		seL4_RangeError);
	/* Depth that stops inside the guard of the root CNode. */
	test_eq(seL4_CNode_Delete(ROOT_CNODE, slot, 12), seL4_FailedLookup);
	test_eq(seL4_GetMR(1), seL4_GuardMismatch);
	/* A depth that leaves bits over after a non-CNode cap. */
	test_eq(seL4_CNode_Delete(ROOT_CNODE, 0, WORD_BITS - 1), seL4_FailedLookup);
	test_eq(seL4_GetMR(1), seL4_DepthMismatch);
	/* Unknown label, short message. */
	seL4_MessageInfo_t info =
	    seL4_Call(ROOT_CNODE, seL4_MessageInfo_new(UntypedRetype, 0, 0, 2));
	test_eq(seL4_MessageInfo_get_label(info), seL4_IllegalOperation);
	info = seL4_Call(ROOT_CNODE, seL4_MessageInfo_new(sel4_label(CNodeDelete), 0, 0, 1));
	test_eq(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
	seL4_SetMR(0, slot);
	seL4_SetMR(1, WORD_BITS);
	info = seL4_Call(ROOT_CNODE, seL4_MessageInfo_new(sel4_label(CNodeCopy), 0, 0, 4));
	test_eq(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
}
DEFINE_TEST(CNODEOP0010, "CNode invocation errors: depth, guard, label, length", test_cnode_errors);

static void test_untyped_copy_revoke_first(void)
{
	seL4_CPtr ut = alloc_untyped(12), copy = alloc_slot();
	test_eq(cnode_copy(ut, copy, seL4_AllRights), seL4_NoError);
	test_eq(cnode_delete(copy), seL4_NoError);
	seL4_CPtr child = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, child, 1),
		seL4_NoError);
	test_eq(cnode_copy(ut, copy, seL4_AllRights), seL4_RevokeFirst);
	test_eq(cnode_revoke(ut), seL4_NoError);
	test_assert(slot_empty(child));
	test_eq(cnode_copy(ut, copy, seL4_AllRights), seL4_NoError);
}
DEFINE_TEST(CNODEOP0011, "copying an untyped with children needs RevokeFirst",
	    test_untyped_copy_revoke_first);

static void test_rights_masking(void)
{
	seL4_CPtr ep = alloc_endpoint(), ro = alloc_slot(), back = alloc_slot();
	test_eq(cnode_copy(ep, ro, seL4_CanRead), seL4_NoError);
	/* Rights only shrink: copying with AllRights keeps Read only. */
	test_eq(cnode_copy(ro, back, seL4_AllRights), seL4_NoError);
	seL4_MessageInfo_t info = seL4_Call(back, seL4_MessageInfo_new(0, 0, 0, 0));
	test_eq(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
	/* Copies of reply caps, IRQ control and zombies are not derivable. */
	seL4_CPtr irq = alloc_slot();
	test_eq(cnode_copy(seL4_CapIRQControl, irq, seL4_AllRights), seL4_IllegalOperation);
}
DEFINE_TEST(CNODEOP0012, "copied rights never grow; some caps cannot be copied",
	    test_rights_masking);

static void test_cap_identify(void)
{
	test_eq(cap_type(ROOT_TCB), seL4_CapType_Thread);
	test_eq(cap_type(ROOT_CNODE), seL4_CapType_CNode);
	test_eq(cap_type(ROOT_VSPACE), seL4_CapType_PML4);
	test_eq(cap_type(seL4_CapIRQControl), seL4_CapType_IRQControl);
	test_eq(cap_type(seL4_CapASIDControl), seL4_CapType_ASIDControl);
	test_eq(cap_type(seL4_CapInitThreadASIDPool), seL4_CapType_ASIDPool);
	test_eq(cap_type(seL4_CapIOPortControl), seL4_CapType_IOPortControl);
	test_eq(cap_type(seL4_CapBootInfoFrame), seL4_CapType_Frame);
	test_eq(cap_type(seL4_CapInitThreadIPCBuffer), seL4_CapType_Frame);
	test_eq(cap_type(seL4_CapDomain), seL4_CapType_Domain);
	test_eq(cap_type(seL4_CapIOSpace), seL4_CapType_Null);
	test_eq(cap_type(boot_info->untyped.start), seL4_CapType_Untyped);
	test_eq(cap_type(boot_info->userImagePaging.start), seL4_CapType_PDPT);
	test_eq(cap_type(boot_info->userImageFrames.start), seL4_CapType_Frame);
	test_assert(slot_empty(boot_info->empty.end - 1));
	test_eq(boot_info->empty.end, 1ul << boot_info->initThreadCNodeSizeBits);
}
DEFINE_TEST(BOOT0001, "initial capabilities in seL4's slots", test_cap_identify);

/* --- CSPACE0001 ----------------------------------------------------------- */

#define READY	0x12374153
#define SUCCESS 0x12374151

static long full_cspace_caller(seL4_Word ep0, seL4_Word ep1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	/* The reply comes once our CSpace has been switched. */
	seL4_SetMR(0, READY);
	seL4_Call(ep0, seL4_MessageInfo_new(0, 0, 0, 1));
	/* Our CSpace is now a chain of 64 one-bit CNodes with one endpoint. */
	for (seL4_Word i = 0; i < WORD_BITS; i++) {
		seL4_MessageInfo_t t = seL4_Call(i, seL4_MessageInfo_new(0, 0, 0, 0));
		check_eq(seL4_MessageInfo_get_label(t), seL4_InvalidCapability);
	}
	for (seL4_Word i = 0; i < WORD_BITS; i++) {
		seL4_MessageInfo_t t =
		    seL4_Call(ep1 ^ (1ul << i), seL4_MessageInfo_new(0, 0, 0, 0));
		check_eq(seL4_MessageInfo_get_label(t), seL4_InvalidCapability);
	}
	seL4_SetMR(0, SUCCESS);
	seL4_Send(ep1, seL4_MessageInfo_new(0, 0, 0, 1));
	return 0;
}

static void test_full_cspace(void)
{
	seL4_CPtr cnode[WORD_BITS];
	seL4_CPtr ep = alloc_endpoint();
	seL4_Word ep_pos = 1, slot = 0;
	for (int i = 0; i < WORD_BITS; i++) {
		cnode[i] = alloc_cnode(1);
		test_assert(cnode[i]);
	}
	for (int i = 1; i < WORD_BITS; i++) {
		test_eq(seL4_CNode_Copy(cnode[i - 1], slot, 1, ROOT_CNODE, cnode[i], WORD_BITS,
					seL4_AllRights),
			seL4_NoError);
		ep_pos |= slot << i;
		slot ^= 1;
	}
	test_eq(seL4_CNode_Copy(cnode[WORD_BITS - 1], slot, 1, ROOT_CNODE, ep, WORD_BITS,
				seL4_AllRights),
		seL4_NoError);
	struct helper h;
	helper_create(&h);
	helper_start(&h, full_cspace_caller, ep, ep_pos, 0, 0);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_length(info), 1);
	test_eq(seL4_GetMR(0), READY);
	test_eq(seL4_TCB_SetSpace(h.tcb, 0, cnode[0], 0, ROOT_VSPACE, 0), seL4_NoError);
	seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
	info = seL4_Recv(ep, NULL);
	test_eq(seL4_GetMR(0), SUCCESS);
	helper_cleanup(&h);
}
DEFINE_TEST(CSPACE0001, "a CSpace of 64 one-bit CNodes resolves every bit", test_full_cspace);

/* --- CANCEL_BADGED_SENDS -------------------------------------------------- */

/*
 * sel4test's cases, with their synchronisation: the senders run at 100 and
 * a bouncer at 0, so a Call to the bouncer returns only when every sender
 * has run until it blocked.
 */
#define NUM_BADGED_CLIENTS 32

static long bouncer_func(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Recv(ep, NULL);
	for (;;)
		seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 0), NULL);
	return 0;
}

static long call_func(seL4_Word ep, seL4_Word msg, seL4_Word done, seL4_Word unused)
{
	(void)unused;
	volatile seL4_Word *d = (volatile seL4_Word *)done;
	seL4_SetMR(0, msg);
	seL4_MessageInfo_t tag = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
	check_eq(seL4_MessageInfo_get_length(tag), 1);
	check_eq(seL4_GetMR(0), ~msg);
	*d = 0;
	/* Again: this call waits until its badge's sends are cancelled, and then fails. */
	seL4_SetMR(0, msg);
	tag = seL4_Call(ep, tag);
	check_eq(seL4_MessageInfo_get_label(tag), seL4_InvalidCapability);
	*d = 1;
	return 0;
}

static void test_cancel_badged_sends(void)
{
	static struct {
		struct helper thread;
		seL4_CPtr badged_ep, derived_badged_ep;
		volatile seL4_Word done;
	} senders[NUM_BADGED_CLIENTS];
	seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, 0, 0);
	seL4_CPtr ep = alloc_endpoint();
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++) {
		senders[i].badged_ep = alloc_slot();
		senders[i].derived_badged_ep = alloc_slot();
		test_eq(cnode_mint(ep, senders[i].badged_ep, seL4_AllRights, (seL4_Word)i + 200),
			seL4_NoError);
		test_eq(
		    cnode_copy(senders[i].badged_ep, senders[i].derived_badged_ep, seL4_AllRights),
		    seL4_NoError);
		helper_create(&senders[i].thread);
		seL4_TCB_SetPriority(senders[i].thread.tcb, ROOT_TCB, 100);
		senders[i].done = ~0ul;
	}
	/* A bouncer below them, so that lower-priority threads get to run. */
	seL4_CPtr bounce_ep = alloc_endpoint();
	struct helper bouncer;
	helper_create(&bouncer);
	seL4_TCB_SetPriority(bouncer.tcb, ROOT_TCB, 0);
	helper_start(&bouncer, bouncer_func, bounce_ep, 0, 0, 0);
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++)
		helper_start(&senders[i].thread, call_func, senders[i].derived_badged_ep,
			     (seL4_Word)i + 100, (seL4_Word)&senders[i].done, 0);
	seL4_Call(bounce_ep, tag); /* the senders run */
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++) {
		seL4_Word badge;
		tag = seL4_Recv(ep, &badge);
		test_eq(seL4_MessageInfo_get_length(tag), 1);
		test_eq(seL4_GetMR(0), badge - 100);
		seL4_SetMR(0, ~seL4_GetMR(0));
		seL4_Reply(tag);
	}
	seL4_Call(bounce_ep, tag); /* they run again, into their second call */
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++)
		test_eq(senders[i].done, 0);
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++) {
		test_eq(cnode_revoke(senders[i].badged_ep), seL4_NoError);
		test_eq(seL4_CNode_CancelBadgedSends(ROOT_CNODE, senders[i].badged_ep, WORD_BITS),
			seL4_NoError);
		seL4_Call(bounce_ep, tag); /* the cancelled sender runs */
		/* Only the senders with the badges cancelled so far have failed. */
		for (int j = 0; j < NUM_BADGED_CLIENTS; j++)
			test_eq(senders[j].done, j <= i ? 1ul : 0ul);
	}
	seL4_Call(bounce_ep, tag);
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++) {
		helper_cleanup(&senders[i].thread);
		release_slot(senders[i].badged_ep);
		free_slot(senders[i].derived_badged_ep);
	}
	helper_cleanup(&bouncer);
	release_slot(bounce_ep);
	release_slot(ep);
}
DEFINE_TEST(CANCEL_BADGED_SENDS_0001, "Basic endpoint cancelBadgedSends testing",
	    test_cancel_badged_sends);

static long ep_test_func(seL4_Word sync_ep, seL4_Word test_ep, seL4_Word status, seL4_Word unused)
{
	(void)unused;
	volatile seL4_Word *st = (volatile seL4_Word *)status;
	seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, 0, 0);
	for (;;) {
		seL4_Recv(sync_ep, NULL);
		seL4_MessageInfo_t reply_tag = seL4_Call(test_ep, tag);
		*st = seL4_MessageInfo_get_label(reply_tag) != seL4_InvalidCapability;
		seL4_Reply(tag);
	}
	return 0;
}

/*
 * CANCEL_BADGED_SENDS_0001 sees only that a blocked call is cancelled; here
 * each helper calls when the root task asks it to, so a revoked (derived)
 * badged cap is seen to fail while the others still work.
 */
static void test_cancel_badged_sends_deletes(void)
{
	static struct {
		struct helper thread;
		seL4_CPtr sync_ep, badged_ep, derived_badged_ep;
		volatile seL4_Word last_status;
	} helpers[NUM_BADGED_CLIENTS];
	seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, 0, 0);
	seL4_CPtr ep = alloc_endpoint();
	/* A thread that answers every message on the endpoint. */
	struct helper reply_thread;
	helper_create(&reply_thread);
	helper_start(&reply_thread, bouncer_func, ep, 0, 0, 0);
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++) {
		helpers[i].badged_ep = alloc_slot();
		helpers[i].derived_badged_ep = alloc_slot();
		helpers[i].sync_ep = alloc_endpoint();
		test_eq(cnode_mint(ep, helpers[i].badged_ep, seL4_AllRights, (seL4_Word)i + 200),
			seL4_NoError);
		test_eq(
		    cnode_copy(helpers[i].badged_ep, helpers[i].derived_badged_ep, seL4_AllRights),
		    seL4_NoError);
		helpers[i].last_status = ~0ul;
		helper_create(&helpers[i].thread);
		helper_start(&helpers[i].thread, ep_test_func, helpers[i].sync_ep,
			     helpers[i].derived_badged_ep, (seL4_Word)&helpers[i].last_status, 0);
	}
	/* Every helper and its badged cap work. */
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++)
		seL4_Call(helpers[i].sync_ep, tag);
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++)
		test_eq(helpers[i].last_status, 1);
	/* Revoke and cancel one badge after the other: exactly those calls fail. */
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++) {
		test_eq(cnode_revoke(helpers[i].badged_ep), seL4_NoError);
		test_eq(seL4_CNode_CancelBadgedSends(ROOT_CNODE, helpers[i].badged_ep, WORD_BITS),
			seL4_NoError);
		for (int j = 0; j < NUM_BADGED_CLIENTS; j++)
			seL4_Call(helpers[j].sync_ep, tag);
		for (int j = 0; j < NUM_BADGED_CLIENTS; j++)
			test_eq(helpers[j].last_status, j <= i ? 0ul : 1ul);
	}
	for (int i = 0; i < NUM_BADGED_CLIENTS; i++) {
		helper_cleanup(&helpers[i].thread);
		release_slot(helpers[i].badged_ep);
		free_slot(helpers[i].derived_badged_ep);
		release_slot(helpers[i].sync_ep);
	}
	helper_cleanup(&reply_thread);
	release_slot(ep);
}
DEFINE_TEST(CANCEL_BADGED_SENDS_0002, "cancelBadgedSends deletes caps",
	    test_cancel_badged_sends_deletes);
