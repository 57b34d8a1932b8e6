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
#include "../devices/irq_lines.h"
#include <sel4/invocation.h>

enum irq_state { IRQInactive = 0, IRQSignal, IRQTimer };

static enum irq_state irq_state[IRQ_COUNT] = {[IRQ_TIMER] = IRQTimer};
static struct cte irq_node[IRQ_COUNT]; /* the notification cap of each IRQ */

bool irq_is_active(unsigned irq)
{
	return irq < IRQ_COUNT && irq_state[irq] != IRQInactive;
}

void invoke_irq_control(unsigned irq, struct cte *handler_slot, struct cte *control_slot)
{
	irq_state[irq] = IRQSignal;
	mask_interrupt(false, irq);
	struct cap c = {.type = cap_irq_handler_cap};
	c.irq_handler.irq = (uint16_t)irq;
	cte_insert(c, control_slot, handler_slot);
}

/* IRQControl_Get: a handler for a legacy PIC line (the arch says which are allowed). */
enum exception decode_irq_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					     struct cte *slot, seL4_Word *buffer)
{
	if (label != IRQIssueIRQHandler)
		return arch_decode_irq_control_invocation(t, label, length, slot, buffer);
	if (length < 3 || !current_extra_caps.excaprefs[0])
		return syscall_error(seL4_TruncatedMessage);
	seL4_Word irq = get_syscall_arg(t, 0, buffer);
	seL4_Word index = get_syscall_arg(t, 1, buffer);
	seL4_Word depth = get_syscall_arg(t, 2, buffer);
	struct cap cnode = current_extra_caps.excaprefs[0]->cap;
	enum exception e = arch_check_irq(irq);
	if (e != EXCEPTION_NONE)
		return e;
	if (irq_is_active((unsigned)irq)) {
		user_error("Rejecting request for IRQ %u. Already active.", (unsigned)irq);
		return syscall_error(seL4_RevokeFirst);
	}
	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(false, cnode, index, depth);
	if (lu.status != EXCEPTION_NONE) {
		user_error("Target slot for new IRQ Handler cap invalid: cap %lu, IRQ %u.",
			   (unsigned long)index, (unsigned)irq);
		return lu.status;
	}
	e = ensure_empty_slot(lu.slot);
	if (e != EXCEPTION_NONE) {
		user_error("Target slot for new IRQ Handler cap not empty: cap %lu, IRQ %u.",
			   (unsigned long)index, (unsigned)irq);
		return e;
	}
	set_thread_state(t, ThreadState_Restart);
	invoke_irq_control((unsigned)irq, lu.slot, slot);
	return EXCEPTION_NONE;
}

enum exception decode_irq_handler_invocation(struct tcb *t, seL4_Word label, uint16_t irq)
{
	switch (label) {
	case IRQAckIRQ:
		set_thread_state(t, ThreadState_Restart);
		mask_interrupt(false, irq);
		return EXCEPTION_NONE;
	case IRQSetIRQHandler: {
		struct cte *src = current_extra_caps.excaprefs[0];
		if (!src)
			return syscall_error(seL4_TruncatedMessage);
		if (src->cap.type != cap_notification_cap ||
		    !(src->cap.notification.rights & RIGHT_WRITE)) {
			if (src->cap.type != cap_notification_cap)
				user_error("IRQSetHandler: provided cap is not an notification "
					   "capability.");
			else
				user_error("IRQSetHandler: caller does not have send rights on the "
					   "endpoint.");
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
	mask_interrupt(true, irq);
}

/* Signal the IRQ's notification and mask the IRQ until it is acknowledged. */
void handle_interrupt(unsigned irq)
{
	if (irq >= IRQ_COUNT || irq_state[irq] != IRQSignal) {
		/* seL4 masks an IRQ it has no handler for */
		trace_irq(irq, TRACE_IRQ_DROPPED);
		if (irq < IRQ_COUNT)
			mask_interrupt(true, irq);
		return;
	}
	trace_irq(irq, TRACE_IRQ_DELIVERED);
	struct cap c = irq_node[irq].cap;
	if (c.type == cap_notification_cap && (c.notification.rights & RIGHT_WRITE))
		send_signal(c.notification.ntfn, c.notification.badge);
	mask_interrupt(true, irq);
}

void cpu_take_vector(unsigned vector)
{
	if (vector >= IRQ_INT_OFFSET)
		handle_interrupt(vector - IRQ_INT_OFFSET);
}
