/* seL4's debug system calls, and the unknown-syscall path they live on. */
#pragma once

#include "../kernel/object.h"

void handle_unknown_syscall(struct tcb *t, seL4_Word w);

/*
 * Print every TCB as seL4_DebugDumpScheduler does; with host, also where it
 * runs on the host (kernel-sim does this on SIGUSR1).
 */
void dump_scheduler(bool host);
