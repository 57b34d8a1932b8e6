/* seL4's debug system calls, and the unknown-syscall path they live on. */
#pragma once

#include "../kernel/object.h"

void handle_unknown_syscall(struct tcb *t, seL4_Word w);

/*
 * Who may make the debug calls (kernel-sim --debug-calls): by default the
 * root task's threads only; everyone else gets an UnknownSyscall fault, as
 * on a kernel built without them.
 */
enum debug_calls { DEBUG_CALLS_ROOTTASK, DEBUG_CALLS_ALL, DEBUG_CALLS_NONE };
extern enum debug_calls debug_calls;
int debug_calls_parse(const char *who);

/*
 * A program built for a debug seL4 kernel (--sel4-config with PRINTING or
 * DEBUG_BUILD) expects the debug calls in every thread, as that kernel
 * offers them, unless --debug-calls says otherwise.
 */
void debug_calls_of_kernel(bool debug_kernel);

/*
 * Print every TCB as seL4_DebugDumpScheduler does; with host, also where it
 * runs on the host (kernel-sim does this on SIGUSR1).
 */
void dump_scheduler(bool host);
