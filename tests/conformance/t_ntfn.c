/* Notifications: Signal, Wait, Poll, NBRecv, bound notifications. */
#include "test.h"

static void test_signal_wait(void)
{
	seL4_CPtr n = alloc_notification();
	seL4_CPtr b1 = alloc_slot(), b2 = alloc_slot();
	test_eq(cnode_mint(n, b1, seL4_AllRights, 0x1), seL4_NoError);
	test_eq(cnode_mint(n, b2, seL4_AllRights, 0x6), seL4_NoError);
	seL4_Signal(b1);
	seL4_Signal(b2);
	seL4_Signal(b1);
	seL4_Word badge = 0;
	seL4_Wait(n, &badge);
	test_eq(badge, 0x7); /* badges are ORed while pending */
	seL4_Poll(n, &badge);
	test_eq(badge, 0); /* and the word is consumed */
}
DEFINE_TEST(NTFN0001, "signals OR their badges into the notification word", test_signal_wait);

static long wait_on(seL4_Word n, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Word badge = 0;
	seL4_Wait(n, &badge);
	return (long)badge;
}

static void test_signal_wakes_one(void)
{
	seL4_CPtr n = alloc_notification(), b = alloc_slot();
	test_eq(cnode_mint(n, b, seL4_AllRights, 0x10), seL4_NoError);
	struct helper h[2];
	for (int i = 0; i < 2; i++) {
		helper_create(&h[i]);
		helper_start(&h[i], wait_on, n, 0, 0, 0);
		test_assert(wait_for_state(h[i].tcb, 6 /* BlockedOnNotification */));
	}
	seL4_Signal(b);
	test_eq(helper_wait(&h[0]), 0x10); /* the first waiter, FIFO */
	test_eq(sim_DebugThreadState(h[1].tcb), 6);
	seL4_Signal(n);
	test_eq(helper_wait(&h[1]), 0);
	for (int i = 0; i < 2; i++)
		helper_cleanup(&h[i]);
}
DEFINE_TEST(NTFN0002, "a signal wakes one waiter, in FIFO order", test_signal_wakes_one);

static void test_nbwait(void)
{
	seL4_CPtr n = alloc_notification(), b = alloc_slot();
	test_eq(cnode_mint(n, b, seL4_AllRights, 0x80), seL4_NoError);
	seL4_Word badge = 99;
	seL4_NBRecv(n, &badge);
	test_eq(badge, 0);
	seL4_Signal(b);
	seL4_NBRecv(n, &badge);
	test_eq(badge, 0x80);
	seL4_NBRecv(n, &badge);
	test_eq(badge, 0);
	/* On an endpoint without sender, NBRecv returns at once as well. */
	seL4_CPtr ep = alloc_endpoint();
	badge = 99;
	seL4_NBRecv(ep, &badge);
	test_eq(badge, 0);
}
DEFINE_TEST(NBWAIT0001, "seL4_NBRecv on notifications and endpoints", test_nbwait);

static void test_signal_needs_write_wait_needs_read(void)
{
	seL4_CPtr n = alloc_notification(), ro = alloc_slot(), wo = alloc_slot();
	test_eq(cnode_mint(n, ro, seL4_CanRead, 0x3), seL4_NoError);
	test_eq(cnode_mint(n, wo, seL4_CanWrite, 0x4), seL4_NoError);
	seL4_MessageInfo_t info = seL4_Call(ro, seL4_MessageInfo_new(0, 0, 0, 0));
	test_eq(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
	seL4_Signal(wo);
	seL4_Word badge;
	seL4_Poll(ro, &badge);
	test_eq(badge, 0x4);
}
DEFINE_TEST(NTFN0003, "Signal needs Write, Wait needs Read",
	    test_signal_needs_write_wait_needs_read);

/* --- Bound notifications ------------------------------------------------- */

#define ASYNC 1
#define SYNC  2
#define RUNS  10

static long sender(seL4_Word ep, seL4_Word runs, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	for (seL4_Word i = 0; i < runs; i++)
		seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
	return 0;
}

static void test_bound_recv_gets_both(void)
{
	seL4_CPtr ep = alloc_endpoint(), n = alloc_notification();
	seL4_CPtr bn = alloc_slot(), bep = alloc_slot();
	test_eq(cnode_mint(n, bn, seL4_AllRights, ASYNC), seL4_NoError);
	test_eq(cnode_mint(ep, bep, seL4_AllRights, SYNC), seL4_NoError);
	test_eq(seL4_TCB_BindNotification(ROOT_TCB, n), seL4_NoError);
	struct helper s, a;
	helper_create(&s);
	helper_create(&a);
	helper_start(&s, sender, bep, RUNS, 0, 0);
	helper_start(&a, sender, bn, RUNS, 0, 0);
	int async = 0, sync = 0;
	while (sync < RUNS) {
		seL4_Word badge = 0;
		seL4_Wait(ep, &badge);
		if (badge == ASYNC)
			async++;
		else if (badge == SYNC)
			sync++;
		else
			test_fail(__FILE__, __LINE__, "unexpected badge %lu", (unsigned long)badge);
	}
	helper_wait(&s);
	helper_wait(&a);
	/* Signals that found the thread busy wait in the word, ORed into one. */
	seL4_Word badge = 0;
	seL4_Poll(n, &badge);
	test_check(badge == 0 || badge == ASYNC);
	test_check(async >= 1 || badge == ASYNC);
	test_eq(seL4_TCB_UnbindNotification(ROOT_TCB), seL4_NoError);
	helper_cleanup(&s);
	helper_cleanup(&a);
}
DEFINE_TEST(BIND0001, "a bound TCB receiving on an endpoint gets IPC and signals",
	    test_bound_recv_gets_both);

static void test_bound_wait_on_notification(void)
{
	seL4_CPtr n = alloc_notification(), bn = alloc_slot();
	test_eq(cnode_mint(n, bn, seL4_AllRights, ASYNC), seL4_NoError);
	test_eq(seL4_TCB_BindNotification(ROOT_TCB, n), seL4_NoError);
	struct helper a;
	helper_create(&a);
	helper_start(&a, sender, bn, 1, 0, 0);
	seL4_Word badge = 0;
	seL4_Wait(n, &badge);
	test_eq(badge, ASYNC);
	helper_wait(&a);
	test_eq(seL4_TCB_UnbindNotification(ROOT_TCB), seL4_NoError);
	helper_cleanup(&a);
}
DEFINE_TEST(BIND0002, "a bound TCB waiting on its notification receives signals",
	    test_bound_wait_on_notification);

static long bound_waiter(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Word badge = 0;
	seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
	return (long)(badge * 100 + seL4_MessageInfo_get_length(info));
}

/* The bound thread waits on an endpoint; a signal and a message race. */
static void bound_ordering(bool signal_first)
{
	seL4_CPtr ep = alloc_endpoint(), n = alloc_notification(), bn = alloc_slot();
	test_eq(cnode_mint(n, bn, seL4_AllRights, ASYNC), seL4_NoError);
	struct helper w;
	helper_create(&w);
	test_eq(seL4_TCB_BindNotification(w.tcb, n), seL4_NoError);
	if (signal_first) {
		/* Pending before the receive: the receive completes with the signal. */
		seL4_Signal(bn);
		helper_start(&w, bound_waiter, ep, 0, 0, 0);
		test_eq(helper_wait(&w), ASYNC * 100);
	} else {
		helper_start(&w, bound_waiter, ep, 0, 0, 0);
		test_assert(wait_for_state(w.tcb, 3 /* BlockedOnReceive */));
		seL4_Signal(bn);
		test_eq(helper_wait(&w), ASYNC * 100);
	}
	/* Nothing stays pending in the notification (only its bound TCB may wait on it). */
	test_eq(seL4_TCB_UnbindNotification(w.tcb), seL4_NoError);
	seL4_Word badge = 1;
	seL4_Poll(n, &badge);
	test_eq(badge, 0);
	helper_cleanup(&w);
}

static void test_bound_signal_before(void)
{
	bound_ordering(true);
}
DEFINE_TEST(BIND0003, "signal to a bound TCB before it receives", test_bound_signal_before);

static void test_bound_signal_while_blocked(void)
{
	bound_ordering(false);
}
DEFINE_TEST(BIND0004, "signal to a bound TCB blocked in an endpoint receive",
	    test_bound_signal_while_blocked);

static void test_bind_errors(void)
{
	seL4_CPtr n = alloc_notification(), n2 = alloc_notification(), ep = alloc_endpoint();
	seL4_CPtr ro = alloc_slot();
	test_eq(cnode_mint(n, ro, seL4_CanWrite, 0), seL4_NoError);
	struct helper h;
	helper_create(&h);
	test_eq(seL4_TCB_UnbindNotification(h.tcb), seL4_IllegalOperation);
	test_eq(seL4_TCB_BindNotification(h.tcb, ep), seL4_IllegalOperation);
	test_eq(seL4_TCB_BindNotification(h.tcb, ro), seL4_IllegalOperation);
	test_eq(seL4_TCB_BindNotification(h.tcb, n), seL4_NoError);
	test_eq(seL4_TCB_BindNotification(h.tcb, n2), seL4_IllegalOperation);
	test_eq(seL4_TCB_BindNotification(ROOT_TCB, n), seL4_IllegalOperation);
	/* Another thread cannot wait on a notification bound to someone else. */
	test_eq(seL4_TCB_UnbindNotification(h.tcb), seL4_NoError);
	test_eq(seL4_TCB_BindNotification(ROOT_TCB, n), seL4_NoError);
	test_eq(seL4_TCB_UnbindNotification(ROOT_TCB), seL4_NoError);
	helper_cleanup(&h);
}
DEFINE_TEST(BIND0101, "BindNotification and UnbindNotification errors", test_bind_errors);
