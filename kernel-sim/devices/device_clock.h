/*
 * The time of a device whose register accesses take no device time
 * (kernel-sim's extension, for the HPET): the device counts
 * V(h) = h - lag for host time h. The host time spent emulating an access
 * is charged to the clock and the lag grows by it, so the device's time
 * stands still while the access is emulated, as if the access took the
 * fraction of a microsecond it takes on a PC. The lag is bounded: at most
 * DEVICE_CLOCK_MAX_LAG, and for host time not charged it shrinks by an
 * eighth of it (the device runs at 9/8 until it has caught up). Time given
 * out never goes backwards, however charges from several CPUs overlap.
 *
 * Pure arithmetic over the host times passed in (ns). Charges are folded
 * in lazily at the next reading: the host time since the last reading
 * minus what was charged since is the time the lag shrinks over.
 */
#pragma once

#include <stdint.h>

#define DEVICE_CLOCK_MAX_CHARGE 1000000ull    /* ns: one charge, whatever a PD reports */
#define DEVICE_CLOCK_MAX_LAG	1000000000ull /* ns */
#define DEVICE_CLOCK_CATCH_UP	8	      /* the lag shrinks by 1/8 of uncharged time */

struct device_clock {
	uint64_t lag;	  /* ns the device's time is behind the host's */
	uint64_t charged; /* ns charged since the last reading, not yet in lag */
	uint64_t read_at; /* host time of the last reading */
	uint64_t given;	  /* the latest time given out */
};

/* ns of host time the device did not see pass (at most DEVICE_CLOCK_MAX_CHARGE count). */
void device_clock_charge(struct device_clock *c, uint64_t ns);

/* The device's time at host time host_ns. */
uint64_t device_clock_read(struct device_clock *c, uint64_t host_ns);
