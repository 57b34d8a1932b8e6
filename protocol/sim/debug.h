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
