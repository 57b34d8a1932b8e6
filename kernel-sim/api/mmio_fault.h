#pragma once

#include "../kernel/state.h"
#include <sim/trap.h>

/*
 * A page fault on a page of an emulated device (devices/mmio.h): decode
 * the instruction, perform the access on the device, continue after it.
 * False if the page is no device page, the mapping's rights forbid the
 * access or the instruction is not one kernel-sim emulates: then it is an
 * ordinary VMFault.
 */
bool mmio_fault(struct tcb *t, const struct sim_trap *trap);
