#include "notification.h"
#include "endpoint.h"
#include "../kernel/schedule.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../kernel/transfer.h"

static void set_active(struct notification *n, seL4_Word badge)
{
	n->state = NtfnState_Active;
	n->msg_identifier = badge;
}

void send_signal(struct notification *n, seL4_Word badge)
{
	trace_signal(n, badge);
	switch (n->state) {
	case NtfnState_Idle: {
		struct tcb *t = n->bound_tcb;
		if (t && t->state == ThreadState_BlockedOnReceive) {
			/* The bound thread waits on an endpoint: the signal is its message. */
			cancel_ipc(t);
			set_thread_state(t, ThreadState_Running);
			t->regs.badgeRegister = badge;
			possible_switch_to(t);
		} else {
			set_active(n, badge);
		}
		return;
	}
	case NtfnState_Waiting: {
		struct tcb *dest = n->queue.head;
		tcb_queue_remove(&n->queue, dest);
		if (!n->queue.head)
			n->state = NtfnState_Idle;
		set_thread_state(dest, ThreadState_Running);
		dest->regs.badgeRegister = badge;
		possible_switch_to(dest);
		return;
	}
	case NtfnState_Active:
		n->msg_identifier |= badge;
		return;
	}
}

void receive_signal(struct tcb *thread, struct cap cap, bool blocking)
{
	struct notification *n = cap.notification.ntfn;
	switch (n->state) {
	case NtfnState_Idle:
	case NtfnState_Waiting:
		if (blocking) {
			thread->blocking = (struct blocking){.object = n};
			set_thread_state(thread, ThreadState_BlockedOnNotification);
			tcb_queue_append(&n->queue, thread);
			n->state = NtfnState_Waiting;
		} else {
			do_nb_recv_failed_transfer(thread);
		}
		return;
	case NtfnState_Active:
		thread->regs.badgeRegister = n->msg_identifier;
		n->state = NtfnState_Idle;
		return;
	}
}

void complete_signal(struct notification *n, struct tcb *t)
{
	t->regs.badgeRegister = n->msg_identifier;
	n->state = NtfnState_Idle;
}

void cancel_signal(struct tcb *t, struct notification *n)
{
	tcb_queue_remove(&n->queue, t);
	if (!n->queue.head)
		n->state = NtfnState_Idle;
	set_thread_state(t, ThreadState_Inactive);
}

void cancel_all_signals(struct notification *n)
{
	if (n->state != NtfnState_Waiting)
		return;
	struct tcb *t = n->queue.head;
	n->state = NtfnState_Idle;
	n->queue = (struct tcb_queue){0};
	while (t) {
		struct tcb *next = t->ep_next;
		t->ep_next = t->ep_prev = NULL;
		set_thread_state(t, ThreadState_Restart);
		sched_enqueue(t);
		t = next;
	}
	reschedule_required();
}

void bind_notification(struct tcb *t, struct notification *n)
{
	n->bound_tcb = t;
	t->bound_notification = n;
}

void unbind_notification(struct tcb *t)
{
	if (t->bound_notification) {
		t->bound_notification->bound_tcb = NULL;
		t->bound_notification = NULL;
	}
}

void unbind_maybe_notification(struct notification *n)
{
	if (n->bound_tcb)
		unbind_notification(n->bound_tcb);
}
