#include "interrupt.h"
#include "../kernel/errors.h"
#include "notification.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>

enum irq_state { IRQInactive = 0, IRQSignal };

static enum irq_state irq_state[IRQ_COUNT];
static struct cte irq_node[IRQ_COUNT]; /* the notification cap of each IRQ */
static bool irq_masked[IRQ_COUNT];     /* delivered, not yet acknowledged */
static bool irq_pending[IRQ_COUNT];    /* raised while masked (the PIC's IRR) */

enum exception decode_irq_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					     struct cte *slot, seL4_Word *buffer)
{
	if (label != IRQIssueIRQHandler) {
		/* No I/O APIC or MSI: this kernel routes IRQs through the PIC. */
		user_error("IRQControl: Illegal operation.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (length < 3 || !current_extra_caps.excaprefs[0])
		return syscall_error(seL4_TruncatedMessage);
	seL4_Word irq = get_syscall_arg(t, 0, buffer);
	seL4_Word index = get_syscall_arg(t, 1, buffer);
	seL4_Word depth = get_syscall_arg(t, 2, buffer);
	struct cap cnode = current_extra_caps.excaprefs[0]->cap;
	if (irq > IRQ_ISA_MAX) {
		user_error("IRQControl: IRQ %ld should be in range %d - %d", (long)irq, IRQ_ISA_MIN,
			   IRQ_ISA_MAX);
		return range_error(IRQ_ISA_MIN, IRQ_ISA_MAX);
	}
	if (irq_state[irq] != IRQInactive) {
		user_error("Rejecting request for IRQ %u. Already active.", (unsigned)irq);
		return syscall_error(seL4_RevokeFirst);
	}
	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(false, cnode, index, depth);
	if (lu.status != EXCEPTION_NONE) {
		user_error("Target slot for new IRQ Handler cap invalid: IRQ %u.", (unsigned)irq);
		return lu.status;
	}
	enum exception e = ensure_empty_slot(lu.slot);
	if (e != EXCEPTION_NONE) {
		user_error("Target slot for new IRQ Handler cap not empty: IRQ %u.", (unsigned)irq);
		return e;
	}
	set_thread_state(t, ThreadState_Restart);
	irq_state[irq] = IRQSignal;
	irq_masked[irq] = false;
	irq_pending[irq] = false;
	struct cap c = {.type = cap_irq_handler_cap};
	c.irq_handler.irq = (uint16_t)irq;
	cte_insert(c, slot, lu.slot);
	return EXCEPTION_NONE;
}

/* Signal the IRQ's notification and mask the line until it is acknowledged. */
static void deliver(unsigned irq)
{
	trace_irq(irq, TRACE_IRQ_DELIVERED);
	struct cap c = irq_node[irq].cap;
	if (c.type == cap_notification_cap && (c.notification.rights & RIGHT_WRITE))
		send_signal(c.notification.ntfn, c.notification.badge);
	irq_masked[irq] = true;
	irq_pending[irq] = false;
}

enum exception decode_irq_handler_invocation(struct tcb *t, seL4_Word label, uint16_t irq)
{
	switch (label) {
	case IRQAckIRQ:
		set_thread_state(t, ThreadState_Restart);
		irq_masked[irq] = false;
		if (irq_pending[irq])
			deliver(irq);
		return EXCEPTION_NONE;
	case IRQSetIRQHandler: {
		struct cte *src = current_extra_caps.excaprefs[0];
		if (!src)
			return syscall_error(seL4_TruncatedMessage);
		if (src->cap.type != cap_notification_cap ||
		    !(src->cap.notification.rights & RIGHT_WRITE)) {
			user_error(
			    "IRQSetHandler: provided cap is not a notification capability with "
			    "send rights.");
			return invalid_capability(0);
		}
		set_thread_state(t, ThreadState_Restart);
		cte_delete_one(&irq_node[irq]);
		cte_insert(src->cap, src, &irq_node[irq]);
		return EXCEPTION_NONE;
	}
	case IRQClearIRQHandler:
		set_thread_state(t, ThreadState_Restart);
		cte_delete_one(&irq_node[irq]);
		return EXCEPTION_NONE;
	default:
		user_error("IRQHandler: Illegal operation.");
		return syscall_error(seL4_IllegalOperation);
	}
}

void irq_handler_deleted(uint16_t irq)
{
	if (irq >= IRQ_COUNT)
		return;
	cte_delete_one(&irq_node[irq]);
	irq_state[irq] = IRQInactive;
}

void handle_interrupt(unsigned irq)
{
	if (irq >= IRQ_COUNT || irq_state[irq] != IRQSignal) {
		trace_irq(irq, TRACE_IRQ_DROPPED);
		return;
	}
	if (irq_masked[irq]) {
		trace_irq(irq, TRACE_IRQ_RAISED);
		irq_pending[irq] = true;
	} else
		deliver(irq);
}
