#include "endpoint.h"
#include "notification.h"
#include "tcb.h"
#include "../kernel/delete.h"
#include "../kernel/schedule.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"

void send_ipc(bool blocking, bool do_call, seL4_Word badge, bool can_grant, bool can_grant_reply,
	      struct tcb *thread, struct endpoint *ep)
{
	switch (ep->state) {
	case EPState_Idle:
	case EPState_Send:
		if (blocking) {
			thread->blocking =
			    (struct blocking){ep, badge, can_grant, can_grant_reply, do_call};
			set_thread_state(thread, ThreadState_BlockedOnSend);
			tcb_queue_append(&ep->queue, thread);
			ep->state = EPState_Send;
		}
		return;
	case EPState_Recv: {
		struct tcb *dest = ep->queue.head;
		tcb_queue_remove(&ep->queue, dest);
		if (!ep->queue.head)
			ep->state = EPState_Idle;
		do_ipc_transfer(thread, ep, badge, can_grant, dest);
		bool reply_can_grant = dest->blocking.can_grant;
		set_thread_state(dest, ThreadState_Running);
		possible_switch_to(dest);
		if (do_call) {
			if (can_grant || can_grant_reply)
				setup_caller_cap(thread, dest, reply_can_grant);
			else
				set_thread_state(thread, ThreadState_Inactive);
		}
		return;
	}
	}
}

void receive_ipc(struct tcb *thread, struct cap cap, bool blocking)
{
	struct endpoint *ep = cap.endpoint.ep;
	struct notification *bound = thread->bound_notification;

	/* A pending signal on the bound notification comes first. */
	if (bound && bound->state == NtfnState_Active) {
		complete_signal(bound, thread);
		return;
	}
	switch (ep->state) {
	case EPState_Idle:
	case EPState_Recv:
		if (blocking) {
			thread->blocking = (struct blocking){
			    .object = ep, .can_grant = (cap.endpoint.rights & RIGHT_GRANT) != 0};
			set_thread_state(thread, ThreadState_BlockedOnReceive);
			tcb_queue_append(&ep->queue, thread);
			ep->state = EPState_Recv;
		} else {
			do_nb_recv_failed_transfer(thread);
		}
		return;
	case EPState_Send: {
		struct tcb *sender = ep->queue.head;
		tcb_queue_remove(&ep->queue, sender);
		if (!ep->queue.head)
			ep->state = EPState_Idle;
		struct blocking b = sender->blocking;
		do_ipc_transfer(sender, ep, b.badge, b.can_grant, thread);
		if (b.is_call) {
			if (b.can_grant || b.can_grant_reply)
				setup_caller_cap(sender, thread,
						 (cap.endpoint.rights & RIGHT_GRANT) != 0);
			else
				set_thread_state(sender, ThreadState_Inactive);
		} else {
			set_thread_state(sender, ThreadState_Running);
			possible_switch_to(sender);
		}
		return;
	}
	}
}

void cancel_ipc(struct tcb *t)
{
	switch (t->state) {
	case ThreadState_BlockedOnSend:
	case ThreadState_BlockedOnReceive: {
		struct endpoint *ep = t->blocking.object;
		tcb_queue_remove(&ep->queue, t);
		if (!ep->queue.head)
			ep->state = EPState_Idle;
		set_thread_state(t, ThreadState_Inactive);
		return;
	}
	case ThreadState_BlockedOnNotification:
		cancel_signal(t, t->blocking.object);
		return;
	case ThreadState_BlockedOnReply: {
		t->fault.type = seL4_Fault_NullFault;
		/* The reply cap to this thread is the first child of its master. */
		struct cte *caller = t->ctes[tcbReply].mdb.next;
		if (caller && caller->cap.type == cap_reply_cap && caller->cap.reply.tcb == t)
			cte_delete_one(caller);
		return;
	}
	default:
		return;
	}
}

void cancel_all_ipc(struct endpoint *ep)
{
	if (ep->state == EPState_Idle)
		return;
	struct tcb *t = ep->queue.head;
	ep->state = EPState_Idle;
	ep->queue = (struct tcb_queue){0};
	while (t) {
		struct tcb *next = t->ep_next;
		t->ep_next = t->ep_prev = NULL;
		set_thread_state(t, ThreadState_Restart);
		sched_enqueue(t);
		t = next;
	}
	reschedule_required();
}

void cancel_badged_sends(struct endpoint *ep, seL4_Word badge)
{
	if (ep->state != EPState_Send)
		return;
	for (struct tcb *t = ep->queue.head, *next; t; t = next) {
		next = t->ep_next;
		if (t->blocking.badge == badge) {
			tcb_queue_remove(&ep->queue, t);
			set_thread_state(t, ThreadState_Restart);
			sched_enqueue(t);
		}
	}
	if (!ep->queue.head)
		ep->state = EPState_Idle;
	reschedule_required();
}
