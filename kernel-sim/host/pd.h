/*
 * PD processes: one Linux process per VSpace, forked by kernel-sim, confined,
 * and running pd-host. kernel-sim changes the process only by commands on
 * its control channel, each acknowledged before the command returns.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "loop.h"
#include <sim/layout.h>

struct pd_proc {
	pid_t pid;
	int ctrl;
	uint64_t syscall_ip;
	bool lost;
	char name[SIM_NAME_MAX];
	struct event_source exit_event; /* the pidfd */
	void (*on_exit)(struct pd_proc *p, int wstatus);
	void *owner; /* the VSpace the process embodies */
	unsigned threads;
	unsigned unacked; /* commands sent without waiting for their answer (maps) */
	/*
	 * Its RLIMIT_AS: the runtime as it said hello (as_base), the thread
	 * blocks up to the highest slot used, and what its VSpace maps.
	 */
	uint64_t as_base, as_mapped, as_limit;
	unsigned block_high;
	uint8_t thread_used[SIM_RUNTIME_MAX_THREADS];
	struct pd_proc *next;
};

/* Where pd-host lives; set once at start. */
void pd_set_runtime_path(const char *path);

/* Start and confine a PD process shown as "[sim] name". NULL on failure. */
struct pd_proc *pd_proc_create(const char *name);

/*
 * Map [vaddr, vaddr+size) of the file fd (a frame's; the caller keeps and
 * closes fd), read-only unless writable; a read-only mapping comes with a
 * read-only fd, so the host enforces it whatever the runtime does.
 * Maps are pipelined: the answer is collected with the next command's. A
 * thread that touches the page before the runtime mapped it takes a fault
 * that kernel-sim fills from its shadow tables, so nobody can tell.
 */
int pd_proc_map(struct pd_proc *p, uint64_t vaddr, uint64_t size, int fd, bool writable);
int pd_proc_unmap(struct pd_proc *p, uint64_t vaddr, uint64_t size);

/*
 * The VSpace maps this many bytes of frames: the process may map no more
 * than that, its runtime and its thread blocks (RLIMIT_AS, which it cannot
 * change), whatever it does with the runtime's code.
 */
void pd_proc_limit_memory(struct pd_proc *p, uint64_t mapped);

/* Wait until the runtime has carried out every command sent so far. */
int pd_proc_sync(struct pd_proc *p);

/*
 * Start a host thread; it asks for its registers on the channel whose
 * kernel-sim end is returned (or a negative errno). *index is its runtime slot.
 */
int pd_proc_start_thread(struct pd_proc *p, int *index);

/* Release a runtime thread slot once the thread is known to be gone. */
void pd_proc_release_thread(struct pd_proc *p, int index);

int pd_proc_set_name(struct pd_proc *p, const char *name);

/* Stop runtime thread index: it traps with SIM_TRAP_PARKED on its channel. */
int pd_proc_park_thread(struct pd_proc *p, int index);

/* Is the process held by a debugger or job control? */
bool pd_proc_is_stopped(struct pd_proc *p);

/* The runtime broke the protocol: end the process (its exit is reported as usual). */
int pd_proc_broken(struct pd_proc *p);

/* Send SIGKILL, as a shell's kill -9 would; its exit is reported as usual. */
int pd_proc_kill(struct pd_proc *p);

/* PD processes not yet reaped. */
unsigned pd_proc_count(void);
/* All PD processes (follow ->next). */
struct pd_proc *pd_proc_first(void);

/* End every PD process and reap it (shutdown). */
void pd_proc_kill_all(void);

/* The process is gone: reap it and release its resources. */
void pd_proc_destroy(struct pd_proc *p);
