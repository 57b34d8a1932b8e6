/*
 * seL4's scheduler, as src/kernel/thread.c and src/object/tcb.c of the
 * non-MCS kernel have it. Each simulated CPU has its ready queues (one set
 * per domain), its current thread and its scheduler action; a thread's
 * affinity names the CPU whose queues it joins (seL4's SMP rules), its
 * domain the set; only the current domain's threads run.
 */
#include "schedule.h"
#include "thread.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

struct sched_config sched_config = {
    .mode = SCHED_SEL4,
    .cpus = 1,
    .tick_ns = DEFAULT_TIMER_TICK_US * 1000ull,
    .time_slice = DEFAULT_TIME_SLICE,
    .domains = 1,
    .domain_schedules = DEFAULT_DOMAIN_SCHEDULES,
};

struct sched_cpu ks_cpu[MAX_CPUS];
unsigned ks_cur_cpu;

/* The domain scheduler's state (src/model/statedata.c, src/object/domain.c). */
unsigned ks_cur_domain;
static uint64_t ks_domain_time = DSCHED_MAX_DURATION; /* ticks */
static unsigned dom_schedule_idx, dom_schedule_first;
static uint64_t dom_schedule_boot[DEFAULT_DOMAIN_SCHEDULES] = {DSCHED_MAX_DURATION};
static uint64_t *dom_schedule = dom_schedule_boot; /* domain << 56 | duration */

static uint64_t dschedule_make(unsigned dom, uint64_t duration)
{
	return (uint64_t)dom << 56 | duration;
}

int sched_init(const struct sched_config *c)
{
	for (unsigned i = 0; i < MAX_CPUS; i++)
		free(ks_cpu[i].more);
	if (dom_schedule != dom_schedule_boot)
		free(dom_schedule);
	dom_schedule = dom_schedule_boot;
	memset(ks_cpu, 0, sizeof(ks_cpu));
	sched_config = *c;
	if (!sched_config.domains)
		sched_config.domains = 1;
	if (sched_config.domain_schedules < 2)
		sched_config.domain_schedules = DEFAULT_DOMAIN_SCHEDULES;
	for (unsigned i = 0; i < sched_config.cpus && sched_config.domains > 1; i++)
		if (!(ks_cpu[i].more =
			  calloc(sched_config.domains - 1, sizeof(struct sched_queues))))
			return -1;
	if (sched_config.domain_schedules != DEFAULT_DOMAIN_SCHEDULES &&
	    !(dom_schedule = calloc(sched_config.domain_schedules, sizeof(uint64_t))))
		return -1;
	memset(dom_schedule, 0, sched_config.domain_schedules * sizeof(uint64_t));
	/* As seL4 boots: domain 0 for ever, until the schedule is configured. */
	dom_schedule[0] = dschedule_make(0, DSCHED_MAX_DURATION);
	dom_schedule_idx = dom_schedule_first = 0;
	ks_cur_domain = 0;
	ks_domain_time = DSCHED_MAX_DURATION;
	return 0;
}

void sched_enter(unsigned cpu, struct tcb *cur)
{
	ks_cur_cpu = cpu;
	if (!sched_is_sel4())
		ks_cpu[cpu].cur = cur; /* only the thread being served is "current" */
}

/* --- Ready queues and their bitmaps ------------------------------------- */

static void add_to_bitmap(struct sched_queues *d, unsigned prio)
{
	d->l1_bitmap |= 1ull << (prio / 64);
	d->l2_bitmap[prio / 64] |= 1ull << (prio % 64);
}

static void remove_from_bitmap(struct sched_queues *d, unsigned prio)
{
	d->l2_bitmap[prio / 64] &= ~(1ull << (prio % 64));
	if (!d->l2_bitmap[prio / 64])
		d->l1_bitmap &= ~(1ull << (prio / 64));
}

/* getHighestPrio: the domain must have a thread ready. */
static unsigned highest_prio(const struct sched_queues *d)
{
	unsigned l1 = 63 - (unsigned)__builtin_clzll(d->l1_bitmap);
	return l1 * 64 + 63 - (unsigned)__builtin_clzll(d->l2_bitmap[l1]);
}

static bool is_highest_prio(const struct sched_queues *d, unsigned prio)
{
	return !d->l1_bitmap || prio >= highest_prio(d);
}

static struct sched_cpu *cpu_of(const struct tcb *t)
{
	return &ks_cpu[t->affinity];
}

/* CPU c's ready queues of domain dom. */
static struct sched_queues *queues(struct sched_cpu *c, unsigned dom)
{
	return dom ? &c->more[dom - 1] : &c->dom0;
}

static struct sched_queues *queues_of(const struct tcb *t)
{
	return queues(cpu_of(t), t->domain);
}

/* Host scheduling: the runnable threads whose answer is due, in order. */
static struct tcb_queue host_due;

static struct tcb_queue *queue_of(const struct tcb *t)
{
	return sched_is_sel4() ? &queues_of(t)->ready[t->priority] : &host_due;
}

static void queue_gained(struct tcb *t, struct tcb_queue *q)
{
	if (!q->head && sched_is_sel4())
		add_to_bitmap(queues_of(t), t->priority);
}

void tcb_sched_enqueue(struct tcb *t)
{
	if (t->sched_queued)
		return;
	struct tcb_queue *q = queue_of(t);
	queue_gained(t, q);
	t->sched_prev = NULL;
	t->sched_next = q->head;
	if (q->head)
		q->head->sched_prev = t;
	else
		q->end = t;
	q->head = t;
	t->sched_queued = true;
}

void tcb_sched_append(struct tcb *t)
{
	if (t->sched_queued)
		return;
	struct tcb_queue *q = queue_of(t);
	queue_gained(t, q);
	t->sched_next = NULL;
	t->sched_prev = q->end;
	if (q->end)
		q->end->sched_next = t;
	else
		q->head = t;
	q->end = t;
	t->sched_queued = true;
}

void tcb_sched_dequeue(struct tcb *t)
{
	if (!t->sched_queued)
		return;
	struct tcb_queue *q = queue_of(t);
	if (t->sched_prev)
		t->sched_prev->sched_next = t->sched_next;
	else
		q->head = t->sched_next;
	if (t->sched_next)
		t->sched_next->sched_prev = t->sched_prev;
	else
		q->end = t->sched_prev;
	t->sched_next = t->sched_prev = NULL;
	t->sched_queued = false;
	if (!q->head && sched_is_sel4())
		remove_from_bitmap(queues_of(t), t->priority);
}

struct tcb *sched_host_due(void)
{
	return host_due.head;
}

/* --- Scheduler actions ---------------------------------------------------- */

/* rescheduleRequired on CPU c: a pending candidate goes back to its queue. */
static void reschedule_cpu(struct sched_cpu *c)
{
	if (c->action != SCHED_ACTION_RESUME && c->action != SCHED_ACTION_CHOOSE_NEW)
		tcb_sched_enqueue(c->action);
	c->action = SCHED_ACTION_CHOOSE_NEW;
}

/*
 * seL4's remoteQueueUpdate: a thread of the current domain queued on another
 * CPU than the one in the kernel makes that CPU reschedule (an IPI) if it
 * outranks what runs there.
 */
static void remote_queue_update(struct tcb *t)
{
	struct sched_cpu *c = cpu_of(t);
	if (t->affinity != ks_cur_cpu && t->domain == ks_cur_domain &&
	    (!c->cur || t->priority > c->cur->priority))
		reschedule_cpu(c);
}

/* SCHED_ENQUEUE and SCHED_APPEND. */
void sched_enqueue(struct tcb *t)
{
	if (!sched_is_sel4())
		return;
	tcb_sched_enqueue(t);
	remote_queue_update(t);
}

static void sched_append(struct tcb *t)
{
	tcb_sched_append(t);
	remote_queue_update(t);
}

void reschedule_required(void)
{
	reschedule_cpu(&ks_cpu[ks_cur_cpu]);
}

void possible_switch_to(struct tcb *t)
{
	if (!sched_is_sel4())
		return;
	struct sched_cpu *c = &ks_cpu[ks_cur_cpu];
	if (t->domain != ks_cur_domain || t->affinity != ks_cur_cpu) {
		sched_enqueue(t);
	} else if (c->action != SCHED_ACTION_RESUME) {
		/* Too many threads want special treatment: use the regular queues. */
		reschedule_required();
		sched_enqueue(t);
	} else {
		c->action = t;
	}
}

/*
 * scheduleTCB. A thread that stops being runnable also leaves its ready
 * queue: in seL4 only the current thread blocks, here a queued thread of a
 * lost PD can take a fault too.
 */
void schedule_tcb(struct tcb *t)
{
	if (!is_runnable(t))
		tcb_sched_dequeue(t);
	else if (!sched_is_sel4())
		tcb_sched_append(t); /* host scheduling: its answer is due */
	struct sched_cpu *c = cpu_of(t);
	if (t == c->cur && c->action == SCHED_ACTION_RESUME && !is_runnable(t))
		c->action = SCHED_ACTION_CHOOSE_NEW;
}

/* switchToThread: the thread leaves its ready queue and becomes current. */
static void switch_to_thread(struct sched_cpu *c, struct tcb *t)
{
	tcb_sched_dequeue(t);
	c->cur = t;
}

static void choose_thread(struct sched_cpu *c)
{
	struct sched_queues *d = queues(c, ks_cur_domain);
	if (d->l1_bitmap)
		switch_to_thread(c, d->ready[highest_prio(d)].head);
	else
		c->cur = NULL; /* switchToIdleThread */
}

/* nextDomain: the next entry of the schedule, or the start after an end marker. */
static void next_domain(void)
{
	dom_schedule_idx++;
	if (dom_schedule_idx >= sched_config.domain_schedules ||
	    dom_schedule_is_end_marker(dom_schedule_idx))
		dom_schedule_idx = dom_schedule_first;
	ks_cur_domain = (unsigned)(dom_schedule[dom_schedule_idx] >> 56);
	ks_domain_time = dom_schedule[dom_schedule_idx] & DSCHED_MAX_DURATION;
}

/* scheduleChooseNewThread: a domain whose time is up gives way to the next one first. */
static void schedule_choose_new_thread(struct sched_cpu *c)
{
	if (ks_domain_time == 0) {
		next_domain();
		trace_domain(ks_cur_domain, ks_domain_time);
	}
	choose_thread(c);
}

/* Why cur gives way, for the trace. */
static const char *switch_reason(const struct sched_cpu *c, const struct tcb *cur)
{
	if (c->reason)
		return c->reason;
	if (!cur)
		return "woken";
	return is_runnable(cur) ? "preempted" : "blocked";
}

void schedule(void)
{
	struct sched_cpu *c = &ks_cpu[ks_cur_cpu];
	struct tcb *before = c->cur;
	const char *reason = c->action != SCHED_ACTION_RESUME ? switch_reason(c, before) : NULL;
	if (c->action != SCHED_ACTION_RESUME) {
		struct tcb *cur = c->cur;
		bool was_runnable = cur && is_runnable(cur);
		if (was_runnable)
			tcb_sched_enqueue(cur);
		if (c->action == SCHED_ACTION_CHOOSE_NEW) {
			schedule_choose_new_thread(c);
		} else {
			struct tcb *candidate = c->action;
			/* As the fastpath: a higher current thread keeps the CPU without a look at
			 * the queues. */
			bool fastfail = !cur || candidate->priority < cur->priority;
			if (fastfail &&
			    !is_highest_prio(queues(c, ks_cur_domain), candidate->priority)) {
				sched_enqueue(candidate);
				c->action = SCHED_ACTION_CHOOSE_NEW;
				schedule_choose_new_thread(c);
			} else if (was_runnable && candidate->priority == cur->priority) {
				/* The candidate goes behind the current thread, enqueued at the
				 * head. */
				sched_append(candidate);
				c->action = SCHED_ACTION_CHOOSE_NEW;
				schedule_choose_new_thread(c);
			} else {
				switch_to_thread(c, candidate);
			}
		}
	}
	c->action = SCHED_ACTION_RESUME;
	c->reason = NULL;
	if (c->cur != before)
		trace_schedule(ks_cur_cpu, c->cur, reason);
}

bool sched_settle(void)
{
	if (!sched_is_sel4())
		return false;
	bool ran = false;
	for (unsigned cpu = 0; cpu < sched_config.cpus; cpu++) {
		if (ks_cpu[cpu].action == SCHED_ACTION_RESUME)
			continue;
		ks_cur_cpu = cpu;
		schedule();
		ran = true;
	}
	return ran;
}

void activate_thread(struct tcb *t)
{
	if (t->state == ThreadState_Restart) {
		t->next_ip = t->regs.rip; /* getRestartPC, setNextPC */
		t->state = ThreadState_Running;
	}
}

void sched_yield_current(void)
{
	struct tcb *cur = ks_cpu[ks_cur_cpu].cur;
	if (!cur)
		return;
	tcb_sched_dequeue(cur);
	tcb_sched_append(cur);
	reschedule_required();
	ks_cpu[ks_cur_cpu].reason = "yield";
}

void set_priority(struct tcb *t, uint8_t prio)
{
	tcb_sched_dequeue(t);
	t->priority = prio;
	if (!sched_is_sel4() || !is_runnable(t))
		return;
	if (t == cpu_of(t)->cur)
		reschedule_cpu(cpu_of(t));
	else
		possible_switch_to(t);
}

/*
 * invokeTCB_SetAffinity: a thread current on a CPU gives it up first (on
 * another CPU seL4 stalls it with an IPI, on this one it reschedules), then
 * joins the end of its queue on the new CPU, which reschedules if it must.
 */
void set_affinity(struct tcb *t, unsigned cpu)
{
	tcb_sched_dequeue(t);
	struct sched_cpu *old = cpu_of(t);
	if (old->action == t)
		old->action = SCHED_ACTION_CHOOSE_NEW;
	if (old->cur == t) {
		old->cur = NULL;
		reschedule_cpu(old);
		old->reason = "affinity";
	}
	t->affinity = cpu;
	if (is_runnable(t))
		sched_append(t);
}

void set_domain(struct tcb *t, unsigned dom)
{
	tcb_sched_dequeue(t);
	t->domain = dom;
	if (is_runnable(t))
		sched_enqueue(t);
	if (t == ks_cpu[ks_cur_cpu].cur)
		reschedule_required();
}

bool dom_schedule_is_end_marker(unsigned index)
{
	return dom_schedule[index] == 0;
}

unsigned dom_schedule_start(void)
{
	return dom_schedule_first;
}

void dom_schedule_configure(unsigned index, unsigned dom, uint64_t duration)
{
	dom_schedule[index] = dschedule_make(dom, duration);
}

/* The current entry ends at once, and the next is the new start. */
void dom_schedule_set_start(unsigned index)
{
	dom_schedule_first = index;
	ks_domain_time = 0;
	dom_schedule_idx = sched_config.domain_schedules - 2;
	reschedule_required();
}

void sched_forget(struct tcb *t)
{
	tcb_sched_dequeue(t);
	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
		struct sched_cpu *c = &ks_cpu[cpu];
		if (c->action == t)
			c->action = SCHED_ACTION_CHOOSE_NEW;
		if (c->cur == t) {
			c->cur = NULL;
			reschedule_cpu(c);
		}
	}
}

/* --- Time ------------------------------------------------------------------ */

/* The domain's share of timerTick: at the end of its time the CPU chooses anew. */
static void domain_tick(struct sched_cpu *c)
{
	if (sched_config.domains <= 1 || !ks_domain_time)
		return;
	if (--ks_domain_time == 0) {
		reschedule_cpu(c);
		c->reason = "domain";
	}
}

/*
 * timerTick for thread t (NULL: the idle thread): its timeslice runs down;
 * at the end it goes behind its peers.
 */
static void timer_tick(struct sched_cpu *c, struct tcb *t)
{
	if (t && t->state == ThreadState_Running && t->time_slice > 1) {
		t->time_slice--;
	} else if (t && t->state == ThreadState_Running) {
		t->time_slice = (uint8_t)sched_config.time_slice;
		if (t == c->cur) {
			tcb_sched_append(t);
			reschedule_cpu(c);
			c->reason = "timeslice";
		} else if (t->sched_queued) {
			/* It was preempted before the tick was seen: it still goes behind. */
			tcb_sched_dequeue(t);
			tcb_sched_append(t);
		}
	}
	domain_tick(c);
}

/* ns of time on cpu, of thread t (NULL: idle): the ticks that fall in it. */
static void ticks_in(unsigned cpu, struct tcb *t, uint64_t ns)
{
	struct sched_cpu *c = &ks_cpu[cpu];
	c->tick_phase_ns += ns;
	while (c->tick_phase_ns >= sched_config.tick_ns) {
		c->tick_phase_ns -= sched_config.tick_ns;
		timer_tick(c, t);
	}
}

void sched_charge(unsigned cpu, struct tcb *t, uint64_t ns)
{
	if (sched_is_sel4() && sched_config.tick_ns && t)
		ticks_in(cpu, t, ns);
}

uint64_t sched_idle_time_left(unsigned cpu)
{
	if (!sched_is_sel4() || !sched_config.tick_ns || sched_config.domains <= 1 ||
	    !ks_domain_time || ks_domain_time > ~0ull / sched_config.tick_ns / 2)
		return ~0ull;
	return ks_domain_time * sched_config.tick_ns - ks_cpu[cpu].tick_phase_ns;
}

void sched_idle(unsigned cpu, uint64_t ns)
{
	if (sched_is_sel4() && sched_config.tick_ns && sched_config.domains > 1)
		ticks_in(cpu, NULL, ns);
}

uint64_t sched_time_left(unsigned cpu, const struct tcb *t)
{
	if (!sched_is_sel4() || !sched_config.tick_ns)
		return ~0ull;
	uint64_t tick = sched_config.tick_ns;
	uint64_t slice = t->time_slice ? t->time_slice : 1;
	uint64_t left = (slice - 1) * tick + (tick - ks_cpu[cpu].tick_phase_ns);
	uint64_t domain_left = sched_idle_time_left(cpu);
	return domain_left < left ? domain_left : left;
}
