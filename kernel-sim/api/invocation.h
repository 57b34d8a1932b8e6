/* Capability invocations and the IPC system calls (seL4's handleInvocation etc.). */
#pragma once

#include "../kernel/state.h"

void handle_invocation(struct tcb *t, bool is_call, bool is_blocking);
void handle_recv(struct tcb *t, bool is_blocking);
void handle_reply(struct tcb *t);

/* Answer a Call from the kernel: the current syscall error, or empty success. */
void reply_from_kernel_error(struct tcb *t);
void reply_from_kernel_success_empty(struct tcb *t);
