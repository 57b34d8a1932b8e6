/*
 * The task reserve (resources.h): RLIMIT_NPROC counts every process and
 * thread of a user, and a PD needs a task for each of its threads. A few
 * sleeping tasks, counted like any other, keep room for the PDs that run
 * when new ones took the rest: a thread start that fails for want of a
 * task ends one of them and tries again, and a new PD process is made only
 * while the reserve is whole.
 *
 * The sleepers share kernel-sim's memory (CLONE_VM: nothing is copied) and
 * run only raw system calls on stacks of their own, every signal blocked:
 * they touch none of kernel-sim's state, and die with it (parent-death
 * signal).
 */
#include "resources.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TASK_RESERVE	   4
#define SLEEPER_STACK_SIZE 4096

/* Slot i: a sleeper on stacks[i], or 0. */
static pid_t sleepers[TASK_RESERVE];
static int active = -1; /* -1: not decided yet */
static _Alignas(16) char stacks[TASK_RESERVE][SLEEPER_STACK_SIZE];

static long raw_syscall2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

/* A sleeper: no libc (it shares kernel-sim's thread-local state), nothing but waiting. */
__attribute__((no_sanitize("address", "undefined"))) static int sleeper(void *parent)
{
	static const char name[] = "sim-reserve";
	raw_syscall2(SYS_prctl, PR_SET_NAME, (long)name);
	raw_syscall2(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
	if (raw_syscall2(SYS_getppid, 0, 0) != (long)(intptr_t)parent)
		raw_syscall2(SYS_exit, 0, 0);
	for (;;)
		raw_syscall2(SYS_pause, 0, 0);
	return 0;
}

/* Only a user the process limit applies to needs one (root is exempt from it). */
static bool reserve_active(void)
{
	if (active < 0) {
		struct rlimit l;
		active = getuid() != 0 && getrlimit(RLIMIT_NPROC, &l) == 0 &&
			 l.rlim_cur != RLIM_INFINITY;
	}
	return active;
}

/* Sleepers alive; those that something else ended are reaped (a dead one still counts). */
static int count_alive(void)
{
	int n = 0;
	for (int i = 0; i < TASK_RESERVE; i++) {
		if (sleepers[i] && waitpid(sleepers[i], NULL, WNOHANG) == sleepers[i])
			sleepers[i] = 0;
		n += sleepers[i] != 0;
	}
	return n;
}

bool task_reserve_whole(void)
{
	if (!reserve_active())
		return true;
	if (count_alive() == TASK_RESERVE)
		return true;
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old); /* the sleeper starts with every signal blocked */
	bool whole = true;
	for (int i = 0; i < TASK_RESERVE && whole; i++) {
		if (sleepers[i])
			continue;
		pid_t pid = clone(sleeper, stacks[i] + SLEEPER_STACK_SIZE, CLONE_VM | SIGCHLD,
				  (void *)(intptr_t)getpid());
		if (pid > 0)
			sleepers[i] = pid;
		else
			whole = false;
	}
	int err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return whole;
}

bool task_reserve_yield(int err)
{
	if (err != EAGAIN || !reserve_active() || count_alive() == 0)
		return false;
	int i = TASK_RESERVE - 1;
	while (!sleepers[i])
		i--;
	pid_t pid = sleepers[i];
	sleepers[i] = 0;
	kill(pid, SIGKILL);
	/* reaped, it no longer counts: a sleeper killed ends at once */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return true;
}
