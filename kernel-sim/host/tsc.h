/*
 * The host's time-stamp counter as kernel-sim knows it: its frequency,
 * measured once at start against the monotonic clock (the boot info
 * reports it in MHz, as seL4 does on x86), and tick counts in ns.
 */
#pragma once

#include <stdint.h>

/* Measure the frequency (10 ms of host time). */
void tsc_calibrate(void);

/* The frequency in whole MHz, rounded; 0 if it could not be measured. */
uint32_t tsc_mhz(void);

uint64_t tsc_now(void);

/* ticks of the TSC in ns (0 before calibration; saturates). */
uint64_t tsc_to_ns(uint64_t ticks);
