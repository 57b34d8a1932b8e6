/*
 * Interrupts, as seL4 configured for the legacy PIC on x86: IRQs 0-15,
 * each with a handler capability issued by IRQControl, a notification the
 * IRQ signals, and a mask that Ack lifts.
 */
#pragma once

#include "../kernel/state.h"

#define IRQ_ISA_MIN 0
#define IRQ_ISA_MAX 15
#define IRQ_COUNT   16

enum exception decode_irq_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					     struct cte *slot, seL4_Word *buffer);
enum exception decode_irq_handler_invocation(struct tcb *t, seL4_Word label, uint16_t irq);

/* The last handler cap of an IRQ is gone: it becomes inactive again. */
void irq_handler_deleted(uint16_t irq);

/* A device raised an IRQ line (an edge). */
void handle_interrupt(unsigned irq);
