/*
 * The host side of a TCB: a Linux thread of its VSpace's PD process, with a
 * channel to kernel-sim. A host thread is in one of these states:
 *
 *   STARTING   its start is queued on the PD's control channel
 *   IN_KERNEL  it trapped and waits in recvmsg for kernel-sim's answer
 *   RUNNING    answered: it runs component code (it occupies a CPU)
 *   PARKING    a park signal is on its way; it still runs until it lands
 *
 * Only the dispatcher (host/dispatch.c) answers a thread, when the
 * scheduler chose it. Nothing here waits for a PD: a park or a start that
 * does not complete within PD_ANSWER_TIMEOUT_MS ends the PD.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "loop.h"
#include <sim/trap.h>

struct tcb;
struct pd_proc;
struct mmio_device;

enum host_state {
	HOST_STARTING,
	HOST_IN_KERNEL,
	HOST_RUNNING,
	HOST_PARKING,
};

#define NO_FILL (~0ull)

struct host_thread {
	struct tcb *tcb; /* NULL once the TCB is gone: the thread is on its way out */
	struct pd_proc *proc;
	struct event_source chan; /* kernel-sim's end of the thread's channel */
	int index;		  /* runtime slot in the PD process */
	enum host_state state;
	pid_t tid;		   /* where park signals go */
	int cpu;		   /* the simulated CPU it occupies (RUNNING, PARKING), or -1 */
	uint64_t park_seq;	   /* parks requested so far */
	uint64_t park_sent;	   /* ns: when the pending park was sent (0: none) */
	uint64_t park_ran;	   /* its host run time when the park was overdue (0: not yet) */
	uint64_t run_start;	   /* ns: when it was last answered */
	uint64_t run_cpu;	   /* CPU ns used since then */
	uint64_t run_charged;	   /* of which charged to its timeslice */
	bool run_read;		   /* its process's CPU clock was read during this run */
	struct pd_proc *wait_proc; /* answered only once wait_proc answered wait_seq */
	uint64_t wait_seq;
	uint64_t wait_since;	  /* ns: since then (it waits HOST_GRACE_MS at most) */
	struct tcb *wait_stop;	  /* its system call runs again once this thread stopped */
	bool name_dirty;	  /* host thread name to update at the next answer */
	bool yield;		  /* give up the host CPU at the next answer (host scheduling) */
	bool held;		  /* waited too long for the host: out of the scheduler's sight */
	uint64_t last_fill;	  /* page of the last fault filled from the shadow, or NO_FILL */
	struct host_thread *next; /* every host thread */
	struct host_thread *prev;

	/* A device access whose time its device does not see (host/access_time.c). */
	struct mmio_device *access_dev; /* from its emulation to the thread's next trap */
	uint64_t access_tsc;		/* when its emulation began, then when it was answered */
	uint64_t access_event;		/* the loop event that emulated it */
	bool access_answered;		/* the thread's last answer ended it */
	uint8_t programming;		/* its accesses still timed since its last write */
};

/* The trap handler, set by the system-call layer: a kernel entry of t. */
extern void (*host_trap_handler)(struct tcb *t, const struct sim_trap *trap);

/* Every host thread, newest first. */
struct host_thread *host_thread_first(void);

/* A thread's state changed: start a host thread for a runnable TCB early. */
void host_thread_state_changed(struct tcb *t);

/* Start t's host thread (asynchronous); false if its VSpace has no process to run in. */
bool host_thread_start(struct tcb *t);

/* The start of a host thread was answered (status 0 or a negative errno). */
void host_thread_started(void *cookie, int status);

/* Does t execute no component code (in the kernel, starting, or without a host thread)? */
bool host_thread_stopped(const struct tcb *t);

/*
 * The current thread's system call needs target stopped: park target, and
 * run the system call of waiter again once it stopped (the invocation
 * returns EXCEPTION_PREEMPTED meanwhile, as a preempted seL4 invocation).
 */
void host_thread_await_stop(struct tcb *waiter, struct tcb *target);

/* Answer waiter only once proc answered the command seq (the host mapping holds). */
void host_thread_await_proc(struct tcb *waiter, struct pd_proc *proc, uint64_t seq);

/* Ask a running thread to stop: it traps PARKED. */
void host_thread_park(struct host_thread *h);

/*
 * Has h's park, pending for HOST_GRACE_MS, failed to land through h's own
 * doing (or a debugger's)? Then its CPU goes on without it.
 */
bool host_thread_park_refused(struct host_thread *h);

/* May h be answered now (no barrier or wait pending)? */
bool host_thread_may_run(const struct host_thread *h);

/* Answer h: it continues with its TCB's registers and occupies cpu (-1: none). */
void host_thread_resume(struct host_thread *h, int cpu);

/* The TCB is being deleted or moved to another VSpace: end its host thread. */
void host_thread_end(struct tcb *t);

/* A PD process died: forget its host threads; its threads fault when they run. */
void host_thread_process_lost(struct pd_proc *p);

/* A PD process is being ended: forget its host threads and every wait on it. */
void host_thread_forget_proc(struct pd_proc *p);

/* The host thread's name changed (seL4_DebugNameThread). */
void host_thread_renamed(struct tcb *t);

/* Host scheduling: give up the host CPU at the next answer. */
void host_thread_yield(struct tcb *t);

/* The PD process t runs in, or NULL. */
struct pd_proc *host_thread_proc(const struct tcb *t);

/* One line about t's host side for the scheduler dump. */
int host_thread_describe(const struct tcb *t, char *buf, size_t len);

/*
 * Page faults filled from the shadow: was the last fill of t on this page
 * (then this fault is a real one)? Remember or forget the page.
 */
bool host_thread_filled(const struct tcb *t, uint64_t page);
void host_thread_set_fill(struct tcb *t, uint64_t page);

/* The watchdog: a periodic check while anything waits for a PD. */
void host_watchdog_start(void);
