#include "confine.h"
#include <sim/layout.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Empty every capability set, including the bounding and ambient sets. */
static int drop_capabilities(void)
{
	cap_t cur = cap_get_proc();
	if (!cur)
		return -1;
	cap_flag_value_t setpcap = CAP_CLEAR;
	cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
	cap_free(cur);

	/*
	 * Clearing the bounding set needs CAP_SETPCAP. Without it (kernel-sim
	 * run by an ordinary user) the PD enters a user namespace of its own,
	 * where it holds that capability, and empties the set there.
	 */
	if (setpcap != CAP_SET && unshare(CLONE_NEWUSER) != 0)
		return -1;

	/* Up to the first number the running kernel does not know. */
	for (cap_value_t c = 0; c < 64; c++) {
		if (cap_drop_bound(c) == 0)
			continue;
		if (errno == EINVAL)
			break;
		return -1;
	}
	if (cap_reset_ambient() != 0 && errno != EINVAL)
		return -1;
	cap_t none = cap_init();
	if (!none)
		return -1;
	int rc = cap_set_proc(none);
	cap_free(none);
	return rc;
}

void confine_and_exec(int ctrl_fd, pid_t parent, const char *runtime, char *const argv[])
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(CONFINE_ERR_PARENT);

	/* Terminal signals are for kernel-sim; it ends its PDs itself. */
	setsid();
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);

	if (ctrl_fd != SIM_CTRL_FD) {
		if (dup2(ctrl_fd, SIM_CTRL_FD) != SIM_CTRL_FD)
			_exit(CONFINE_ERR_FDS);
	} else if (fcntl(SIM_CTRL_FD, F_SETFD, 0) != 0) {
		_exit(CONFINE_ERR_FDS);
	}
	if (syscall(SYS_close_range, SIM_CTRL_FD + 1, ~0u, 0) != 0)
		_exit(CONFINE_ERR_FDS);
	for (int fd = 0; fd < SIM_CTRL_FD; fd++)
		close(fd);

	/*
	 * Descriptors: the control channel, one channel per thread, and the
	 * frames of map commands in flight. A PD that keeps what it is sent
	 * can hold no more than that (and holds no memory with it: a frame's
	 * memory goes when the frame does).
	 */
	struct rlimit files;
	rlim_t most = SIM_CTRL_FD + 1 + SIM_RUNTIME_MAX_THREADS + 64;
	if (getrlimit(RLIMIT_NOFILE, &files) != 0)
		_exit(CONFINE_ERR_FDS);
	files.rlim_max = files.rlim_max < most ? files.rlim_max : most;
	files.rlim_cur = files.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &files) != 0)
		_exit(CONFINE_ERR_FDS);

	/* No core files: a PD's memory is not written into kernel-sim's directory. */
	struct rlimit no_core = {0, 0};
	if (setrlimit(RLIMIT_CORE, &no_core) != 0)
		_exit(CONFINE_ERR_PRCTL);

	if (drop_capabilities() != 0)
		_exit(CONFINE_ERR_CAPS);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_DUMPABLE, 1) != 0)
		_exit(CONFINE_ERR_PRCTL);

	char *const envp[] = {0};
	execve(runtime, argv, envp);
	_exit(CONFINE_ERR_EXEC);
}

const char *confine_status_string(int status)
{
	switch (status) {
	case CONFINE_ERR_PARENT:
		return "could not tie itself to kernel-sim";
	case CONFINE_ERR_FDS:
		return "could not close its descriptors";
	case CONFINE_ERR_CAPS:
		return "could not drop its capabilities (no CAP_SETPCAP and no user namespaces?)";
	case CONFINE_ERR_PRCTL:
		return "could not set no_new_privs";
	case CONFINE_ERR_EXEC:
		return "could not execute pd-host";
	default:
		return "failed";
	}
}
