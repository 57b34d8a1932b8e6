/*
 * Interrupts: the IRQ service (an interrupt becomes a signal to the
 * session's handler) and core's interrupt notification, bound to its
 * thread, on which every interrupt is a badge bit. Each IRQ is handed out
 * once; core keeps those of its own devices.
 */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>

/* IRQ numbers core hands out: one notification badge bit each. */
#define CORE_IRQS 48

/* Bound to core's thread: interrupts wake its entrypoint with badge bits. */
extern seL4_CPtr core_irq_ntfn;

/*
 * An interrupt of core's own device, never handed out: its handler
 * capability (*handler, to ack it), and on_irq called on each interrupt.
 */
bool irq_claim_core(unsigned long irq, void (*on_irq)(void), seL4_CPtr *handler);
/* Interrupts arrived (badge bits of core_irq_ntfn). */
void irq_dispatch(seL4_Word badge_bits);
