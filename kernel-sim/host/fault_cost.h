/*
 * What the host takes to deliver a page fault's signal to a thread and to
 * return from its handler: the part of a trapped device access that the
 * runtime's stamps (protocol/sim/trap.h) cannot see, since they are taken
 * in the handler. On a VM it is no small part (about 9 and 4 us, where
 * the round trip to kernel-sim takes 30). Measured once at start in
 * kernel-sim's own process, as the median of a few hundred faults.
 */
#pragma once

#include <stdint.h>

void fault_cost_measure(void);

/* TSC ticks from the faulting instruction to the handler's first one. */
uint64_t fault_cost_delivery(void);

/* TSC ticks from the handler's last instruction to the one after the fault. */
uint64_t fault_cost_return(void);
