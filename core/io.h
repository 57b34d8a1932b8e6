/* Core's device services and its interrupt notification. */
#pragma once

#include <sel4/sel4.h>

/* IRQ numbers core hands out: one notification badge bit each. */
#define CORE_IRQS 48

/* Bound to core's thread: interrupts wake its entrypoint with badge bits. */
extern seL4_CPtr core_irq_ntfn;

void io_init(void);
void irq_dispatch(seL4_Word badge_bits);
