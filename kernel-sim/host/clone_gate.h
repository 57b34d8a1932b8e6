/*
 * Host threads only at kernel-sim's command. The seccomp program hands every
 * clone of a PD process (with the runtime's flags; any other clone ends the
 * process) to kernel-sim as a user notification, and kernel-sim lets one
 * through for each thread start it commanded (a THREAD command in flight
 * whose clone has not come yet), from the runtime's control thread, while
 * the process has at most SIM_RUNTIME_MAX_THREADS tasks besides it. Any
 * other clone ends the PD: component code that runs the runtime's code
 * cannot make threads kernel-sim does not know, nor more than the runtime
 * has slots for.
 */
#pragma once

#include "loop.h"

struct pd_proc;

struct clone_gate {
	struct event_source ev; /* the seccomp listener of the process */
};

/* Take the listener the runtime sent with its filter's answer (closed on failure). */
int clone_gate_open(struct pd_proc *p, int listener);
void clone_gate_close(struct pd_proc *p);
