#include "thread.h"
#include "access_time.h"
#include "names.h"
#include "../api/trap_check.h"
#include "channel.h"
#include "dispatch.h"
#include "pd.h"
#include "resources.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
#include "../kernel/schedule.h"
#include "../kernel/state.h"
#include "../kernel/thread.h"
#include "../object/vspace.h"

#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

void (*host_trap_handler)(struct tcb *t, const struct sim_trap *trap);

static struct host_thread *all_hosts;

struct host_thread *host_thread_first(void)
{
	return all_hosts;
}

static struct host_thread *host_alloc(struct tcb *t)
{
	if (!release_reserve(1))
		return NULL;
	struct host_thread *h = calloc(1, sizeof(*h));
	if (!h) {
		release_unreserve(1);
		return NULL;
	}
	h->tcb = t;
	h->chan.fd = -1;
	h->index = -1;
	h->cpu = -1;
	h->last_fill = NO_FILL;
	h->next = all_hosts;
	if (all_hosts)
		all_hosts->prev = h;
	all_hosts = h;
	return h;
}

/* Host threads whose system call waits for another thread to stop (wait_stop set). */
static unsigned long waiting_on_stop;

static void set_wait_stop(struct host_thread *h, struct tcb *t)
{
	waiting_on_stop += (unsigned long)(t != NULL) - (unsigned long)(h->wait_stop != NULL);
	h->wait_stop = t;
}

static void host_unlink(struct host_thread *h)
{
	set_wait_stop(h, NULL);
	if (h->prev)
		h->prev->next = h->next;
	else
		all_hosts = h->next;
	if (h->next)
		h->next->prev = h->prev;
	release_later(h, free);
}

/* Close the channel and give the runtime slot back; the memory goes after the event. */
static void host_release(struct host_thread *h)
{
	if (h->cpu >= 0)
		dispatch_vacate(h);
	dispatch_unhold(h);
	if (h->state == HOST_RUNNING || h->state == HOST_PARKING)
		h->proc->executing--;
	if (h->chan.fd >= 0) {
		loop_del(&h->chan);
		close(h->chan.fd);
		h->chan.fd = -1;
	}
	if (h->proc)
		pd_proc_release_thread(h->proc, h->index, true);
	if (h->tcb)
		h->tcb->host = NULL;
	h->tcb = NULL;
	h->proc = NULL;
	host_unlink(h);
}

static void send_answer(struct host_thread *h, const struct sim_resume *r)
{
	if (chan_send(h->chan.fd, r, sizeof(*r), 0, 0, -1) < 0) {
		if (kernel_verbose)
			kprintf("kernel-sim: cannot answer a thread of %s: %s\n", h->proc->name,
				strerror(errno));
		pd_proc_broken(h->proc, "does not take answers");
	}
}

/* Tell a host thread whose TCB is gone to end. */
static void send_exit(struct host_thread *h)
{
	struct sim_resume r;
	memset(&r, 0, sizeof(r));
	r.kind = SIM_RESUME_EXIT;
	r.park_seq = h->park_seq;
	send_answer(h, &r);
	host_release(h);
}

/* --- Starting ------------------------------------------------------------- */

static void on_channel(struct event_source *s, uint32_t events);

static bool start_in(struct host_thread *h, struct pd_proc *p)
{
	int index;
	int fd = pd_proc_start_thread(p, &index, h);
	if (fd < 0) {
		host_resource_exhausted(host_resource_of(-fd), -fd, "starting a thread");
		return false;
	}
	h->proc = p;
	h->index = index;
	h->chan.fd = fd;
	h->chan.ready = on_channel;
	h->state = HOST_STARTING;
	loop_add(&h->chan, EPOLLIN);
	return true;
}

bool host_thread_start(struct tcb *t)
{
	if (t->host)
		return true;
	if (t->dead)
		return false;
	struct vspace *vs = thread_vspace(t);
	struct pd_proc *p = vs ? vspace_process_to_run(vs) : NULL;
	if (!p)
		return false;
	struct host_thread *h = host_alloc(t);
	if (!h)
		return false;
	if (!start_in(h, p)) {
		host_unlink(h);
		return false;
	}
	t->host = h;
	h->name_dirty = t->name[0] != 0;
	return true;
}

void host_thread_started(void *cookie, int status)
{
	struct host_thread *h = cookie;
	if (status == 0)
		return; /* its START trap follows on its channel */
	struct pd_proc *p = h->proc;
	/* No task for it (the user's process limit), but one in reserve: give that up. */
	bool again = status == -EBUSY || task_reserve_yield(-status);
	if (status != -EBUSY)
		host_resource_exhausted(host_resource_of(-status), -status,
					"a PD process started a thread");
	loop_del(&h->chan);
	close(h->chan.fd);
	h->chan.fd = -1;
	pd_proc_release_thread(p, h->index, status == -EBUSY);
	/* A slot whose last thread is still on its way out: take another. */
	if (again && h->tcb && start_in(h, p))
		return;
	if (h->tcb)
		pd_proc_broken(p, "cannot start a thread");
	h->proc = NULL;
	host_release(h);
}

void host_thread_state_changed(struct tcb *t)
{
	/* Start early, so that the host thread is ready when the thread is chosen. */
	if (is_runnable(t) && !t->host)
		host_thread_start(t);
}

/* --- Traps ----------------------------------------------------------------- */

/* The registers a thread stopped with; it executes the interrupted instruction again. */
static void absorb_trap(struct tcb *t, const struct sim_trap *trap)
{
	if (trap->kind == SIM_TRAP_START)
		return; /* not yet in user mode: the TCB's registers stand */
	seL4_Word fs = t->regs.fs_base, gs = t->regs.gs_base;
	t->regs = trap->regs;
	t->regs.fs_base = fs;
	t->regs.gs_base = gs;
	/* Stopped before the trapping instruction: it runs again when answered. */
	t->regs.rip = trap->kind == SIM_TRAP_SYSCALL ? trap->regs.rip - 2 : trap->regs.rip;
	t->next_ip = t->regs.rip;
}

/* A thread that ran stopped: its CPU is free, its time charged. */
static void stopped_running(struct host_thread *h)
{
	dispatch_run_ended(h);
	h->state = HOST_IN_KERNEL;
	h->proc->executing--;
	h->park_sent = 0;
	/* Host scheduling: a runnable thread back in the kernel is due an answer. */
	if (!sched_is_sel4() && h->tcb && is_runnable(h->tcb))
		tcb_sched_append(h->tcb);
}

/* A kernel entry of t with this trap, on the CPU it holds. */
static void enter_kernel(struct tcb *t, int cpu, const struct sim_trap *trap)
{
	sched_enter(cpu >= 0 ? (unsigned)cpu : t->affinity, t);
	ks_cur_thread = t;
	host_trap_handler(t, trap);
	ks_cur_thread = NULL;
}

/*
 * stopped stopped: a thread whose system call waits for that runs it again
 * now, while both are in the kernel, if it still holds its CPU (else it
 * runs it again when it next runs).
 */
static void wake_waiters(const struct tcb *stopped)
{
	if (!waiting_on_stop)
		return; /* the usual case: no walk over every thread */
	for (struct host_thread *w = all_hosts; w; w = w->next) {
		if (w->wait_stop != stopped)
			continue;
		set_wait_stop(w, NULL);
		struct tcb *t = w->tcb;
		if (!t || w->state != HOST_IN_KERNEL || t->state != ThreadState_Restart)
			continue;
		if (sched_is_sel4() ? t != sched_cur_thread(t->affinity) : !t->sched_queued)
			continue;
		struct sim_trap trap;
		memset(&trap, 0, sizeof(trap));
		trap.kind = SIM_TRAP_SYSCALL;
		trap.arch = AUDIT_ARCH_X86_64;
		trap.regs = t->regs;
		trap.regs.rip = t->regs.rip + 2; /* as the trap reports it: after the syscall */
		t->state = ThreadState_Running;
		enter_kernel(t, -1, &trap);
	}
}

/*
 * The thread's channel carried what no runtime sends: component code, which
 * can run the runtime's code with any registers, wrote to it. Its PD is
 * ended, and its threads get the PD-lost fault as for any death of the
 * process (which is how that fault can never be forged).
 */
static void malformed(struct host_thread *h, const char *what)
{
	char why[160];
	snprintf(why, sizeof(why), "sent %s on the channel of thread \"%.40s\"", what,
		 h->tcb ? h->tcb->name : "");
	pd_proc_broken(h->proc, why);
}

static void on_trap(struct host_thread *h, const struct sim_trap *trap)
{
	struct tcb *t = h->tcb;
	const char *bad = trap_malformed(trap);
	if (bad) {
		malformed(h, bad);
		return;
	}
	access_time_trapped(h, trap);
	switch (h->state) {
	case HOST_STARTING:
		if (trap->kind != SIM_TRAP_START)
			break;
		h->tid = (pid_t)trap->tid;
		h->state = HOST_IN_KERNEL;
		if (!t)
			send_exit(h);
		return;
	case HOST_PARKING:
		stopped_running(h);
		if (!t) {
			send_exit(h);
			return;
		}
		absorb_trap(t, trap);
		wake_waiters(t);
		return;
	case HOST_RUNNING: {
		int cpu = h->cpu;
		stopped_running(h);
		/*
		 * Stopped by a signal from outside, preempted by the tick before
		 * it trapped, or a thread the kernel considers stopped already.
		 */
		if (trap->kind == SIM_TRAP_PARKED || trap->kind == SIM_TRAP_START ||
		    (cpu >= 0 && dispatch_preempted(cpu)) || !is_runnable(t)) {
			absorb_trap(t, trap);
			wake_waiters(t);
			return;
		}
		uint64_t entered = dispatch_kernel_clock();
		enter_kernel(t, cpu, trap);
		dispatch_charge_kernel(cpu, t, entered);
		wake_waiters(t);
		return;
	}
	case HOST_IN_KERNEL:
		malformed(h, "a second trap before the answer to the first");
		return;
	}
	malformed(h, "a trap before its thread started");
}

static void on_channel(struct event_source *s, uint32_t events)
{
	struct host_thread *h =
	    (struct host_thread *)((char *)s - offsetof(struct host_thread, chan));
	(void)events;
	if (s->fd < 0)
		return; /* released earlier in this batch */
	struct sim_trap trap;
	ssize_t n = chan_recv(s->fd, &trap, sizeof(trap), NULL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n == 0 || (n < 0 && errno != EMSGSIZE)) {
		/* The host thread is gone; its process's exit is handled apart. */
		loop_del(s);
		return;
	}
	if (h->proc->lost)
		return; /* its process is being ended: nothing it says counts */
	if (n != (ssize_t)sizeof(trap)) {
		malformed(h, "a message of the wrong size");
		return;
	}
	on_trap(h, &trap);
}

/* --- Answers, parks and waits ------------------------------------------------ */

bool host_thread_stopped(const struct tcb *t)
{
	return !t->host || t->host->state == HOST_STARTING || t->host->state == HOST_IN_KERNEL;
}

void host_thread_park(struct host_thread *h)
{
	if (h->state != HOST_RUNNING)
		return;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIM_PARK_SIGNAL;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_ptr = (void *)(uintptr_t)++h->park_seq;
	h->state = HOST_PARKING;
	h->park_sent = loop_now_ns();
	h->park_ran = 0;
	host_watchdog_start();
	if (syscall(SYS_rt_tgsigqueueinfo, h->proc->pid, h->tid, SIM_PARK_SIGNAL, &si) != 0)
		pd_proc_broken(h->proc, "lost a thread");
}

void host_thread_await_stop(struct tcb *waiter, struct tcb *target)
{
	if (target->host)
		host_thread_park(target->host);
	if (waiter->host)
		set_wait_stop(waiter->host, target);
}

void host_thread_await_proc(struct tcb *waiter, struct pd_proc *proc, uint64_t seq)
{
	struct host_thread *h = waiter ? waiter->host : NULL;
	if (!h || pd_proc_answered(proc, seq))
		return;
	if (h->wait_proc && h->wait_proc != proc && !pd_proc_answered(h->wait_proc, h->wait_seq))
		return; /* at most one process to wait for: that one is the slower anyway */
	if (h->wait_proc != proc)
		h->wait_since = loop_now_ns();
	h->wait_proc = proc;
	h->wait_seq = seq;
}

/* Host run time a thread with a park pending may use before it is judged not to stop. */
#define PARK_RUN_NS (20 * 1000000ull)

/*
 * A thread with a park pending takes the signal the moment the host runs
 * it. If it has not stopped within the grace, it does not stop if it
 * sleeps in the host with the signal pending (it blocks it), if a debugger
 * stopped it (for the time being), or if it ran PARK_RUN_NS in the host
 * since the grace ended. A thread still runnable that the host has not
 * run (a loaded host: it waits for a host core) is not judged; until it
 * stops its CPU runs no other thread, as seL4's CPU runs one thread at a
 * time. The verdict costs two /proc reads, only past the grace.
 */
bool host_thread_park_refused(struct host_thread *h)
{
	if (h->state != HOST_PARKING || !host_past_grace(h->park_sent) || chan_pending(h->chan.fd))
		return false;
	char state;
	uint64_t ran;
	if (pd_proc_thread_sched(h->proc, h->tid, &state, &ran) != 0 || state != 'R')
		return true;
	if (!h->park_ran) {
		h->park_ran = ran | 1;
		return false;
	}
	return ran - h->park_ran >= PARK_RUN_NS;
}

bool host_thread_may_run(const struct host_thread *h)
{
	if (h->state != HOST_IN_KERNEL || !pd_proc_settled(h->proc))
		return false;
	/* A PD that does not carry out an unmap holds the invoker up only so long. */
	if (h->wait_proc && !pd_proc_answered(h->wait_proc, h->wait_seq) &&
	    !host_past_grace(h->wait_since))
		return false;
	return !h->wait_stop || host_thread_stopped(h->wait_stop);
}

void host_thread_resume(struct host_thread *h, int cpu)
{
	struct tcb *t = h->tcb;
	activate_thread(t);
	h->wait_proc = NULL;
	set_wait_stop(h, NULL);
	struct sim_resume r;
	memset(&r, 0, sizeof(r));
	r.kind = SIM_RESUME_CONTINUE;
	r.flags = SIM_RESUME_SET_FS | SIM_RESUME_SET_GS;
	r.park_seq = h->park_seq;
	r.regs = t->regs;
	r.regs.rip = t->next_ip;
	if (h->yield) {
		r.flags |= SIM_RESUME_YIELD;
		h->yield = false;
	}
	if (h->name_dirty) {
		r.flags |= SIM_RESUME_NAME;
		size_t n = strnlen(t->name, sizeof(r.name) - 1);
		memcpy(r.name, t->name, n);
		pd_names_thread(h->proc, h->index, r.name);
		h->name_dirty = false;
	}
	h->state = HOST_RUNNING;
	h->proc->executing++;
	h->cpu = cpu;
	r.answer_tsc = access_time_answer(h);
	send_answer(h, &r);
}

/* --- Ending ----------------------------------------------------------------- */

/* Nobody may wait for a thread that is gone. */
static void forget_waits_on(struct tcb *t)
{
	for (struct host_thread *h = all_hosts; h && waiting_on_stop; h = h->next)
		if (h->wait_stop == t)
			set_wait_stop(h, NULL);
}

void host_thread_end(struct tcb *t)
{
	forget_waits_on(t);
	struct host_thread *h = t->host;
	if (!h)
		return;
	t->host = NULL;
	h->tcb = NULL;
	switch (h->state) {
	case HOST_IN_KERNEL:
		send_exit(h);
		return;
	case HOST_RUNNING:
		host_thread_park(h); /* it exits when the park lands */
		return;
	default:
		return; /* exits at its next trap, or goes with a failed start */
	}
}

void host_thread_forget_proc(struct pd_proc *p)
{
	for (struct host_thread *h = all_hosts, *next; h; h = next) {
		next = h->next;
		if (h->wait_proc == p)
			h->wait_proc = NULL;
		if (h->proc == p)
			host_release(h);
	}
}

void host_thread_process_lost(struct pd_proc *p)
{
	host_thread_forget_proc(p);
}

/* --- Small things ---------------------------------------------------------- */

void host_thread_renamed(struct tcb *t)
{
	if (t->host)
		t->host->name_dirty = true;
}

void host_thread_yield(struct tcb *t)
{
	if (t->host)
		t->host->yield = true;
}

struct pd_proc *host_thread_proc(const struct tcb *t)
{
	return t->host ? t->host->proc : NULL;
}

int host_thread_describe(const struct tcb *t, char *buf, size_t len)
{
	static const char *const names[] = {
	    [HOST_STARTING] = "starting",
	    [HOST_IN_KERNEL] = "in-kernel",
	    [HOST_RUNNING] = "running",
	    [HOST_PARKING] = "parking",
	};
	const struct host_thread *h = t->host;
	if (!h)
		return snprintf(buf, len, "-");
	return snprintf(buf, len, "pid %d tid %d slot %d %s%s park %lu", (int)h->proc->pid,
			(int)h->tid, h->index, names[h->state], h->cpu >= 0 ? " on-cpu" : "",
			(unsigned long)h->park_seq);
}

bool host_thread_filled(const struct tcb *t, uint64_t page)
{
	return t->host && t->host->last_fill == page;
}

void host_thread_set_fill(struct tcb *t, uint64_t page)
{
	if (t->host)
		t->host->last_fill = page;
}
