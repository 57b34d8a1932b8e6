/*
 * The dispatcher: makes the host follow the scheduler. Each simulated CPU is
 * occupied by at most one host thread that runs component code; when the
 * scheduler chooses another thread for a CPU, its occupant is parked first,
 * and only when it stopped is the chosen one answered. With host scheduling
 * every runnable thread is answered at once.
 *
 * Time: a thread's run is charged the CPU time its PD process used while it
 * ran (the process's CPU clock, which counts its threads on other CPUs too:
 * at most the wall time), or a tenth of the wall time if that is more
 * (a thread held in the host by the host still uses up its timeslice); a
 * short run is charged its wall time and settled at the next reading. A
 * timer per CPU stops a thread when its timeslice may have run out.
 */
#pragma once

#include "thread.h"

int dispatch_init(void);

/* After every event: schedule, park who must stop, answer who may run. */
void dispatch_settle(void);

/* h stopped running: charge its time and free its CPU. */
void dispatch_run_ended(struct host_thread *h);

/* h leaves its CPU without a charge (its thread or process is gone). */
void dispatch_vacate(struct host_thread *h);

/* A held thread goes back to the scheduler (it can run again, or its host thread ends). */
void dispatch_unhold(struct host_thread *h);

/*
 * The kernel's own time counts for the thread it serves, as seL4's tick
 * falls on the current thread in the kernel too: the clock an entry is
 * timed with (0 without a tick), and the charge of one that began at entered.
 */
uint64_t dispatch_kernel_clock(void);
void dispatch_charge_kernel(int cpu, struct tcb *t, uint64_t entered);

/* Must the thread that just stopped on cpu give way (its timeslice ended)? */
bool dispatch_preempted(unsigned cpu);
