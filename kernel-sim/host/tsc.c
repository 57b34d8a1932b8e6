#include "tsc.h"

#include <time.h>

static double tsc_hz;

/*
 * A reading of the monotonic clock and the TSC at the same moment: the
 * clock read between two TSC reads, the tightest of a few pairs (the host
 * may preempt kernel-sim between any two of them).
 */
static void clock_and_tsc(double *ns, double *tsc)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 8; i++) {
		struct timespec t;
		uint64_t c0 = __builtin_ia32_rdtsc();
		clock_gettime(CLOCK_MONOTONIC, &t);
		uint64_t c1 = __builtin_ia32_rdtsc();
		if (c1 - c0 < best) {
			best = c1 - c0;
			*ns = (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
			*tsc = (double)c0 + (double)(c1 - c0) / 2;
		}
	}
}

void tsc_calibrate(void)
{
	struct timespec pause = {0, 10 * 1000 * 1000};
	double ns0, tsc0, ns1, tsc1;
	clock_and_tsc(&ns0, &tsc0);
	nanosleep(&pause, NULL);
	clock_and_tsc(&ns1, &tsc1);
	tsc_hz = ns1 > ns0 && tsc1 > tsc0 ? (tsc1 - tsc0) * 1e9 / (ns1 - ns0) : 0;
}

uint32_t tsc_mhz(void)
{
	return (uint32_t)(tsc_hz / 1e6 + 0.5);
}

uint64_t tsc_now(void)
{
	return __builtin_ia32_rdtsc();
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	double ns = tsc_hz > 0 ? (double)ticks * 1e9 / tsc_hz : 0;
	return ns < 1e18 ? (uint64_t)ns : (uint64_t)1e18;
}
