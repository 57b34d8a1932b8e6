/* Notifications: a word of binary semaphores with waiters and a bound TCB. */
#pragma once

#include "../kernel/state.h"

void send_signal(struct notification *n, seL4_Word badge);
void receive_signal(struct tcb *thread, struct cap cap, bool blocking);

/* Hand the pending word to a thread that received on its bound endpoint. */
void complete_signal(struct notification *n, struct tcb *t);

void cancel_signal(struct tcb *t, struct notification *n);
void cancel_all_signals(struct notification *n);

void bind_notification(struct tcb *t, struct notification *n);
void unbind_notification(struct tcb *t);
void unbind_maybe_notification(struct notification *n);
