/*
 * The names a PD process shows the host (its title and its threads' comm).
 * The runtime maps a page range of anonymous memory read-only at
 * SIM_RUNTIME_NAMES (protocol/sim/layout.h) before its seccomp program is in
 * place, and kernel-sim writes the names into it from outside, through
 * /proc/PID/mem: component code can run the runtime's code, but can neither
 * write nor remap that memory, so its process cannot look like another
 * PD's. (The host reads a process title only from anonymous memory, which
 * is why this is no file kernel-sim writes.)
 */
#pragma once

struct pd_proc;

/* A title ("[sim] NAME"); the control thread's comm becomes its short form. */
void pd_names_title(struct pd_proc *p, const char *title);

/* The comm of runtime slot index. */
void pd_names_thread(struct pd_proc *p, int index, const char *name);
