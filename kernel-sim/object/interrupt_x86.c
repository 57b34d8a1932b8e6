/*
 * x86 interrupt control as seL4 pc99 configures it: with the I/O APIC
 * (KernelIRQController=IOAPIC, the default) handlers come from
 * IRQControl_GetIOAPIC and GetMSI and the PIC lines are refused; with the
 * PIC (KernelIRQController=PIC, kernel-sim --irq-controller pic) only
 * IRQControl_Get for lines 0-15 exists.
 */
#include "interrupt.h"
#include "../devices/irq_lines.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/errors.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>

#define NUM_IOAPICS  1
#define PCI_BUS_MAX  255
#define PCI_DEV_MAX  31
#define PCI_FUNC_MAX 7

/* What routes each IRQ to the CPU (seL4's x86KSIRQState). */
enum x86_irq_type { X86_IRQ_FREE = 0, X86_IRQ_IOAPIC, X86_IRQ_MSI };

static struct {
	enum x86_irq_type type;
	uint8_t pin;
} x86_irq_state[IRQ_COUNT];

enum exception arch_check_irq(seL4_Word irq)
{
	if (irq_controller == IRQ_CONTROLLER_PIC && irq <= IRQ_ISA_MAX)
		return EXCEPTION_NONE;
	if (irq_controller == IRQ_CONTROLLER_IOAPIC) {
		user_error("IRQControl: Illegal operation");
		return syscall_error(seL4_IllegalOperation);
	}
	user_error("IRQControl: IRQ %ld should be in range %d - %d", (long)irq, IRQ_ISA_MIN,
		   IRQ_ISA_MAX);
	return range_error(IRQ_ISA_MIN, IRQ_ISA_MAX);
}

static enum exception decode_ioapic_pin(seL4_Word ioapic, seL4_Word pin, seL4_Word level,
					seL4_Word polarity)
{
	if (ioapic >= NUM_IOAPICS) {
		user_error("Invalid IOAPIC %ld, only have %d", (long)ioapic, NUM_IOAPICS);
		return range_error(0, NUM_IOAPICS - 1);
	}
	if (pin >= IOAPIC_PINS) {
		user_error("Invalid IOAPIC pin %ld, there are %d pins", (long)pin, IOAPIC_PINS);
		return range_error(0, IOAPIC_PINS - 1);
	}
	if (level != 0 && level != 1) {
		user_error("Level should be 0 or 1, not %d", (int)level);
		return range_error(0, 1);
	}
	if (polarity != 0 && polarity != 1) {
		user_error("Polarity should be 0 or 1, not %d", (int)polarity);
		return range_error(0, 1);
	}
	return EXCEPTION_NONE;
}

static enum exception decode_msi(seL4_Word bus, seL4_Word dev, seL4_Word func)
{
	if (bus > PCI_BUS_MAX)
		return range_error(0, PCI_BUS_MAX);
	if (dev > PCI_DEV_MAX)
		return range_error(0, PCI_DEV_MAX);
	if (func > PCI_FUNC_MAX)
		return range_error(0, PCI_FUNC_MAX);
	return EXCEPTION_NONE;
}

/* IRQControl_GetIOAPIC and IRQControl_GetMSI (Arch_decodeIRQControlInvocation). */
enum exception arch_decode_irq_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
						  struct cte *slot, seL4_Word *buffer)
{
	if (irq_controller != IRQ_CONTROLLER_IOAPIC) {
		user_error("IRQControl: Illegal operation.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (label != X86IRQIssueIRQHandlerIOAPIC && label != X86IRQIssueIRQHandlerMSI) {
		user_error("IRQControl: Illegal operation");
		return syscall_error(seL4_IllegalOperation);
	}
	if (length < 7 || !current_extra_caps.excaprefs[0]) {
		user_error("IRQControl: Truncated message");
		return syscall_error(seL4_TruncatedMessage);
	}
	seL4_Word index = get_syscall_arg(t, 0, buffer);
	seL4_Word depth = get_syscall_arg(t, 1, buffer);
	struct cap cnode = current_extra_caps.excaprefs[0]->cap;
	seL4_Word irq = get_syscall_arg(t, 6, buffer);
	if (irq > IRQ_USER_MAX - IRQ_USER_MIN) {
		user_error("IRQControl: Invalid irq %ld should be between 0-%d", (long)irq,
			   IRQ_USER_MAX - IRQ_USER_MIN);
		return range_error(0, IRQ_USER_MAX - IRQ_USER_MIN);
	}
	irq += IRQ_USER_MIN;
	if (irq_is_active((unsigned)irq)) {
		user_error("IRQControl: IRQ %d is already active.", (int)irq);
		return syscall_error(seL4_RevokeFirst);
	}
	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(false, cnode, index, depth);
	if (lu.status != EXCEPTION_NONE)
		return lu.status;
	enum exception e = ensure_empty_slot(lu.slot);
	if (e != EXCEPTION_NONE)
		return e;
	seL4_Word a2 = get_syscall_arg(t, 2, buffer), a3 = get_syscall_arg(t, 3, buffer);
	seL4_Word a4 = get_syscall_arg(t, 4, buffer), a5 = get_syscall_arg(t, 5, buffer);
	unsigned vector = (unsigned)irq + IRQ_INT_OFFSET;
	if (label == X86IRQIssueIRQHandlerIOAPIC) {
		e = decode_ioapic_pin(a2, a3, a4, a5);
		if (e != EXCEPTION_NONE)
			return e;
		set_thread_state(t, ThreadState_Restart);
		/* invokeIssueIRQHandlerIOAPIC */
		ioapic_map_pin_to_vector((unsigned)a3, a4, a5, vector);
		x86_irq_state[irq].type = X86_IRQ_IOAPIC;
		x86_irq_state[irq].pin = (uint8_t)a3;
	} else {
		/* until seL4 remaps MSIs through an IOMMU it trusts the vector */
		e = decode_msi(a2, a3, a4);
		if (e != EXCEPTION_NONE)
			return e;
		set_thread_state(t, ThreadState_Restart);
		x86_irq_state[irq].type = X86_IRQ_MSI;
	}
	invoke_irq_control((unsigned)irq, lu.slot, slot);
	return EXCEPTION_NONE;
}

void mask_interrupt(bool mask, unsigned irq)
{
	if (irq >= IRQ_COUNT)
		return;
	if (irq <= IRQ_ISA_MAX && irq_controller == IRQ_CONTROLLER_PIC) {
		pic_mask(irq, mask);
		return;
	}
	switch (x86_irq_state[irq].type) {
	case X86_IRQ_IOAPIC:
		ioapic_mask(x86_irq_state[irq].pin, mask);
		break;
	default:
		/* MSIs cannot be masked (seL4 leaves them alone) */
		break;
	}
}
