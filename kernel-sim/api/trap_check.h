/*
 * Is a trap one the runtime can have sent? Component code can run the
 * runtime's code with any registers, so a thread's channel may carry any
 * bytes: only what a real trap of the host looks like is decoded, and
 * anything else ends the PD (the fault only kernel-sim may give, PD lost,
 * can then not be forged).
 */
#pragma once

#include <sim/trap.h>

/* NULL for a trap the host can raise, else what is wrong with it. */
const char *trap_malformed(const struct sim_trap *t);
