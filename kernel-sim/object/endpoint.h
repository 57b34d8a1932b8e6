/* Endpoints: synchronous IPC. */
#pragma once

#include "../kernel/state.h"

void send_ipc(bool blocking, bool do_call, seL4_Word badge, bool can_grant, bool can_grant_reply,
	      struct tcb *thread, struct endpoint *ep);
void receive_ipc(struct tcb *thread, struct cap cap, bool blocking);

/* Take a thread out of whatever IPC it is blocked in. */
void cancel_ipc(struct tcb *t);

/* Restart every thread queued on ep (its last cap is gone). */
void cancel_all_ipc(struct endpoint *ep);

/* Restart the senders queued on ep with this badge. */
void cancel_badged_sends(struct endpoint *ep, seL4_Word badge);
