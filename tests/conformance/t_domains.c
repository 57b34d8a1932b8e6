/*
 * seL4's domain scheduler, on a kernel with more than one domain
 * (kernel-sim --domains N; tests/system/conformance.sh runs these with
 * --domains 4): sel4test's DOMAINS0000 and DOMAINS9999 (configuring the
 * schedule, its errors, and the reset to seL4's boot schedule), and
 * kernel-sim's own cases that only the current domain's threads run, a
 * higher thread in another domain included, and that a domain's time runs
 * out while its CPU idles. The kernel's domain count and schedule size are
 * read from the range errors of invalid calls, which change nothing.
 */
#include "test.h"

#define DOM_WAIT_NS (20ull * 1000 * 1000 * 1000) /* the bound of a wait for an event */

static seL4_Word range_max(seL4_Error e)
{
	return e == seL4_RangeError ? seL4_GetMR(1) : 0;
}

/* CONFIG_NUM_DOMAINS: an invalid domain's RangeError names the last valid one. */
static seL4_Word num_domains(void)
{
	return range_max(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 255, 1)) + 1;
}

/* CONFIG_NUM_DOMAIN_SCHEDULES: an invalid start index's RangeError names the last. */
static seL4_Word num_schedules(void)
{
	return range_max(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, ~0ul)) + 1;
}

static bool domains(void)
{
	return num_domains() > 1;
}

/* --- DOMAINS0000 / DOMAINS9999 ------------------------------------------------ */

#define DURATION 2 /* ticks */
#define D0	 (DURATION * 10)
#define D1	 (DURATION * 4)
#define D2	 (DURATION * 3)
#define D3	 (DURATION * 2)

static void configure_domain_schedules(void)
{
	seL4_Word doms = num_domains(), entries = num_schedules();
	seL4_Word off = entries - doms - 1; /* the new schedule at the end */
	seL4_CPtr d = seL4_CapDomain;
	test_assert(doms < entries);
	/* ScheduleSetStart: the default index succeeds, a wrong one fails, an end marker too. */
	test_eq(seL4_DomainSet_ScheduleSetStart(d, 0), seL4_NoError);
	test_eq(seL4_DomainSet_ScheduleSetStart(d, ~0ul), seL4_RangeError);
	test_eq(seL4_DomainSet_ScheduleSetStart(d, entries), seL4_RangeError);
	test_eq(seL4_DomainSet_ScheduleSetStart(d, 1), seL4_InvalidArgument);
	/* ScheduleConfigure: a wrong index, the last one (always an end marker). */
	test_eq(seL4_DomainSet_ScheduleConfigure(d, ~0ul, 0, D0), seL4_RangeError);
	test_eq(seL4_DomainSet_ScheduleConfigure(d, entries - 1, 0, D0), seL4_RangeError);
	/* The starting entry's duration must not be zero. */
	test_eq(seL4_DomainSet_ScheduleConfigure(d, 0, 0, 0), seL4_InvalidArgument);
	/* A wrong domain. */
	test_eq(seL4_DomainSet_ScheduleConfigure(d, 0, 255, D0), seL4_RangeError);
	test_eq(seL4_DomainSet_ScheduleConfigure(d, 0, (seL4_Uint8)(doms + 1), D0),
		seL4_RangeError);
	/* An end marker is a zero domain and duration. */
	test_eq(seL4_DomainSet_ScheduleConfigure(d, 1, 1, 0), seL4_InvalidArgument);
	/* The duration fits in 56 bits. */
	test_eq(seL4_DomainSet_ScheduleConfigure(d, 0, 0, 1ull << 56), seL4_InvalidArgument);
	/* Unused entries get the longest time, then one entry per domain. */
	for (seL4_Word i = 1; i < off; i++)
		test_eq(seL4_DomainSet_ScheduleConfigure(d, i, 0, 0x00ffffffffffffull), seL4_NoError);
	static const seL4_Time duration[] = {D0, D1, D2};
	for (seL4_Word i = 0; i < doms; i++)
		test_eq(seL4_DomainSet_ScheduleConfigure(d, i + off, (seL4_Uint8)i,
							 i < 3 ? duration[i] : D3),
			seL4_NoError);
	test_eq(seL4_DomainSet_ScheduleSetStart(d, off), seL4_NoError);
}
DEFINE_TEST_IF(DOMAINS0000, "Configure domain schedule", configure_domain_schedules, domains);

/* seL4's boot schedule: domain 0 for ever. */
static void cleanup_domain_schedules(void)
{
	seL4_CPtr d = seL4_CapDomain;
	test_eq(seL4_DomainSet_ScheduleConfigure(d, 0, 0, 0x00ffffffffffffull), seL4_NoError);
	test_eq(seL4_DomainSet_ScheduleSetStart(d, 0), seL4_NoError);
	test_eq(seL4_DomainSet_ScheduleConfigure(d, 1, 0, 0), seL4_NoError);
}
DEFINE_TEST_IF(DOMAINS9999, "Reset domain schedule", cleanup_domain_schedules, domains);

/* --- DOMSCHED0001-0003: only the current domain runs ----------------------------- */

/* Domains 0 and 1 in turn, ticks each, from entry 0; the rest of the schedule ends. */
static void two_domains(seL4_Time ticks)
{
	seL4_CPtr d = seL4_CapDomain;
	seL4_DomainSet_ScheduleConfigure(d, 0, 0, ticks);
	seL4_DomainSet_ScheduleSetStart(d, 0);
	seL4_DomainSet_ScheduleConfigure(d, 1, 1, ticks);
	if (num_schedules() > 3)
		seL4_DomainSet_ScheduleConfigure(d, 2, 0, 0);
	seL4_DomainSet_ScheduleSetStart(d, 0);
}

static void start_in_domain(struct helper *h, seL4_Word dom, seL4_Word prio, helper_fn_t fn,
			    seL4_Word a0, seL4_Word a1, seL4_Word a2)
{
	helper_create(h);
	seL4_TCB_SetPriority(h->tcb, ROOT_TCB, prio);
	if (seL4_DomainSet_Set(seL4_CapDomain, (seL4_Uint8)dom, h->tcb) != seL4_NoError)
		test_fail(__FILE__, __LINE__, "cannot move a thread to domain %lu",
			  (unsigned long)dom);
	helper_start(h, fn, a0, a1, a2, 0);
}

/* Spin until *c is no longer old, at most DOM_WAIT_NS. */
static bool dom_moves(volatile seL4_Word *c, seL4_Word old)
{
	return spin_until_moved(c, old, DOM_WAIT_NS);
}

static void test_higher_in_other_domain(void)
{
	static volatile seL4_Word counter;
	struct helper b;
	two_domains(5);
	counter = 0;
	start_in_domain(&b, 1, 100, count_forever, (seL4_Word)&counter, 0, 0);
	/* We never block and outrank it, but its domain's time comes. */
	test_check(dom_moves(&counter, 0));
	helper_cleanup(&b);
	cleanup_domain_schedules();
}
DEFINE_TEST_IF(DOMSCHED0001, "A spinning thread gives way when its domain's time ends",
	       test_higher_in_other_domain, domains);

static long count_to_signal(seL4_Word ntfn, seL4_Word n, seL4_Word counter, seL4_Word u3)
{
	(void)u3;
	volatile seL4_Word *c = (volatile seL4_Word *)counter;
	while (*c < n)
		(*c)++;
	seL4_Signal(ntfn);
	return 0;
}

static void test_idle_domain_ends(void)
{
	static volatile seL4_Word counter;
	seL4_CPtr ntfn = alloc_notification();
	struct helper b;
	two_domains(5);
	counter = 0;
	start_in_domain(&b, 1, 100, count_to_signal, ntfn, 1000000, (seL4_Word)&counter);
	/* Our domain idles while we wait: its time ends all the same. */
	seL4_Wait(ntfn, NULL);
	test_eq(counter, 1000000);
	helper_cleanup(&b);
	destroy_slot(ntfn);
	cleanup_domain_schedules();
}
DEFINE_TEST_IF(DOMSCHED0002, "An idle domain's time ends; the next domain's thread runs",
	       test_idle_domain_ends, domains);

#define TURNS 3

static volatile seL4_Word turn_count[2], turns_seen[2];

/* Count, and note each time the other thread counted since the last look. */
static long take_turns(seL4_Word me, seL4_Word ntfn, seL4_Word u2, seL4_Word u3)
{
	(void)u2, (void)u3;
	seL4_Word other = 1 - me, last = turn_count[other];
	uint64_t t0 = tsc_now();
	while (turns_seen[me] < TURNS || turns_seen[other] < TURNS) {
		turn_count[me]++;
		if (turn_count[other] != last) {
			last = turn_count[other];
			turns_seen[me]++;
		}
		if (tsc_ns(t0, tsc_now()) > DOM_WAIT_NS)
			break;
	}
	seL4_Signal(ntfn);
	return 0;
}

static void test_domains_alternate(void)
{
	seL4_CPtr ntfn = alloc_notification();
	struct helper t[2];
	two_domains(5);
	turn_count[0] = turn_count[1] = turns_seen[0] = turns_seen[1] = 0;
	/* Without domains the higher one would starve the lower for good. */
	start_in_domain(&t[0], 0, 50, take_turns, 0, ntfn, 0);
	start_in_domain(&t[1], 1, 100, take_turns, 1, ntfn, 0);
	seL4_Wait(ntfn, NULL);
	test_check(turns_seen[0] >= TURNS);
	test_check(turns_seen[1] >= TURNS);
	helper_cleanup(&t[0]);
	helper_cleanup(&t[1]);
	destroy_slot(ntfn);
	cleanup_domain_schedules();
}
DEFINE_TEST_IF(DOMSCHED0003, "Threads of two domains take turns whatever their priorities",
	       test_domains_alternate, domains);
