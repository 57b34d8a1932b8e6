/*
 * PD processes: one Linux process per VSpace, forked by kernel-sim, confined,
 * and running pd-host. kernel-sim changes the process only by commands on
 * its control channel, and never waits for one: commands are queued and
 * pipelined, their answers come back as events and are counted
 * (acked_seq). What must hold before a thread of the PD runs again (an
 * unmap, fewer rights, a mapping a fault waits for) is a barrier the
 * dispatcher checks (barrier_seq). A runtime that does not answer within
 * PD_ANSWER_TIMEOUT_MS is ended: its PD is lost, nothing else waits for it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "clone_gate.h"
#include "loop.h"
#include <sim/layout.h>

/* How long a runtime may take to answer a command or to stop a thread. */
#define PD_ANSWER_TIMEOUT_MS 2000

/*
 * How long anything else waits for a PD's runtime at most: a CPU for a park
 * to land or for the chosen thread's PD, an invoker for an unmap to be
 * carried out. Then it goes on; a PD that misbehaves costs others this much
 * once, and is ended at PD_ANSWER_TIMEOUT_MS.
 */
#define HOST_GRACE_MS 250

/* Has a wait that began at since (ns, 0: none) lasted longer than HOST_GRACE_MS? */
bool host_past_grace(uint64_t since);

/* Answers in flight at most: neither side's socket buffer can fill. */
#define PD_CTRL_WINDOW 32

struct pd_cmd {
	uint64_t seq;
	uint32_t op;
	uint32_t index; /* THREAD: runtime slot */
	uint64_t vaddr;
	uint64_t size;
	uint32_t prot; /* MAP */
	int fd; /* THREAD: the thread's channel; MAP: the frame's file (or -1: the shadow's) */
	void *cookie; /* THREAD: told the outcome (host_thread_started) */
	bool cloned;  /* THREAD: the clone it asked for went through (clone_gate.c) */
};

enum pd_phase {
	PD_HELLO, /* forked; its runtime has not said HELLO yet */
	PD_READY, /* confined (FILTER sent first), commands flow */
};

struct pd_proc {
	pid_t pid;
	clockid_t cpu_clock;  /* the process's CPU-time clock */
	uint64_t cpu_seen_ns; /* its last reading */
	uint64_t cpu_owed_ns; /* charged since then to short runs, without a reading */
	struct event_source ctrl;
	struct event_source exit_event; /* the pidfd */
	struct clone_gate gate;		/* its clones, answered by kernel-sim */
	enum pd_phase phase;
	bool lost;
	bool out_blocked; /* the channel is full: sending resumes on EPOLLOUT */
	uint64_t syscall_ip;
	char name[SIM_NAME_MAX];
	void (*on_exit)(struct pd_proc *p, int wstatus);
	void *owner; /* the VSpace the process embodies */

	/* Commands: queued, then in flight until answered, in order. */
	struct pd_cmd *queue;
	size_t q_head, q_len, q_cap;
	struct pd_cmd inflight[PD_CTRL_WINDOW];
	unsigned in_head, in_count;
	uint64_t queued_seq;	/* the last command queued */
	uint64_t acked_seq;	/* the last command answered */
	uint64_t barrier_seq;	/* threads run only once this one is answered */
	uint64_t waiting_since; /* ns: the oldest unanswered command was sent (0: none) */

	unsigned threads;   /* runtime slots in use */
	unsigned executing; /* host threads that may be running component code */
	/*
	 * Its RLIMIT_AS: the runtime as it said hello (as_base), the thread
	 * blocks up to the highest slot used, and what its VSpace maps.
	 */
	uint64_t as_base, as_mapped, as_limit;
	unsigned block_high;
	uint8_t thread_used[SIM_RUNTIME_MAX_THREADS]; /* SLOT_FREE, SLOT_USED, SLOT_LEAVING */
	struct pd_proc *next;
};

/* A frame mapping as the host must see it (fd: a descriptor to close after use). */
struct pd_mapping {
	int fd;
	uint64_t size;
	bool writable;
};

/*
 * The mapping the shadow tables hold at vaddr for process p's VSpace: 1,
 * 0 if none, or a negative errno if its file cannot be opened. Maps are resolved when they are
 * sent, so a queued map always carries what is true then.
 */
extern int (*pd_mapping_of)(struct pd_proc *p, uint64_t vaddr, struct pd_mapping *m);

/* Where pd-host lives; set once at start. */
void pd_set_runtime_path(const char *path);

/*
 * Fork and confine a PD process shown as "[sim] name" (NULL on failure).
 * Its handshake completes later; commands queue until then.
 */
struct pd_proc *pd_proc_create(const char *name);

/*
 * Queue a map of the file fd (a frame's, from frame_open_for_pd; the queue
 * closes it once sent), read-only unless writable; with fd -1, of whatever
 * frame the shadow holds at vaddr when it is sent. Returns its sequence number.
 */
uint64_t pd_proc_map(struct pd_proc *p, uint64_t vaddr, uint64_t size, int fd, bool writable);
/* Queue the removal of [vaddr, vaddr+size); returns its sequence number. */
uint64_t pd_proc_unmap(struct pd_proc *p, uint64_t vaddr, uint64_t size);

/*
 * The VSpace maps this many bytes of frames: the process may map no more
 * than that, its runtime and its thread blocks (RLIMIT_AS, which it cannot
 * change), whatever it does with the runtime's code.
 */
void pd_proc_limit_memory(struct pd_proc *p, uint64_t mapped);

/*
 * May p map more bytes of frames? Raises its RLIMIT_AS to take them: 0, or
 * a negative errno if that cannot be done (a lower hard limit set from
 * outside), and the map must not be sent (the process would fail it).
 */
int pd_proc_may_map(struct pd_proc *p, uint64_t more);

/* No thread of p runs before every command queued so far is answered. */
void pd_proc_set_barrier(struct pd_proc *p);

/* Has the runtime answered the command with this sequence number? */
static inline bool pd_proc_answered(const struct pd_proc *p, uint64_t seq)
{
	return p->lost || p->acked_seq >= seq;
}

/* May threads of p run (every barrier command answered)? */
static inline bool pd_proc_settled(const struct pd_proc *p)
{
	return pd_proc_answered(p, p->barrier_seq);
}

/*
 * Start a host thread: allocate a runtime slot and queue its start. Returns
 * kernel-sim's end of the thread's channel (or a negative errno); *index is
 * its slot. The outcome reaches host_thread_started(cookie, status).
 */
int pd_proc_start_thread(struct pd_proc *p, int *index, void *cookie);

/* Release a runtime thread slot; leaving: its thread may still be on its way out. */
void pd_proc_release_thread(struct pd_proc *p, int index, bool leaving);

void pd_proc_set_name(struct pd_proc *p, const char *name);

/* Let process tracer (and its descendants) ptrace the PD under Yama's scope 1. */
void pd_proc_set_tracer(struct pd_proc *p, pid_t tracer);

/* Is the process held by a debugger or job control? */
bool pd_proc_is_stopped(struct pd_proc *p);

/* The CPU time the process has used so far, in ns (cpu_seen_ns if it cannot be read). */
uint64_t pd_proc_cpu_ns(struct pd_proc *p);

/*
 * One of p's host threads as Linux sees it: its state (the letter of
 * /proc/PID/task/TID/stat: R runnable, S sleeping, t stopped by a
 * debugger, ...) and the CPU time it has run (schedstat); -1 if it is gone.
 */
int pd_proc_thread_sched(struct pd_proc *p, pid_t tid, char *state, uint64_t *ran_ns);

/* The runtime broke the protocol or stopped answering: end the process. */
int pd_proc_broken(struct pd_proc *p, const char *why);

/* Send SIGKILL, as a shell's kill -9 would; its exit is reported as usual. */
int pd_proc_kill(struct pd_proc *p);

/* PD processes not yet reaped. */
unsigned pd_proc_count(void);
/* All PD processes (follow ->next). */
struct pd_proc *pd_proc_first(void);

/* End every PD process and reap it (shutdown). */
void pd_proc_kill_all(void);

/* Forget the process: it is killed and reaped in the background. */
void pd_proc_destroy(struct pd_proc *p);

/* Called by the watchdog: end every process that has not answered in time. */
void pd_proc_check_timeouts(uint64_t now);

/* Has any process unanswered commands (the watchdog must keep running)? */
bool pd_proc_any_waiting(void);
