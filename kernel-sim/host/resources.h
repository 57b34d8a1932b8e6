/*
 * Host resources that can run out under kernel-sim: file descriptors,
 * memory, processes and threads, mappings. Running out is an error of the
 * invocation that needed the resource (seL4_NotEnoughMemory) or a fault of
 * the PD, never a livelock; the console says so once per episode, and the
 * totals (SIGUSR2) count every failure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum host_resource {
	HOST_FDS,
	HOST_MEMORY,
	HOST_PROCESSES,
	HOST_MAPPINGS,
	HOST_RESOURCE_COUNT,
};

/* The resource an errno of a failed host call stands for (EMFILE: fds, ...). */
enum host_resource host_resource_of(int err);

/*
 * Resource r ran out (err, a positive errno) while kernel-sim was doing
 * what. Printed the first time and again only after the resource has been
 * fine for a while, so a flood of failures is one line.
 */
void host_resource_exhausted(enum host_resource r, int err, const char *what);

/*
 * A few descriptors kept in reserve, so that kernel-sim can always serve
 * the PDs that exist even when creating more of them took every other one:
 * what it needs a descriptor for only for a moment (handing a frame to a PD
 * process, reading or recalling a frame, reading /proc, answering the sim
 * tool) gives the reserve up for one more try when the table is full:
 *
 *	fd = open(...);
 *	if (fd < 0 && fd_reserve_yield(errno)) {
 *		fd = open(...);
 *		fd_reserve_fill();
 *	}
 *
 * What a descriptor is held for (a PD process, a thread, a memfd frame)
 * never uses it: that fails, and the invocation that needed it with it.
 * fd_reserve_fill takes the reserve again (after every event, too).
 */
void fd_reserve_fill(void);

/* err (an errno) says the descriptor table is full and the reserve was given up: retry. */
bool fd_reserve_yield(int err);

/*
 * Whether n more descriptors could be opened now. A new PD process asks for
 * a margin first, so that the PDs already running keep the descriptors their
 * frames need (mapping one takes a descriptor until it is sent): at the limit
 * a new PD is refused, not an old one starved.
 */
bool fd_headroom(int n);

/* Failures so far, for the totals: "fds 3, memory 0, ...". */
void host_resource_totals(char *buf, size_t size);

/*
 * Processes and threads (RLIMIT_NPROC counts every one of the user's; root
 * is exempt): a few sleeping tasks kept in reserve, as the descriptors are,
 * so that the PDs that run can start their threads when new PDs took every
 * other task. task_reserve_whole refills the reserve and says whether it is
 * whole: a new PD process is made only then (at the limit new PDs are
 * refused, old ones not starved). task_reserve_yield(err): a thread start
 * failed with err; if that was for want of a task (EAGAIN) and the reserve
 * has one, it is given up: try again.
 */
bool task_reserve_whole(void);
bool task_reserve_yield(int err);
