#include "dispatch.h"
#include "channel.h"
#include "pd.h"
#include "../kernel/log.h"
#include "../kernel/schedule.h"
#include "../kernel/thread.h"
#include "../object/vspace.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

/* A thread held in the host is charged this fraction of the wall time it holds a CPU. */
#define STALL_FACTOR 10

/* Runs shorter than this part of a tick are charged their wall time. */
#define SHORT_RUN_PER_TICK 16

/* The watchdog's period while anything waits for a PD. */
#define WATCHDOG_MS 100

struct host_cpu {
	struct host_thread *occupant; /* runs component code on this CPU, or is parked there */
	struct event_source timer;    /* the end of the occupant's timeslice */
	uint64_t timer_due;	      /* ns (monotonic): when the timer fires, 0 if it does not */
	uint64_t waiting_since;	      /* ns: the chosen thread could not be answered since */
	uint64_t idle_since;	      /* ns: idle since (with domains), its time not yet charged */
	unsigned index;
};

static unsigned held_count;

static struct host_cpu cpus[MAX_CPUS];
static struct event_source watchdog = {.fd = -1};
static bool watchdog_armed;

static void arm_as(int fd, int flags, uint64_t ns, uint64_t period_ns)
{
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(ns % 1000000000ull);
	its.it_interval.tv_sec = (time_t)(period_ns / 1000000000ull);
	its.it_interval.tv_nsec = (long)(period_ns % 1000000000ull);
	timerfd_settime(fd, flags, &its, NULL);
}

static void arm(int fd, uint64_t ns, uint64_t period_ns)
{
	arm_as(fd, 0, ns, period_ns);
}

/* --- Time -------------------------------------------------------------------- */

/* A run this short is charged its wall time without reading a CPU clock. */
static uint64_t short_run_ns(void)
{
	return sched_config.tick_ns / SHORT_RUN_PER_TICK;
}

/*
 * Charge h's thread for what it used since the last charge (ended: its run
 * is over). A short run that ended (most runs: component code between two
 * system calls) is charged its wall time, which is at least the CPU time
 * it used, without a host system call (another process's CPU clock has no
 * vDSO). The next reading of the process's clock takes back from that
 * reading what the short runs were charged, so that the charges of a
 * process add up to the CPU time it used.
 */
static void charge(struct host_thread *h, bool ended)
{
	if (h->cpu < 0 || !h->proc || !sched_config.tick_ns)
		return;
	struct pd_proc *p = h->proc;
	uint64_t wall = loop_now_ns() - h->run_start;
	uint64_t used;
	if (ended && !h->run_read && wall < short_run_ns()) {
		used = wall;
		p->cpu_owed_ns += wall;
	} else {
		uint64_t now_cpu = pd_proc_cpu_ns(p);
		uint64_t delta = now_cpu > p->cpu_seen_ns ? now_cpu - p->cpu_seen_ns : 0;
		uint64_t owed = delta < p->cpu_owed_ns ? delta : p->cpu_owed_ns;
		p->cpu_seen_ns = now_cpu;
		p->cpu_owed_ns = 0;
		h->run_cpu += delta - owed;
		/* The clock counts the process's threads on other CPUs too: one uses at most the
		 * wall time. */
		if (h->run_cpu > wall)
			h->run_cpu = wall;
		h->run_read = true;
		used = h->run_cpu > wall / STALL_FACTOR ? h->run_cpu : wall / STALL_FACTOR;
	}
	if (used > h->run_charged && h->tcb)
		sched_charge((unsigned)h->cpu, h->tcb, used - h->run_charged);
	h->run_charged = used;
}

/*
 * The kernel's own time is the wall time of the entry: kernel-sim is one
 * thread that never waits within an entry, so the two differ only while
 * the host runs something else (its thread CPU clock would cost two host
 * system calls per kernel entry).
 */
uint64_t dispatch_kernel_clock(void)
{
	if (!sched_is_sel4() || !sched_config.tick_ns)
		return 0;
	return loop_now_ns();
}

void dispatch_charge_kernel(int cpu, struct tcb *t, uint64_t entered)
{
	uint64_t now = entered ? loop_now_ns() : 0;
	if (now > entered && cpu >= 0 && !t->dead)
		sched_charge((unsigned)cpu, t, now - entered);
}

/*
 * Wake up when the occupant's timeslice may have ended (its CPU time is at
 * most the wall time). A timer due earlier stays: it finds the slice not
 * yet ended and arms again (as it does for a thread that did not use all
 * its wall time), so that a dispatch costs no host system call for the
 * timer unless the new thread's slice ends first. Re-programming a host
 * timer is among the dearest calls on a virtual machine.
 */
static void arm_timeslice(struct host_cpu *c, uint64_t now)
{
	struct host_thread *h = c->occupant;
	if (c->timer.fd < 0 || !h || !h->tcb)
		return;
	uint64_t left = sched_time_left(c->index, h->tcb);
	if (left == ~0ull)
		return;
	uint64_t due = now + (left ? left : 1);
	if (c->timer_due && c->timer_due <= due)
		return;
	arm_as(c->timer.fd, TFD_TIMER_ABSTIME, due, 0);
	c->timer_due = due;
}

/*
 * With domains, an idle CPU's wall time is the domain's (seL4's tick falls
 * on the idle thread too): charged when the timer fires or a thread comes.
 */
static void idle_charge(struct host_cpu *c, uint64_t now)
{
	if (!c->idle_since)
		return;
	sched_idle(c->index, now - c->idle_since);
	c->idle_since = now;
}

static void idle_arm(struct host_cpu *c, uint64_t now)
{
	if (sched_config.domains <= 1 || c->timer.fd < 0)
		return;
	if (!c->idle_since)
		c->idle_since = now;
	uint64_t left = sched_idle_time_left(c->index);
	if (left == ~0ull)
		return;
	uint64_t idle = now - c->idle_since;
	uint64_t due = now + (left > idle ? left - idle : 1);
	if (c->timer_due && c->timer_due <= due)
		return;
	arm_as(c->timer.fd, TFD_TIMER_ABSTIME, due, 0);
	c->timer_due = due;
}

static void on_timeslice(struct event_source *s, uint32_t events)
{
	(void)events;
	struct host_cpu *c = (struct host_cpu *)((char *)s - offsetof(struct host_cpu, timer));
	uint64_t expirations;
	if (read(s->fd, &expirations, sizeof(expirations)) < 0)
		return;
	c->timer_due = 0;
	struct host_thread *h = c->occupant;
	if (!h && c->idle_since) {
		sched_enter(c->index, NULL);
		idle_charge(c, loop_now_ns());
	}
	if (!h || h->state != HOST_RUNNING)
		return;
	sched_enter(c->index, sched_cur_thread(c->index));
	charge(h, false);
	arm_timeslice(c, loop_now_ns());
}

void dispatch_vacate(struct host_thread *h)
{
	if (h->cpu < 0)
		return;
	struct host_cpu *c = &cpus[h->cpu];
	if (c->occupant == h)
		c->occupant = NULL; /* its timer stays: it finds no occupant, or arms again */
	h->cpu = -1;
}

void dispatch_run_ended(struct host_thread *h)
{
	if (h->cpu >= 0 && sched_is_sel4())
		charge(h, true);
	dispatch_vacate(h);
}

bool dispatch_preempted(unsigned cpu)
{
	return sched_is_sel4() && ks_cpu[cpu].action != SCHED_ACTION_RESUME;
}

/* --- Settling ------------------------------------------------------------------ */

/*
 * t was chosen but cannot run: it faults as seL4 would (no VSpace, a lost
 * one); true if its state changed. If the host has no process or thread
 * for it any more, its PD is lost, and it faults when that is seen.
 */
static bool cannot_run(struct tcb *t)
{
	enum thread_state before = t->state;
	struct vspace *vs = thread_vspace(t);
	if (vs && !vs->lost) {
		if (vs->proc)
			pd_proc_broken(vs->proc, "cannot start a thread");
		else
			vspace_lost(vs, 0);
	}
	fault_unrunnable(t);
	return t->state != before;
}

/* The chosen thread waited too long for the host: hold it aside, choose another. */
static void hold(struct host_thread *h)
{
	if (!h->held)
		held_count++;
	h->held = true;
	unsigned cpu = h->tcb->affinity;
	sched_forget(h->tcb);
	ks_cpu[cpu].reason = "waits for the host";
	host_watchdog_start();
}

/* Held threads that can be answered now (or are gone) go back to the scheduler. */
static void release_held(void)
{
	if (!held_count)
		return;
	for (struct host_thread *h = host_thread_first(); h; h = h->next) {
		if (!h->held || (h->tcb && !host_thread_may_run(h) && h->state != HOST_RUNNING))
			continue;
		dispatch_unhold(h);
	}
}

void dispatch_unhold(struct host_thread *h)
{
	if (!h->held)
		return;
	h->held = false;
	held_count--;
	struct tcb *t = h->tcb;
	if (t && is_runnable(t)) {
		sched_enter(t->affinity, sched_cur_thread(t->affinity));
		sched_enqueue(t);
		possible_switch_to(t);
	}
}

/* Make the host follow the scheduler on one CPU; true if the scheduler must run again. */
static bool settle_cpu(struct host_cpu *c)
{
	struct tcb *want = sched_cur_thread(c->index);
	struct host_thread *occ = c->occupant;
	if (occ && host_thread_park_refused(occ))
		dispatch_vacate(occ); /* it does not stop: run the next thread anyway */
	else if (occ) {
		if (occ->tcb != want && occ->state == HOST_RUNNING)
			host_thread_park(occ);
		return false; /* it runs, or the CPU is free once it stopped */
	}
	if (!want) {
		c->waiting_since = 0;
		idle_arm(c, loop_now_ns());
		return false;
	}
	if (c->idle_since) {
		idle_charge(c, loop_now_ns());
		c->idle_since = 0;
		if (dispatch_preempted(c->index))
			return true; /* the domain ended while the CPU was idle */
	}
	if (!want->host && !host_thread_start(want))
		return cannot_run(want);
	struct host_thread *h = want->host;
	if (!host_thread_may_run(h)) {
		/* Starting, stopping elsewhere, or waiting for its PD. */
		if (!c->waiting_since)
			c->waiting_since = loop_now_ns();
		if (!host_past_grace(c->waiting_since))
			return false;
		hold(h);
		c->waiting_since = 0;
		return true;
	}
	c->waiting_since = 0;
	host_thread_resume(h, (int)c->index);
	c->occupant = h;
	h->run_start = loop_now_ns();
	h->run_cpu = 0;
	h->run_charged = 0;
	h->run_read = false;
	arm_timeslice(c, h->run_start);
	return false;
}

/* Host scheduling: answer every runnable thread that may run. */
static bool settle_host(void)
{
	bool again = false;
	for (struct tcb *t = sched_host_due(), *next; t; t = next) {
		next = t->sched_next;
		if (!t->host && !host_thread_start(t)) {
			again |= cannot_run(t);
			continue;
		}
		if (!host_thread_may_run(t->host))
			continue;
		tcb_sched_dequeue(t);
		host_thread_resume(t->host, -1);
	}
	return again;
}

void dispatch_settle(void)
{
	release_held();
	for (int rounds = 0; rounds < 64; rounds++) {
		sched_settle();
		bool again = false;
		if (!sched_is_sel4())
			again = settle_host();
		else
			for (unsigned cpu = 0; cpu < sched_config.cpus; cpu++)
				again |= settle_cpu(&cpus[cpu]);
		if (!again)
			return;
	}
}

/* --- The watchdog ------------------------------------------------------------- */

static bool parks_pending(void)
{
	for (struct host_thread *h = host_thread_first(); h; h = h->next)
		if (h->state == HOST_PARKING)
			return true;
	return false;
}

static void check_parks(uint64_t now)
{
	const uint64_t limit = (uint64_t)PD_ANSWER_TIMEOUT_MS * 1000000ull;
	for (struct host_thread *h = host_thread_first(); h; h = h->next) {
		if (h->state != HOST_PARKING || now - h->park_sent < limit || h->proc->lost)
			continue;
		if (chan_pending(h->chan.fd))
			continue; /* it stopped: its answer is there, read before any verdict */
		if (pd_proc_is_stopped(h->proc)) {
			h->park_sent = now; /* held by a debugger: it stops when let go */
			continue;
		}
		if (!host_thread_park_refused(h))
			continue; /* the host has not run it: it stops when it runs */
		pd_proc_broken(h->proc, "does not stop its thread");
	}
}

static void on_watchdog(struct event_source *s, uint32_t events)
{
	(void)events;
	uint64_t expirations;
	if (read(s->fd, &expirations, sizeof(expirations)) < 0)
		return;
	uint64_t now = loop_now_ns();
	pd_proc_check_timeouts(now);
	check_parks(now);
	if (!pd_proc_any_waiting() && !parks_pending() && !held_count) {
		arm(s->fd, 0, 0);
		watchdog_armed = false;
	}
}

void host_watchdog_start(void)
{
	if (watchdog_armed || watchdog.fd < 0)
		return;
	arm(watchdog.fd, WATCHDOG_MS * 1000000ull, WATCHDOG_MS * 1000000ull);
	watchdog_armed = true;
}

int dispatch_init(void)
{
	watchdog.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	watchdog.ready = on_watchdog;
	if (watchdog.fd < 0 || loop_add(&watchdog, EPOLLIN) != 0)
		return -1;
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		cpus[i].index = i;
		cpus[i].timer.fd = -1;
		cpus[i].timer.ready = on_timeslice;
	}
	if (!sched_is_sel4() || !sched_config.tick_ns)
		return 0;
	for (unsigned i = 0; i < sched_config.cpus; i++) {
		cpus[i].timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (cpus[i].timer.fd < 0 || loop_add(&cpus[i].timer, EPOLLIN) != 0)
			return -1;
	}
	return 0;
}
