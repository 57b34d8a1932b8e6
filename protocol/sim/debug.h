/*
 * sel4-sim debug extensions. Like seL4's debug calls they travel on the
 * unknown-syscall path (a syscall instruction whose rdx names no API call);
 * their numbers lie far from seL4's own.
 */
#pragma once

/*
 * SIM_SysDebugThreadState: rdi = a TCB capability; returns in rdi the
 * thread's seL4 thread state (ThreadState_Inactive 0, Running 1, Restart 2,
 * BlockedOnReceive 3, BlockedOnSend 4, BlockedOnReply 5,
 * BlockedOnNotification 6), or ~0 if rdi names no TCB. A test on a host
 * that runs threads in parallel needs it where sel4test relies on priorities.
 */
#define SIM_SysDebugThreadState (-0x5301l)

#define SIM_ThreadStateInvalid (~0ul)

/*
 * SIM_SysDebugKillPD: rdi = a VSpace root (PML4) capability with an ASID.
 * kernel-sim kills that VSpace's PD process with SIGKILL, exactly as `kill -9`
 * from a shell would; what follows is the usual PD-lost path (sim/faults.h).
 * Returns in rdi 0, or ~0 if rdi names no such VSpace or it has no running
 * process. A thread may kill its own PD.
 */
#define SIM_SysDebugKillPD (-0x5302l)

/*
 * SIM_SysDebugHostResources: returns in rdi the number of file descriptors
 * kernel-sim holds open and in rsi the number of PD processes it has not yet
 * reaped. Tests compare the two before and after a PD comes and goes.
 */
#define SIM_SysDebugHostResources (-0x5303l)

/*
 * SIM_SysDebugPutString: rdi = a length n; the first n bytes of the
 * message registers in the thread's IPC buffer (from MR0 on, at most
 * seL4_MsgMaxLength words) go to the console as seL4_DebugPutChar would
 * print them one by one. One kernel entry per line instead of one per
 * character: core prints every LOG line of the system.
 */
#define SIM_SysDebugPutString (-0x5304l)

/*
 * SIM_SysDebugHaltStatus: rdi = an exit status. Halts the system as
 * seL4_DebugHalt does (which always ends kernel-sim with status 0), and
 * kernel-sim exits with the low 8 bits of rdi.
 */
#define SIM_SysDebugHaltStatus (-0x5305l)

/*
 * SIM_SysDebugInterruptAfterWork: rdi = an ISA line (0-15), rsi = a number
 * of work units. The line is pulsed, as a device would pulse it, once the
 * kernel has done that many more units of preemptible work (the units of
 * seL4's preemption points: a capability revoked, a chunk of an untyped
 * cleared): an interrupt that arrives in the middle of a long operation at
 * a point that does not depend on the host's timing. 0 pulses at once;
 * SIM_InterruptNever disarms; a later call replaces an earlier one.
 * Returns in rdi 0, or ~0 if rdi names no ISA line.
 */
#define SIM_SysDebugInterruptAfterWork (-0x5306l)

#define SIM_InterruptNever (~0ul)
