#include "resources.h"
#include "../kernel/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* A resource that failed within this many seconds is still in the same episode. */
#define EPISODE_QUIET_S 10

static const char *const names[HOST_RESOURCE_COUNT] = {
    [HOST_FDS] = "file descriptors",
    [HOST_MEMORY] = "memory",
    [HOST_PROCESSES] = "processes",
    [HOST_MAPPINGS] = "mappings",
};

static struct {
	unsigned long failures;
	unsigned long unreported; /* failures since the episode's first line */
	struct timespec last;
	bool seen;
} state[HOST_RESOURCE_COUNT];

enum host_resource host_resource_of(int err)
{
	switch (err) {
	case EMFILE:
	case ENFILE:
		return HOST_FDS;
	case EAGAIN:
		return HOST_PROCESSES;
	default:
		return HOST_MEMORY;
	}
}

/* What limits this resource, for the message. */
static void limit_hint(enum host_resource r, char *buf, size_t size)
{
	struct rlimit l;
	buf[0] = 0;
	if (r == HOST_FDS && getrlimit(RLIMIT_NOFILE, &l) == 0)
		snprintf(buf, size, " (open-file limit %lu)", (unsigned long)l.rlim_cur);
	else if (r == HOST_PROCESSES && getrlimit(RLIMIT_NPROC, &l) == 0 &&
		 l.rlim_cur != RLIM_INFINITY)
		snprintf(buf, size, " (process limit %lu)", (unsigned long)l.rlim_cur);
}

void host_resource_exhausted(enum host_resource r, int err, const char *what)
{
	if (r >= HOST_RESOURCE_COUNT)
		r = HOST_MEMORY;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	bool new_episode = !state[r].seen || now.tv_sec - state[r].last.tv_sec >= EPISODE_QUIET_S;
	state[r].failures++;
	state[r].last = now;
	state[r].seen = true;
	if (!new_episode) {
		state[r].unreported++;
		return;
	}
	char hint[64], more[64] = "";
	limit_hint(r, hint, sizeof(hint));
	if (state[r].unreported)
		snprintf(more, sizeof(more), "; %lu more failures before", state[r].unreported);
	state[r].unreported = 0;
	kprintf("kernel-sim: out of host %s%s while %s: %s; what needed them fails "
		"(NotEnoughMemory or a fault of that PD), the rest runs on%s\n",
		names[r], hint, what, strerror(err), more);
}

#define FD_RESERVE 4
static int reserve[FD_RESERVE];
static int reserved;

void fd_reserve_fill(void)
{
	while (reserved < FD_RESERVE) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		reserve[reserved++] = fd;
	}
}

bool fd_reserve_yield(int err)
{
	if ((err != EMFILE && err != ENFILE) || reserved == 0)
		return false;
	while (reserved > 0)
		close(reserve[--reserved]);
	return true;
}

bool fd_headroom(int n)
{
	int fds[16], got = 0;
	if (n > 16)
		n = 16;
	while (got < n && (fds[got] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		got++;
	int err = errno;
	for (int i = 0; i < got; i++)
		close(fds[i]);
	errno = err;
	return got == n;
}

void host_resource_totals(char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (unsigned r = 0; r < HOST_RESOURCE_COUNT && n < size; r++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s %lu", n ? ", " : "", names[r],
				      state[r].failures);
}
