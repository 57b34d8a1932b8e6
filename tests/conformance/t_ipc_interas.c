/*
 * IPC100x: the IPC0001-0004 pairs with each side in a PD of its own (its own
 * VSpace, process and CSpace), so every message crosses address spaces.
 */
#include "test.h"

#define ROUNDS 6
#define BASE   0x1a2b0000ul

static seL4_Word length_of(seL4_Word round)
{
	return (round * 23) % (seL4_MsgMaxLength + 1);
}

static void fill(seL4_Word round, seL4_Word len)
{
	for (seL4_Word i = 0; i < len; i++)
		seL4_SetMR((int)i, BASE + round * 1000 + i);
}

static void check(seL4_MessageInfo_t info, seL4_Word round, seL4_Word len)
{
	check_eq(seL4_MessageInfo_get_label(info), round + 1);
	check_eq(seL4_MessageInfo_get_length(info), len);
	for (seL4_Word i = 0; i < len; i++)
		check_eq(seL4_GetMR((int)i), BASE + round * 1000 + i);
}

static long send_func(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	for (seL4_Word r = 0; r < ROUNDS; r++) {
		fill(r, length_of(r));
		seL4_Send(ep, seL4_MessageInfo_new(r + 1, 0, 0, length_of(r)));
	}
	return 0;
}

static long wait_func(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	for (seL4_Word r = 0; r < ROUNDS; r++)
		check(seL4_Recv(ep, NULL), r, length_of(r));
	return 0;
}

static long call_func(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	for (seL4_Word r = 0; r < ROUNDS; r++) {
		fill(r, length_of(r));
		seL4_MessageInfo_t reply =
		    seL4_Call(ep, seL4_MessageInfo_new(r + 1, 0, 0, length_of(r)));
		/* The server answers with the next round's message. */
		check(reply, r + 1, length_of(r + 1));
	}
	return 0;
}

static long replyrecv_func(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	for (seL4_Word r = 0; r < ROUNDS; r++) {
		check(info, r, length_of(r));
		fill(r + 1, length_of(r + 1));
		seL4_MessageInfo_t reply = seL4_MessageInfo_new(r + 2, 0, 0, length_of(r + 1));
		if (r + 1 < ROUNDS)
			info = seL4_ReplyRecv(ep, reply, NULL);
		else
			seL4_Reply(reply);
	}
	return 0;
}

static long reply_and_wait_func(seL4_Word ep, seL4_Word unused1, seL4_Word unused2,
				seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	for (seL4_Word r = 0; r < ROUNDS; r++) {
		check(seL4_Recv(ep, NULL), r, length_of(r));
		fill(r + 1, length_of(r + 1));
		seL4_Reply(seL4_MessageInfo_new(r + 2, 0, 0, length_of(r + 1)));
	}
	return 0;
}

/* Run a sender in one child PD and a receiver in another. */
static void test_ipc_pair(helper_fn_t a_fn, helper_fn_t b_fn)
{
	struct child_pd *pa = child_pd_create(seL4_CapInitThreadASIDPool);
	struct child_pd *pb = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pa && pb);
	seL4_CPtr ep = alloc_endpoint();
	struct helper a, b;
	helper_create_in(&a, pa);
	helper_create_in(&b, pb);
	seL4_CPtr ep_a = child_pd_copy(pa, ep), ep_b = child_pd_copy(pb, ep);
	helper_start(&b, b_fn, ep_b, 0, 0, 0);
	helper_start(&a, a_fn, ep_a, 0, 0, 0);
	helper_wait(&a);
	helper_wait(&b);
	helper_cleanup(&a);
	helper_cleanup(&b);
	release_slot(ep);
	child_pd_destroy(pa);
	child_pd_destroy(pb);
}

static void test_send_wait_interas(void)
{
	test_ipc_pair(send_func, wait_func);
}
DEFINE_TEST(IPC1001, "inter-AS seL4_Send + seL4_Recv", test_send_wait_interas);

static void test_call_replyrecv_interas(void)
{
	test_ipc_pair(call_func, replyrecv_func);
}
DEFINE_TEST(IPC1002, "inter-AS seL4_Call + seL4_ReplyRecv", test_call_replyrecv_interas);

static void test_call_reply_and_wait_interas(void)
{
	test_ipc_pair(call_func, reply_and_wait_func);
}
DEFINE_TEST(IPC1003, "inter-AS seL4_Call + seL4_Reply + seL4_Recv",
	    test_call_reply_and_wait_interas);

/* IPC0004's pairs (t_ipc.c) with the sender and the waiter in PDs of their own. */
static void test_nbsend_wait_interas(void)
{
	nbsend_recv_pair(true);
}
DEFINE_TEST(IPC1004, "Test inter-AS seL4_NBSend + seL4_Recv", test_nbsend_wait_interas);

/* A cap sent from one PD lands in the receiver's own CSpace. */
static long send_cap(seL4_Word ep, seL4_Word cap, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	seL4_SetCap(0, cap);
	seL4_SetMR(0, 77);
	seL4_Send(ep, seL4_MessageInfo_new(0, 0, 1, 1));
	return 0;
}

/* Receive into slot of the receiver's CNode, which it names by cnode. */
static long recv_cap(seL4_Word ep, seL4_Word cnode, seL4_Word slot, seL4_Word unused3)
{
	(void)unused3;
	seL4_SetCapReceivePath(cnode, slot, CHILD_CNODE_BITS);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	check_eq(seL4_MessageInfo_get_extraCaps(info), 1);
	check_eq(seL4_GetMR(0), 77);
	return (long)seL4_DebugCapIdentify(slot);
}

static void test_cap_transfer_interas(void)
{
	struct child_pd *pa = child_pd_create(seL4_CapInitThreadASIDPool);
	struct child_pd *pb = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pa && pb);
	seL4_CPtr ep = alloc_endpoint(), ntfn = alloc_notification();
	struct helper a, b;
	helper_create_in(&a, pa);
	helper_create_in(&b, pb);
	seL4_CPtr ep_a = child_pd_copy(pa, ep), ntfn_a = child_pd_copy(pa, ntfn);
	seL4_CPtr ep_b = child_pd_copy(pb, ep);
	seL4_CPtr cnode_b = child_pd_copy(pb, child_pd_cspace(pb));
	const seL4_Word slot = (1ul << CHILD_CNODE_BITS) - 1; /* never handed out */
	helper_start(&b, recv_cap, ep_b, cnode_b, slot, 0);
	helper_start(&a, send_cap, ep_a, ntfn_a, 0, 0);
	helper_wait(&a);
	test_eq(helper_wait(&b), seL4_CapType_Notification);
	/* The root task sees it in the child's CNode, at that slot. */
	seL4_CPtr check = alloc_slot();
	test_eq(seL4_CNode_Move(ROOT_CNODE, check, WORD_BITS, child_pd_cspace(pb), slot,
				CHILD_CNODE_BITS),
		seL4_NoError);
	test_eq(cap_type(check), seL4_CapType_Notification);
	release_slot(check);
	helper_cleanup(&a);
	helper_cleanup(&b);
	release_slot(ep);
	release_slot(ntfn);
	child_pd_destroy(pa);
	child_pd_destroy(pb);
}
DEFINE_TEST(IPC1011, "a cap sent between PDs lands in the receiver's CSpace",
	    test_cap_transfer_interas);
