#include "invocation.h"
#include "faults.h"
#include "../kernel/cspace.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
#include "../kernel/preemption.h"
#include "../kernel/smp.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../kernel/transfer.h"
#include "../object/endpoint.h"
#include "../object/notification.h"
#include "../object/objecttype.h"
#include <sel4/faults.h>
#include <sel4/message_info.h>

static unsigned set_mrs_syscall_error(struct tcb *t, seL4_Word *buffer)
{
	const struct syscall_error *e = &current_syscall_error;
	switch (e->type) {
	case seL4_InvalidArgument:
		return set_mr(t, buffer, 0, e->invalid_argument_number);
	case seL4_InvalidCapability:
		return set_mr(t, buffer, 0, e->invalid_cap_number);
	case seL4_RangeError:
		set_mr(t, buffer, 0, e->range_error_min);
		return set_mr(t, buffer, 1, e->range_error_max);
	case seL4_FailedLookup:
		set_mr(t, buffer, 0, e->failed_lookup_was_source ? 1 : 0);
		return set_mrs_lookup_failure(t, buffer, &current_lookup_fault, 1);
	case seL4_NotEnoughMemory:
		return set_mr(t, buffer, 0, e->memory_left);
	default:
		return 0;
	}
}

void reply_from_kernel_error(struct tcb *t)
{
	seL4_Word *buffer = lookup_ipc_buffer(true, t);
	t->regs.badgeRegister = 0;
	unsigned len = set_mrs_syscall_error(t, buffer);
	t->regs.msgInfoRegister =
	    seL4_MessageInfo_new(current_syscall_error.type, 0, 0, len).words[0];
}

void reply_from_kernel_success_empty(struct tcb *t)
{
	t->regs.badgeRegister = 0;
	t->regs.msgInfoRegister = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
}

void handle_invocation(struct tcb *t, bool is_call, bool is_blocking)
{
	seL4_MessageInfo_t info = {{t->regs.msgInfoRegister}};
	seL4_CPtr cptr = t->regs.capRegister;

	struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, cptr);
	if (lu.status != EXCEPTION_NONE) {
		user_error("Invocation of invalid cap #%lu.", (unsigned long)cptr);
		current_fault = (struct fault){.type = seL4_Fault_CapFault,
					       .cap = {.address = cptr, .in_receive_phase = false}};
		if (is_blocking)
			handle_fault(t);
		return;
	}
	trace_invoke(t, &lu.cap);

	seL4_Word *buffer = lookup_ipc_buffer(false, t);
	if (lookup_extra_caps(t, buffer, info) != EXCEPTION_NONE) {
		user_error("Lookup of extra caps failed.");
		if (is_blocking)
			handle_fault(t);
		return;
	}

	seL4_Word length = seL4_MessageInfo_get_length(info);
	if (length > n_msgRegisters && !buffer) {
		user_error("Warning: No IPC buffer for thread. Truncating message length to: %d.",
			   n_msgRegisters);
		length = n_msgRegisters;
	}

	enum exception status =
	    decode_invocation(t, kernel_label(seL4_MessageInfo_get_label(info)), length, cptr,
			      lu.slot, lu.cap, is_blocking, is_call, buffer);
	if (status == EXCEPTION_SYSCALL_ERROR) {
		if (is_call)
			reply_from_kernel_error(t);
		return;
	}
	if (status == EXCEPTION_PREEMPTED) {
		/*
		 * Not done: the system call runs again when the thread next runs.
		 * A pending interrupt is handled now, as seL4's handleSyscall does.
		 */
		set_thread_state(t, ThreadState_Restart);
		handle_pending_interrupt();
		return;
	}
	if (t->state == ThreadState_Restart) {
		if (is_call)
			reply_from_kernel_success_empty(t);
		set_thread_state(t, ThreadState_Running);
	}
}

static void recv_cap_fault(struct tcb *t, seL4_CPtr cptr)
{
	current_lookup_fault =
	    (struct lookup_fault){.type = lookup_fault_missing_capability, .bits_left = 0};
	current_fault = (struct fault){.type = seL4_Fault_CapFault,
				       .cap = {.address = cptr, .in_receive_phase = true}};
	handle_fault(t);
}

void handle_recv(struct tcb *t, bool is_blocking)
{
	seL4_CPtr cptr = t->regs.capRegister;
	struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, cptr);
	if (lu.status != EXCEPTION_NONE) {
		current_fault = (struct fault){.type = seL4_Fault_CapFault,
					       .cap = {.address = cptr, .in_receive_phase = true}};
		handle_fault(t);
		return;
	}
	trace_invoke(t, &lu.cap);
	switch (lu.cap.type) {
	case cap_endpoint_cap:
		if (!(lu.cap.endpoint.rights & RIGHT_READ)) {
			user_error("Recv: endpoint cap #%lu has no Read right.",
				   (unsigned long)cptr);
			recv_cap_fault(t, cptr);
			return;
		}
		/* A receiver holds at most one caller: an unused one goes. */
		cte_delete_one(&t->ctes[tcbCaller]);
		receive_ipc(t, lu.cap, is_blocking);
		return;
	case cap_notification_cap: {
		struct tcb *bound = lu.cap.notification.ntfn->bound_tcb;
		if (!(lu.cap.notification.rights & RIGHT_READ) || (bound && bound != t)) {
			user_error(
			    "Recv: notification cap #%lu cannot be waited on by this thread.",
			    (unsigned long)cptr);
			recv_cap_fault(t, cptr);
			return;
		}
		receive_signal(t, lu.cap, is_blocking);
		return;
	}
	default:
		user_error("Recv: cap #%lu is neither an endpoint nor a notification.",
			   (unsigned long)cptr);
		recv_cap_fault(t, cptr);
		return;
	}
}

void handle_reply(struct tcb *t)
{
	struct cte *slot = &t->ctes[tcbCaller];
	struct cap c = slot->cap;
	if (c.type == cap_reply_cap && !c.reply.master && c.reply.tcb != t)
		do_reply_transfer(t, c.reply.tcb, slot, c.reply.can_grant);
}
