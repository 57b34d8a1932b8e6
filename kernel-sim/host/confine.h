/* What a freshly forked PD process does to itself before it runs pd-host. */
#pragma once

#include <sys/types.h>

/*
 * In the child: keep only ctrl_fd (as SIM_CTRL_FD), drop every Linux
 * capability, set no_new_privs and a parent-death signal, then exec the
 * runtime. Never returns; exits with a confine_status on failure.
 */
__attribute__((noreturn)) void confine_and_exec(int ctrl_fd, pid_t parent, const char *runtime,
						char *const argv[]);

enum confine_status {
	CONFINE_ERR_PARENT = 120,
	CONFINE_ERR_FDS,
	CONFINE_ERR_CAPS,
	CONFINE_ERR_PRCTL,
	CONFINE_ERR_EXEC,
};

const char *confine_status_string(int status);
