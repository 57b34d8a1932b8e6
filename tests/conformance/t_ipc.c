/* IPC over endpoints: Send, Recv, Call, Reply, ReplyRecv, NBSend, NBRecv, caps. */
#include "test.h"

#define MAGIC 0x5a5a0000ul

/* --- helpers ------------------------------------------------------------ */

static long send_words(seL4_Word ep, seL4_Word count, seL4_Word base, seL4_Word rounds)
{
	for (seL4_Word r = 0; r < rounds; r++) {
		for (seL4_Word i = 0; i < count; i++)
			seL4_SetMR((int)i, base + r * 1000 + i);
		seL4_Send(ep, seL4_MessageInfo_new(r + 1, 0, 0, count));
	}
	return 0;
}

static long recv_words(seL4_Word ep, seL4_Word count, seL4_Word base, seL4_Word rounds)
{
	for (seL4_Word r = 0; r < rounds; r++) {
		seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
		check_eq(seL4_MessageInfo_get_length(info), count);
		check_eq(seL4_MessageInfo_get_label(info), r + 1);
		for (seL4_Word i = 0; i < count; i++)
			check_eq(seL4_GetMR((int)i), base + r * 1000 + i);
	}
	return 0;
}

static void check_message(seL4_MessageInfo_t info, seL4_Word label, seL4_Word count, seL4_Word base)
{
	test_eq(seL4_MessageInfo_get_label(info), label);
	test_eq(seL4_MessageInfo_get_length(info), count);
	for (seL4_Word i = 0; i < count; i++)
		test_eq(seL4_GetMR((int)i), base + i);
}

/* --- IPC0001-0004 ------------------------------------------------------- */

static void test_send_recv(void)
{
	seL4_CPtr ep = alloc_endpoint();
	struct helper h;
	helper_create(&h);
	for (seL4_Word len = 0; len <= seL4_MsgMaxLength; len += 17) {
		helper_start(&h, send_words, ep, len, MAGIC, 3);
		for (seL4_Word r = 0; r < 3; r++) {
			seL4_Word badge = 1;
			seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
			test_eq(badge, 0);
			check_message(info, r + 1, len, MAGIC + r * 1000);
		}
		helper_wait(&h);
	}
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0001, "seL4_Send + seL4_Recv, every message length", test_send_recv);

static long call_rounds(seL4_Word ep, seL4_Word rounds, seL4_Word len, seL4_Word unused)
{
	(void)unused;
	for (seL4_Word r = 0; r < rounds; r++) {
		for (seL4_Word i = 0; i < len; i++)
			seL4_SetMR((int)i, r * 100 + i);
		seL4_MessageInfo_t reply = seL4_Call(ep, seL4_MessageInfo_new(7, 0, 0, len));
		check_eq(seL4_MessageInfo_get_label(reply), r);
		check_eq(seL4_MessageInfo_get_length(reply), len);
		for (seL4_Word i = 0; i < len; i++)
			check_eq(seL4_GetMR((int)i), ~(r * 100 + i));
	}
	return 0;
}

static void test_call_replyrecv(void)
{
	seL4_CPtr ep = alloc_endpoint();
	struct helper h;
	helper_create(&h);
	const seL4_Word rounds = 20, len = 9;
	helper_start(&h, call_rounds, ep, rounds, len, 0);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	for (seL4_Word r = 0; r < rounds; r++) {
		test_eq(seL4_MessageInfo_get_label(info), 7);
		test_eq(seL4_MessageInfo_get_length(info), len);
		for (seL4_Word i = 0; i < len; i++) {
			test_eq(seL4_GetMR((int)i), r * 100 + i);
			seL4_SetMR((int)i, ~(r * 100 + i));
		}
		seL4_MessageInfo_t reply = seL4_MessageInfo_new(r, 0, 0, len);
		if (r + 1 < rounds) {
			info = seL4_ReplyRecv(ep, reply, NULL);
		} else {
			seL4_Reply(reply);
		}
	}
	helper_wait(&h);
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0002, "seL4_Call + seL4_ReplyRecv", test_call_replyrecv);

static void test_call_reply_recv_separate(void)
{
	seL4_CPtr ep = alloc_endpoint();
	struct helper h;
	helper_create(&h);
	const seL4_Word rounds = 10, len = 5;
	helper_start(&h, call_rounds, ep, rounds, len, 0);
	for (seL4_Word r = 0; r < rounds; r++) {
		seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
		test_eq(seL4_MessageInfo_get_length(info), len);
		for (seL4_Word i = 0; i < len; i++)
			seL4_SetMR((int)i, ~(r * 100 + i));
		seL4_Reply(seL4_MessageInfo_new(r, 0, 0, len));
	}
	helper_wait(&h);
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0003, "seL4_Call + seL4_Reply + seL4_Recv", test_call_reply_recv_separate);

/*
 * sel4test's test_ipc_pair for NBSend + Recv, on one CPU: a sender at each
 * priority from 98 to 102 against a waiter at 100, each started first and
 * second. A waiter above its sender runs first and blocks in Recv, so it
 * gets every message of every length (each NBSend finds it waiting); at
 * the sender's priority or below it does not wait, and the messages are
 * dropped (NBSend never blocks).
 */
#define WAITER_PRIO 100

static long nbsend_func(seL4_Word ep, seL4_Word seed, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	for (seL4_Word len = 0; len <= seL4_MsgMaxLength; len++) {
		for (seL4_Word i = 0; i < len; i++)
			seL4_SetMR((int)i, seed++);
		seL4_NBSend(ep, seL4_MessageInfo_new(0, 0, 0, len));
	}
	return 0;
}

/* Receive a message of every length if it should wait: the number of wrong lengths and words. */
static long nbwait_func(seL4_Word ep, seL4_Word seed, seL4_Word unused2, seL4_Word should_wait)
{
	(void)unused2;
	long wrong = 0;
	for (seL4_Word len = 0; should_wait && len <= seL4_MsgMaxLength; len++) {
		seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
		wrong += seL4_MessageInfo_get_length(info) != len;
		for (seL4_Word i = 0; i < len; i++)
			wrong += seL4_GetMR((int)i) != seed++;
	}
	return wrong;
}

void nbsend_recv_pair(bool inter_as)
{
	struct child_pd *pa = NULL, *pb = NULL;
	struct helper a, b;
	seL4_CPtr ep = alloc_endpoint(), ep_a = ep, ep_b = ep;
	if (inter_as) {
		pa = child_pd_create(seL4_CapInitThreadASIDPool);
		pb = child_pd_create(seL4_CapInitThreadASIDPool);
		test_assert(pa && pb);
		helper_create_in(&a, pa);
		helper_create_in(&b, pb);
		ep_a = child_pd_copy(pa, ep);
		ep_b = child_pd_copy(pb, ep);
	} else {
		helper_create(&a);
		helper_create(&b);
	}
	seL4_Word start_number = 0xabbacafe;
	for (seL4_Word sender_prio = 98; sender_prio <= 102; sender_prio++) {
		seL4_TCB_SetPriority(a.tcb, ROOT_TCB, sender_prio);
		seL4_TCB_SetPriority(b.tcb, ROOT_TCB, WAITER_PRIO);
		seL4_Word should_wait = sender_prio < WAITER_PRIO;
		for (int sender_first = 0; sender_first <= 1; sender_first++) {
			/* At one priority, the thread started last runs first (the head of the
			 * queue). */
			if (sender_first) {
				helper_start(&b, nbwait_func, ep_b, start_number, 0, should_wait);
				helper_start(&a, nbsend_func, ep_a, start_number, 0, 0);
			} else {
				helper_start(&a, nbsend_func, ep_a, start_number, 0, 0);
				helper_start(&b, nbwait_func, ep_b, start_number, 0, should_wait);
			}
			test_eq(helper_wait(&a), 0);
			test_eq(helper_wait(&b), 0);
			start_number += 0x71717171;
		}
	}
	helper_cleanup(&a);
	helper_cleanup(&b);
	release_slot(ep);
	if (inter_as) {
		child_pd_destroy(pa);
		child_pd_destroy(pb);
	}
}

static void test_nbsend_recv(void)
{
	nbsend_recv_pair(false);
}
DEFINE_TEST(IPC0004, "Test seL4_NBSend + seL4_Recv", test_nbsend_recv);

/* --- Ordering, badges, lengths ----------------------------------------- */

static long send_one(seL4_Word ep, seL4_Word value, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	seL4_SetMR(0, value);
	seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 1));
	return 0;
}

static void test_fifo_senders(void)
{
	seL4_CPtr ep = alloc_endpoint();
	struct helper h[4];
	for (int i = 0; i < 4; i++) {
		helper_create(&h[i]);
		helper_start(&h[i], send_one, ep, (seL4_Word)i, 0, 0);
		/* Queue them in a known order. */
		test_assert(wait_for_state(h[i].tcb, 4 /* BlockedOnSend */));
	}
	for (int i = 0; i < 4; i++) {
		seL4_Recv(ep, NULL);
		test_eq(seL4_GetMR(0), i);
	}
	for (int i = 0; i < 4; i++) {
		helper_wait(&h[i]);
		helper_cleanup(&h[i]);
	}
}
DEFINE_TEST(IPC0101, "senders queued on an endpoint are served in FIFO order", test_fifo_senders);

static void test_badges(void)
{
	seL4_CPtr ep = alloc_endpoint();
	seL4_CPtr b1 = alloc_slot(), b2 = alloc_slot();
	test_eq(cnode_mint(ep, b1, seL4_AllRights, 0x1111), seL4_NoError);
	test_eq(cnode_mint(ep, b2, seL4_AllRights, 0xfffffffffffffull), seL4_NoError);
	struct helper h;
	helper_create(&h);
	seL4_CPtr senders[] = {b1, b2, ep};
	seL4_Word expected[] = {0x1111, 0xfffffffffffffull, 0};
	for (int i = 0; i < 3; i++) {
		helper_start(&h, send_one, senders[i], 5, 0, 0);
		seL4_Word badge = 12345;
		seL4_Recv(ep, &badge);
		test_eq(badge, expected[i]);
		helper_wait(&h);
	}
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0102, "badged endpoint caps deliver their badge", test_badges);

static void test_no_ipc_buffer_truncates(void)
{
	/* A receiver without an IPC buffer gets the four register words only. */
	seL4_CPtr ep = alloc_endpoint();
	struct helper h;
	helper_create(&h);
	test_eq(seL4_TCB_SetIPCBuffer(h.tcb, 0, 0), seL4_NoError);
	helper_start(&h, send_words, ep, 10, MAGIC, 1);
	/* The helper's own IPC buffer pointer is still set in user land; the
	 * kernel ignores it, so the sender's words beyond four never arrive. */
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_length(info), 4);
	for (int i = 0; i < 4; i++)
		test_eq(seL4_GetMR(i), MAGIC + (seL4_Word)i);
	helper_wait(&h);
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0103, "a sender without IPC buffer sends four words", test_no_ipc_buffer_truncates);

/* --- Capability transfer ------------------------------------------------ */

static long send_caps(seL4_Word ep, seL4_Word count, seL4_Word c0, seL4_Word c1)
{
	seL4_SetMR(0, MAGIC);
	seL4_SetCap(0, c0);
	seL4_SetCap(1, c1);
	seL4_SetCap(2, c1);
	seL4_Send(ep, seL4_MessageInfo_new(0, 0, count, 1));
	return 0;
}

static void test_cap_transfer(void)
{
	seL4_CPtr ep = alloc_endpoint(), ntfn = alloc_notification();
	seL4_CPtr recv = alloc_slot();
	struct helper h;
	helper_create(&h);
	helper_start(&h, send_caps, ep, 1, ntfn, 0);
	set_cap_receive_path(recv);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_extraCaps(info), 1);
	test_eq(seL4_MessageInfo_get_capsUnwrapped(info), 0);
	test_eq(seL4_MessageInfo_get_length(info), 1);
	test_eq(seL4_GetMR(0), MAGIC);
	test_eq(cap_type(recv), seL4_CapType_Notification);
	/* The received cap works: signal through it, wait on the original. */
	seL4_Signal(recv);
	seL4_Word badge;
	seL4_Poll(ntfn, &badge);
	test_eq(badge, 0);
	helper_wait(&h);
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0111, "one capability lands in the receive slot", test_cap_transfer);

static void test_cap_unwrap(void)
{
	/* Caps to the endpoint the message travels on arrive as badges only. */
	seL4_CPtr ep = alloc_endpoint(), badged = alloc_slot(), ntfn = alloc_notification();
	test_eq(cnode_mint(ep, badged, seL4_AllRights, 0x42), seL4_NoError);
	seL4_CPtr recv = alloc_slot();
	struct helper h;
	helper_create(&h);
	helper_start(&h, send_caps, ep, 3, badged, ntfn);
	set_cap_receive_path(recv);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	/* cap 0 unwrapped, cap 1 transferred, cap 2 has nowhere to go */
	test_eq(seL4_MessageInfo_get_extraCaps(info), 2);
	test_eq(seL4_MessageInfo_get_capsUnwrapped(info), 1);
	test_eq(seL4_GetBadge(0), 0x42);
	test_eq(cap_type(recv), seL4_CapType_Notification);
	helper_wait(&h);
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0112, "caps to the receiving endpoint are unwrapped, one slot is filled",
	    test_cap_unwrap);

static void test_cap_receive_slot_full(void)
{
	seL4_CPtr ep = alloc_endpoint(), ntfn = alloc_notification();
	seL4_CPtr recv = alloc_endpoint(); /* occupied */
	struct helper h;
	helper_create(&h);
	helper_start(&h, send_caps, ep, 1, ntfn, 0);
	set_cap_receive_path(recv);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_extraCaps(info), 0);
	test_eq(seL4_MessageInfo_get_length(info), 1);
	test_eq(cap_type(recv), seL4_CapType_Endpoint);
	helper_wait(&h);
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0113, "no capability arrives when the receive slot is occupied",
	    test_cap_receive_slot_full);

/* --- Reply capabilities --------------------------------------------------- */

static long call_once(seL4_Word ep, seL4_Word value, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	seL4_SetMR(0, value);
	seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
	return (long)seL4_GetMR(0) + (long)seL4_MessageInfo_get_label(info);
}

static void test_save_caller(void)
{
	seL4_CPtr ep = alloc_endpoint(), saved = alloc_slot();
	struct helper h;
	helper_create(&h);
	helper_start(&h, call_once, ep, 10, 0, 0);
	seL4_Recv(ep, NULL);
	test_eq(seL4_CNode_SaveCaller(ROOT_CNODE, saved, WORD_BITS), seL4_NoError);
	test_eq(cap_type(saved), seL4_CapType_Reply);
	test_eq(sim_DebugThreadState(h.tcb), 5 /* BlockedOnReply */);
	/* Replying through the saved cap: a Send on it. */
	seL4_SetMR(0, 32);
	seL4_Send(saved, seL4_MessageInfo_new(0, 0, 0, 1));
	test_eq(helper_wait(&h), 32);
	test_assert(slot_empty(saved));
	/* Without a caller nothing is saved; an occupied slot is refused. */
	test_eq(seL4_CNode_SaveCaller(ROOT_CNODE, saved, WORD_BITS), seL4_NoError);
	test_assert(slot_empty(saved));
	test_eq(seL4_CNode_SaveCaller(ROOT_CNODE, ROOT_TCB, WORD_BITS), seL4_DeleteFirst);
	helper_cleanup(&h);
}
DEFINE_TEST(CNODEOP0009, "seL4_CNode_SaveCaller keeps a reply cap that replies later",
	    test_save_caller);

static void test_reply_cap_dropped_by_recv(void)
{
	/* Receiving again discards the unused reply cap: the caller stays blocked. */
	seL4_CPtr ep = alloc_endpoint();
	struct helper h, h2;
	helper_create(&h);
	helper_create(&h2);
	helper_start(&h, call_once, ep, 1, 0, 0);
	seL4_Recv(ep, NULL);
	helper_start(&h2, send_one, ep, 2, 0, 0);
	seL4_Recv(ep, NULL);
	test_eq(seL4_GetMR(0), 2);
	seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0)); /* no caller left: nothing happens */
	test_eq(sim_DebugThreadState(h.tcb), 5 /* BlockedOnReply */);
	helper_cleanup(&h);
	helper_wait(&h2);
	helper_cleanup(&h2);
}
DEFINE_TEST(IPC0121, "a second Recv discards the pending reply cap",
	    test_reply_cap_dropped_by_recv);

static long replyrecv_server(seL4_Word ep, seL4_Word rounds, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	seL4_Word badge;
	seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
	for (seL4_Word i = 0; i < rounds; i++) {
		seL4_SetMR(0, seL4_GetMR(0) * 2 + badge);
		info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
	}
	(void)info;
	return 0;
}

static void test_server_badges(void)
{
	seL4_CPtr ep = alloc_endpoint(), b = alloc_slot();
	test_eq(cnode_mint(ep, b, seL4_AllRights, 3), seL4_NoError);
	struct helper h;
	helper_create(&h);
	helper_start(&h, replyrecv_server, ep, 5, 0, 0);
	for (seL4_Word i = 0; i < 5; i++) {
		seL4_SetMR(0, i);
		seL4_Call(i & 1 ? b : ep, seL4_MessageInfo_new(0, 0, 0, 1));
		test_eq(seL4_GetMR(0), i * 2 + (i & 1 ? 3 : 0));
	}
	helper_cleanup(&h);
}
DEFINE_TEST(IPC0122, "a server sees each caller's badge", test_server_badges);

/* --- IPCRIGHTS0001-0005 ---------------------------------------------------- */

static long recv_words(seL4_Word ep, seL4_Word count, seL4_Word base, seL4_Word rounds);

static void test_send_needs_write(void)
{
	seL4_CPtr ep = alloc_endpoint();
	for (seL4_Word w = 0; w < 16; w++) {
		seL4_CPtr m = alloc_slot();
		seL4_CapRights_t rights = {{w}};
		test_eq(cnode_mint(ep, m, rights, 0), seL4_NoError);
		struct helper h;
		helper_create(&h);
		helper_start(&h, recv_words, ep, 1, MAGIC, 1);
		test_assert(wait_for_state(h.tcb, 3 /* BlockedOnReceive */));
		if (!seL4_CapRights_get_capAllowWrite(rights)) {
			/* A Call fails at once with InvalidCapability ... */
			seL4_MessageInfo_t info = seL4_Call(m, seL4_MessageInfo_new(0, 0, 0, 0));
			test_eq(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
			test_eq(seL4_GetMR(0), 0);
			/* ... and a Send reaches nobody. */
			seL4_SetMR(0, 0xbad);
			seL4_Send(m, seL4_MessageInfo_new(1, 0, 0, 1));
			test_eq(sim_DebugThreadState(h.tcb), 3 /* still BlockedOnReceive */);
			seL4_SetMR(0, MAGIC);
			seL4_Send(ep, seL4_MessageInfo_new(1, 0, 0, 1));
		} else {
			seL4_SetMR(0, MAGIC);
			seL4_Send(m, seL4_MessageInfo_new(1, 0, 0, 1));
		}
		helper_wait(&h);
		helper_cleanup(&h);
		cnode_delete(m);
	}
}
DEFINE_TEST(IPCRIGHTS0001, "seL4_Send needs Write", test_send_needs_write);

static long recv_on(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Word badge;
	seL4_Recv(ep, &badge);
	return (long)seL4_GetMR(0);
}

static void test_recv_needs_read(void)
{
	seL4_CPtr ep = alloc_endpoint(), fault_ep = alloc_endpoint();
	for (seL4_Word w = 0; w < 4; w++) {
		seL4_CapRights_t rights = {{w}};
		seL4_CPtr m = alloc_slot();
		test_eq(cnode_mint(ep, m, rights, 0), seL4_NoError);
		struct helper h;
		helper_create(&h);
		test_eq(seL4_TCB_SetSpace(h.tcb, fault_ep, ROOT_CNODE, 0, ROOT_VSPACE, 0),
			seL4_NoError);
		helper_start(&h, recv_on, m, 0, 0, 0);
		if (seL4_CapRights_get_capAllowRead(rights)) {
			test_assert(wait_for_state(h.tcb, 3 /* BlockedOnReceive */));
			seL4_SetMR(0, MAGIC);
			seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 1));
			test_eq(helper_wait(&h), MAGIC);
		} else {
			/* A cap fault in the receive phase goes to the fault endpoint. */
			seL4_MessageInfo_t info = seL4_Recv(fault_ep, NULL);
			test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
			test_eq(seL4_GetMR(seL4_CapFault_Addr), m);
			test_eq(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
			test_eq(seL4_GetMR(seL4_CapFault_LookupFailureType),
				seL4_MissingCapability);
		}
		helper_cleanup(&h);
		cnode_delete(m);
	}
}
DEFINE_TEST(IPCRIGHTS0002, "seL4_Recv needs Read", test_recv_needs_read);

static void test_send_cap_needs_grant(void)
{
	seL4_CPtr ep = alloc_endpoint(), ntfn = alloc_notification();
	for (seL4_Word w = 0; w < 16; w++) {
		seL4_CapRights_t rights = {{w}};
		if (!seL4_CapRights_get_capAllowWrite(rights))
			continue;
		seL4_CPtr m = alloc_slot(), recv = alloc_slot();
		test_eq(cnode_mint(ep, m, rights, 0), seL4_NoError);
		struct helper h;
		helper_create(&h);
		helper_start(&h, send_caps, m, 1, ntfn, 0);
		set_cap_receive_path(recv);
		seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
		test_eq(seL4_GetMR(0), MAGIC);
		if (seL4_CapRights_get_capAllowGrant(rights)) {
			test_eq(seL4_MessageInfo_get_extraCaps(info), 1);
			test_eq(cap_type(recv), seL4_CapType_Notification);
		} else {
			test_eq(seL4_MessageInfo_get_extraCaps(info), 0);
			test_assert(slot_empty(recv));
		}
		helper_wait(&h);
		helper_cleanup(&h);
		cnode_delete(m);
		cnode_delete(recv);
	}
}
DEFINE_TEST(IPCRIGHTS0003, "seL4_Send with caps needs Grant", test_send_cap_needs_grant);

static void test_call_needs_grant_or_grant_reply(void)
{
	seL4_CPtr ep = alloc_endpoint();
	for (seL4_Word w = 0; w < 16; w++) {
		seL4_CapRights_t rights = {{w}};
		if (!seL4_CapRights_get_capAllowWrite(rights))
			continue;
		seL4_CPtr m = alloc_slot();
		test_eq(cnode_mint(ep, m, rights, 0), seL4_NoError);
		struct helper h;
		helper_create(&h);
		helper_start(&h, call_once, m, 9, 0, 0);
		seL4_Recv(ep, NULL);
		test_eq(seL4_GetMR(0), 9);
		bool reply = seL4_CapRights_get_capAllowGrant(rights) ||
			     seL4_CapRights_get_capAllowGrantReply(rights);
		if (reply) {
			test_eq(sim_DebugThreadState(h.tcb), 5 /* BlockedOnReply */);
			seL4_SetMR(0, 1);
			seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
			test_eq(helper_wait(&h), 1);
		} else {
			/* No reply cap: the caller is left inactive. */
			test_eq(sim_DebugThreadState(h.tcb), 0 /* Inactive */);
		}
		helper_cleanup(&h);
		cnode_delete(m);
	}
}
DEFINE_TEST(IPCRIGHTS0004, "seL4_Call needs Grant or GrantReply",
	    test_call_needs_grant_or_grant_reply);

static long call_with_slot(seL4_Word ep, seL4_Word recv, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	set_cap_receive_path(recv);
	seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
	return (long)seL4_MessageInfo_get_extraCaps(info);
}

static void test_reply_grant_follows_recv(void)
{
	/* A reply can carry a cap only if the server's Recv cap had Grant. */
	seL4_CPtr ep = alloc_endpoint(), ntfn = alloc_notification();
	for (int grant = 0; grant < 2; grant++) {
		seL4_CPtr m = alloc_slot(), recv = alloc_slot();
		seL4_CapRights_t rights = seL4_CapRights_new(0, (seL4_Word)grant, 1, 1);
		test_eq(cnode_mint(ep, m, rights, 0), seL4_NoError);
		struct helper h;
		helper_create(&h);
		helper_start(&h, call_with_slot, ep, recv, 0, 0);
		seL4_Recv(m, NULL);
		seL4_SetCap(0, ntfn);
		seL4_Reply(seL4_MessageInfo_new(0, 0, 1, 0));
		test_eq(helper_wait(&h), grant);
		test_eq(cap_type(recv), grant ? seL4_CapType_Notification : seL4_CapType_Null);
		helper_cleanup(&h);
		cnode_delete(m);
		cnode_delete(recv);
	}
}
DEFINE_TEST(IPCRIGHTS0005, "seL4_Reply can grant only if the Recv cap had Grant",
	    test_reply_grant_follows_recv);
