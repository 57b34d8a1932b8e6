/*
 * Interrupts, as seL4 on pc99 (x86_64, non-SMP, no IOMMU) numbers them:
 * IRQ n is CPU vector n + 0x20. IRQs 0-15 are the legacy PIC's lines, used
 * only in the PIC configuration; 16-123 are the vectors that
 * IRQControl_GetIOAPIC and GetMSI hand out; 125 is the kernel's timer.
 * Each IRQ has a handler capability issued by IRQControl, a notification
 * the IRQ signals, and a mask that Ack lifts.
 */
#pragma once

#include "../kernel/state.h"

#define IRQ_INT_OFFSET 0x20
#define IRQ_ISA_MIN    0
#define IRQ_ISA_MAX    15
#define IRQ_USER_MIN   16
#define IRQ_USER_MAX   (155 - IRQ_INT_OFFSET)
#define IRQ_TIMER      (157 - IRQ_INT_OFFSET)
#define IRQ_MAX	       IRQ_TIMER
#define IRQ_COUNT      (IRQ_MAX + 1)

enum exception decode_irq_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					     struct cte *slot, seL4_Word *buffer);
enum exception decode_irq_handler_invocation(struct tcb *t, seL4_Word label, uint16_t irq);

/* The last handler cap of an IRQ is gone: it becomes inactive again. */
void irq_handler_deleted(uint16_t irq);

/* The CPU took IRQ irq (seL4's handleInterrupt). */
void handle_interrupt(unsigned irq);

/* seL4's isIRQActive and the issuing of a handler cap (invokeIRQControl). */
bool irq_is_active(unsigned irq);
void invoke_irq_control(unsigned irq, struct cte *handler_slot, struct cte *control_slot);

/* --- x86 (object/interrupt_x86.c) -------------------------------------- */

enum exception arch_check_irq(seL4_Word irq);
enum exception arch_decode_irq_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
						  struct cte *slot, seL4_Word *buffer);
/* Mask or unmask an IRQ at its controller (seL4's maskInterrupt). */
void mask_interrupt(bool mask, unsigned irq);
