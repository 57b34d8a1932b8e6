/*
 * seL4's scheduler (the non-MCS kernel): 256 priorities with a FIFO ready
 * queue each, per simulated CPU; ksCurThread and ksSchedulerAction per CPU;
 * possibleSwitchTo, rescheduleRequired, schedule and chooseThread; the
 * timer tick with its timeslice. Threads are TCBs: which one runs is
 * decided here, host/dispatch.c makes the host follow.
 *
 * With --sched=host (not seL4's semantics) Linux schedules every runnable
 * thread at once; this module then only keeps the queues for the debug
 * dump and decides nothing.
 */
#pragma once

#include "object.h"

enum sched_mode {
	SCHED_SEL4, /* seL4's scheduler on ks_num_cpus simulated CPUs */
	SCHED_HOST, /* every runnable thread runs, Linux decides */
};

/* The defaults of seL4's x86_64 configuration. */
#define DEFAULT_TIMER_TICK_US 2000 /* CONFIG_TIMER_TICK_MS 2 */
#define DEFAULT_TIME_SLICE    5	   /* CONFIG_TIME_SLICE, in ticks */
#define MAX_CPUS	      64

struct sched_config {
	enum sched_mode mode;
	unsigned cpus;
	uint64_t tick_ns;	   /* 0: no timer tick, threads run until they block or yield */
	unsigned time_slice;	   /* ticks */
	unsigned max_nodes;	   /* KernelMaxNumNodes (> 1: an SMP build); 0: as many as cpus */
	unsigned domains;	   /* CONFIG_NUM_DOMAINS (1: no domain scheduling) */
	unsigned domain_schedules; /* CONFIG_NUM_DOMAIN_SCHEDULES: entries of ksDomSchedule */
};

#define DEFAULT_DOMAIN_SCHEDULES 2 /* CONFIG_NUM_DOMAIN_SCHEDULES */
#define MAX_DOMAINS		 256
#define DSCHED_MAX_DURATION	 (UINT64_MAX >> 8) /* a duration fits in 56 bits */

extern struct sched_config sched_config;

/* seL4's ksSchedulerAction: resume the current thread, choose anew, or switch to a candidate. */
#define SCHED_ACTION_RESUME	((struct tcb *)0)
#define SCHED_ACTION_CHOOSE_NEW ((struct tcb *)1)

/* One domain's ready queues on one CPU. */
struct sched_queues {
	struct tcb_queue ready[seL4_NumPriorities];
	uint64_t l1_bitmap;    /* ksReadyQueuesL1Bitmap */
	uint64_t l2_bitmap[4]; /* ksReadyQueuesL2Bitmap */
};

struct sched_cpu {
	struct tcb *cur;	   /* ksCurThread; NULL: the idle thread */
	struct tcb *action;	   /* ksSchedulerAction */
	struct sched_queues dom0;  /* domain 0's queues */
	struct sched_queues *more; /* domains 1 .. sched_config.domains - 1 */
	uint64_t tick_phase_ns;	   /* CPU time since the last tick */
	const char *reason;	   /* why it reschedules, for the trace (NULL: found out then) */
};

extern struct sched_cpu ks_cpu[MAX_CPUS];
extern unsigned ks_cur_cpu; /* the CPU of the kernel entry being served */

/* 0, or -1 if there is no memory for the domains' queues. */
int sched_init(const struct sched_config *c);

/* A kernel entry on cpu: ksCurThread is the thread that entered (or the interrupted one). */
void sched_enter(unsigned cpu, struct tcb *cur);

static inline struct tcb *sched_cur_thread(unsigned cpu)
{
	return ks_cpu[cpu].cur;
}

/* tcbSchedEnqueue (at the head), tcbSchedAppend (at the end), tcbSchedDequeue. */
void tcb_sched_enqueue(struct tcb *t);
void tcb_sched_append(struct tcb *t);
void tcb_sched_dequeue(struct tcb *t);

/* SCHED_ENQUEUE: at the head of its queue, telling its CPU if that is another. */
void sched_enqueue(struct tcb *t);

void possible_switch_to(struct tcb *t);
void reschedule_required(void);
/* A thread's state changed (setThreadState calls it). */
void schedule_tcb(struct tcb *t);

/* schedule(): the current CPU's scheduler action, then chooseThread. */
void schedule(void);

/* seL4's activateThread for the thread about to run: Restart continues at the restart PC. */
void activate_thread(struct tcb *t);

/* handleYield. */
void sched_yield_current(void);

/* setPriority (non-MCS) and the SMP migration of SetAffinity. */
void set_priority(struct tcb *t, uint8_t prio);
void set_affinity(struct tcb *t, unsigned cpu);

/* Host scheduling: the first runnable thread whose answer is due (follow sched_next). */
struct tcb *sched_host_due(void);

/*
 * The domain scheduler (one for all CPUs; seL4 has none for SMP builds):
 * ksCurDomain, ksDomainTime in ticks, and ksDomSchedule with its index and
 * start, entries of (domain, duration), a zero entry an end marker.
 */
extern unsigned ks_cur_domain;

/* setDomain: the thread goes to the head of its queue in the new domain. */
void set_domain(struct tcb *t, unsigned dom);

/* DomainSet_ScheduleConfigure and ScheduleSetStart, their arguments checked. */
void dom_schedule_configure(unsigned index, unsigned dom, uint64_t duration);
void dom_schedule_set_start(unsigned index);
bool dom_schedule_is_end_marker(unsigned index);
unsigned dom_schedule_start(void);

/* ns of wall time an idle CPU waits before the current domain ends (~0: never). */
uint64_t sched_idle_time_left(unsigned cpu);

/* ns of wall time passed on an idle CPU: the domain's ticks run on. */
void sched_idle(unsigned cpu, uint64_t ns);

/* Forget a dying TCB: off the ready queues and off every CPU. */
void sched_forget(struct tcb *t);

/* Run schedule() on every CPU whose scheduler action is pending; true if any ran. */
bool sched_settle(void);

/*
 * ns of CPU time used by thread t, which ran on cpu: the CPU's timer ticks
 * that fall in it are charged to t (timerTick), as seL4's periodic tick
 * falls on whoever runs.
 */
void sched_charge(unsigned cpu, struct tcb *t, uint64_t ns);

/* ns of CPU time t may still use before its timeslice ends on cpu (~0: never). */
uint64_t sched_time_left(unsigned cpu, const struct tcb *t);

/* Is the scheduler seL4's (not the host's)? */
static inline bool sched_is_sel4(void)
{
	return sched_config.mode == SCHED_SEL4;
}
