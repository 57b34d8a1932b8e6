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

/*
 * Two waiters above the root task (which goes below them) have blocked on
 * the notification, in order, when it continues; a signal wakes the first.
 */
static void test_signal_wakes_one(void)
{
	seL4_CPtr n = alloc_notification(), b = alloc_slot();
	test_eq(cnode_mint(n, b, seL4_AllRights, 0x10), seL4_NoError);
	struct helper h[2];
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, HELPER_PRIO - 1);
	for (int i = 0; i < 2; i++) {
		helper_create(&h[i]);
		helper_start(&h[i], wait_on, n, 0, 0, 0);
	}
	seL4_Signal(b);
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO);
	test_eq(helper_wait(&h[0]), 0x10); /* the first waiter, FIFO */
	test_eq(h[1].finished, 0);
	seL4_Signal(n);
	test_eq(helper_wait(&h[1]), 0);
	for (int i = 0; i < 2; i++)
		helper_cleanup(&h[i]);
	release_slot(b);
	release_slot(n);
}
DEFINE_TEST(NTFN0002, "a signal wakes one waiter, in FIFO order", test_signal_wakes_one);

static long send_once(seL4_Word ep, seL4_Word msg, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	seL4_SetMR(0, msg);
	seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 1));
	return 0;
}

/*
 * sel4test's NBWAIT0001: NBRecv on an endpoint and Poll on a notification
 * return at once; bound to the notification, an NBRecv on the endpoint gets
 * a pending signal; a helper that got our priority while we went one below
 * it has run until it blocked in its Send, so NBRecv gets its message.
 */
static void test_nbwait(void)
{
	seL4_CPtr ep = alloc_endpoint(), n = alloc_notification();
	seL4_CPtr bep = alloc_slot(), bn = alloc_slot();
	test_eq(seL4_TCB_BindNotification(ROOT_TCB, n), seL4_NoError);
	test_eq(cnode_mint(ep, bep, seL4_AllRights, 1), seL4_NoError);
	test_eq(cnode_mint(n, bn, seL4_AllRights, 2), seL4_NoError);
	seL4_Word badge = 99;
	seL4_NBRecv(ep, &badge);
	test_eq(badge, 0);
	seL4_Poll(n, &badge);
	test_eq(badge, 0);
	seL4_Signal(bn);
	seL4_Poll(n, &badge);
	test_eq(badge, 2);
	seL4_Poll(n, &badge);
	test_eq(badge, 0);
	/* Bound: the signal comes through an NBRecv on the endpoint. */
	seL4_Signal(bn);
	seL4_NBRecv(ep, &badge);
	test_eq(badge, 2);
	seL4_NBRecv(ep, &badge);
	test_eq(badge, 0);
	struct helper h;
	helper_create(&h);
	helper_start(&h, send_once, bep, 0xdeadbeef, 0, 0);
	seL4_TCB_SetPriority(h.tcb, ROOT_TCB, ROOT_PRIO);
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO - 1); /* the helper runs */
	seL4_MessageInfo_t info = seL4_NBRecv(ep, &badge);
	test_eq(badge, 1);
	test_eq(seL4_MessageInfo_get_length(info), 1);
	test_eq(seL4_GetMR(0), 0xdeadbeef);
	seL4_NBRecv(ep, &badge);
	test_eq(badge, 0);
	helper_wait(&h);
	helper_cleanup(&h);
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO);
	test_eq(seL4_TCB_UnbindNotification(ROOT_TCB), seL4_NoError);
	release_slot(bep);
	release_slot(bn);
	release_slot(ep);
	release_slot(n);
}
DEFINE_TEST(NBWAIT0001, "Test seL4_NBRecv", test_nbwait);

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

/*
 * sel4test's BIND0001: bound to a notification, the root task receives on
 * an endpoint; two helpers one priority below send and signal. Each message
 * and each signal finds it waiting (it runs at once, the higher priority),
 * so every one arrives on its own.
 */
static void test_bound_recv_gets_both(void)
{
	seL4_CPtr ep = alloc_endpoint(), n = alloc_notification();
	seL4_CPtr bn = alloc_slot(), bep = alloc_slot();
	test_eq(cnode_mint(n, bn, seL4_AllRights, ASYNC), seL4_NoError);
	test_eq(cnode_mint(ep, bep, seL4_AllRights, SYNC), seL4_NoError);
	struct helper sync, async;
	helper_create(&sync);
	helper_create(&async);
	test_eq(seL4_TCB_BindNotification(ROOT_TCB, n), seL4_NoError);
	helper_start(&async, sender, bn, RUNS, 0, 0);
	helper_start(&sync, sender, bep, RUNS, 0, 0);
	int async_count = 0, sync_count = 0;
	for (int i = 0; i < RUNS * 2; i++) {
		seL4_Word badge = 0;
		seL4_Wait(ep, &badge);
		if (badge == ASYNC)
			async_count++;
		else if (badge == SYNC)
			sync_count++;
	}
	test_check(async_count == RUNS);
	test_check(sync_count == RUNS);
	test_eq(seL4_TCB_UnbindNotification(ROOT_TCB), seL4_NoError);
	helper_cleanup(&sync);
	helper_cleanup(&async);
	release_slot(bn);
	release_slot(bep);
	release_slot(ep);
	release_slot(n);
}
DEFINE_TEST(BIND0001, "a bound TCB receiving on an endpoint gets IPC and signals",
	    test_bound_recv_gets_both);

/* sel4test's BIND0002: bound, waiting on its own notification, every signal arrives. */
static void test_bound_wait_on_notification(void)
{
	seL4_CPtr n = alloc_notification(), bn = alloc_slot();
	test_eq(cnode_mint(n, bn, seL4_AllRights, ASYNC), seL4_NoError);
	struct helper async;
	helper_create(&async);
	test_eq(seL4_TCB_BindNotification(ROOT_TCB, n), seL4_NoError);
	helper_start(&async, sender, bn, RUNS, 0, 0);
	int async_count = 0;
	for (int i = 0; i < RUNS; i++) {
		seL4_Word badge = 0;
		seL4_Wait(n, &badge);
		if (badge == ASYNC)
			async_count++;
	}
	test_check(async_count == RUNS);
	test_eq(seL4_TCB_UnbindNotification(ROOT_TCB), seL4_NoError);
	helper_cleanup(&async);
	release_slot(bn);
	release_slot(n);
}
DEFINE_TEST(BIND0002, "a bound TCB waiting on its notification receives signals",
	    test_bound_wait_on_notification);

static long bound_wait(seL4_Word n, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Word badge;
	seL4_Wait(n, &badge);
	return 0;
}

/*
 * sel4test's BIND0003/0004: a thread waits on its bound notification and
 * another signals it once; with the waiter above the sender it waits
 * first, below it the signal comes first. Either way both finish.
 */
static void bound_wait_prio(seL4_Word waiter_prio, seL4_Word sender_prio)
{
	seL4_CPtr n = alloc_notification();
	struct helper waiter, signaller;
	helper_create(&waiter);
	seL4_TCB_SetPriority(waiter.tcb, ROOT_TCB, waiter_prio);
	helper_create(&signaller);
	seL4_TCB_SetPriority(signaller.tcb, ROOT_TCB, sender_prio);
	test_eq(seL4_TCB_BindNotification(waiter.tcb, n), seL4_NoError);
	helper_start(&waiter, bound_wait, n, 0, 0, 0);
	helper_start(&signaller, sender, n, 1, 0, 0);
	test_eq(helper_wait(&waiter), 0);
	test_eq(helper_wait(&signaller), 0);
	helper_cleanup(&waiter);
	helper_cleanup(&signaller);
	release_slot(n);
}

static void test_bound_wait_first(void)
{
	bound_wait_prio(10, 9);
}
DEFINE_TEST(BIND0003, "IPC ordering: the bound TCB waits on its notification, then a signal",
	    test_bound_wait_first);

static void test_bound_signal_first(void)
{
	bound_wait_prio(9, 10);
}
DEFINE_TEST(BIND0004, "IPC ordering: a signal, then the bound TCB waits on its notification",
	    test_bound_signal_first);

static long bound_waiter(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Word badge = 0;
	seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
	return (long)(badge * 100 + seL4_MessageInfo_get_length(info));
}

/*
 * The bound thread receives on an endpoint; a signal comes before its
 * receive, or while it waits in it (it runs above the root task, which
 * goes below it: the helper has blocked when the root task continues).
 */
static void bound_ordering(bool signal_first)
{
	seL4_CPtr ep = alloc_endpoint(), n = alloc_notification(), bn = alloc_slot();
	test_eq(cnode_mint(n, bn, seL4_AllRights, ASYNC), seL4_NoError);
	struct helper w;
	helper_create(&w);
	test_eq(seL4_TCB_BindNotification(w.tcb, n), seL4_NoError);
	if (signal_first)
		seL4_Signal(bn); /* pending before the receive: the receive completes with it */
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, HELPER_PRIO - 1);
	helper_start(&w, bound_waiter, ep, 0, 0, 0);
	if (!signal_first)
		seL4_Signal(bn);
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO);
	test_eq(helper_wait(&w), ASYNC * 100);
	/* Nothing stays pending in the notification (only its bound TCB may wait on it). */
	test_eq(seL4_TCB_UnbindNotification(w.tcb), seL4_NoError);
	seL4_Word badge = 1;
	seL4_Poll(n, &badge);
	test_eq(badge, 0);
	helper_cleanup(&w);
	release_slot(bn);
	release_slot(ep);
	release_slot(n);
}

static void test_bound_signal_before(void)
{
	bound_ordering(true);
}
DEFINE_TEST(BIND0102, "signal to a bound TCB before it receives on an endpoint",
	    test_bound_signal_before);

static void test_bound_signal_while_blocked(void)
{
	bound_ordering(false);
}
DEFINE_TEST(BIND0103, "signal to a bound TCB blocked in an endpoint receive",
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
