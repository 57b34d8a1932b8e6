/* System-call entry: every trap of a thread ends up here. */
#pragma once

#include "../kernel/object.h"
#include <sim/trap.h>

void handle_trap(struct tcb *t, const struct sim_trap *trap);

/* Set when a thread halted the system: kernel-sim ends with this status. */
extern bool system_halted;
extern int system_exit_status;
