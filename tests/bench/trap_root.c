/*
 * bench-trap-root: the root task half of the trap benchmark. It times
 * seL4_DebugCapIdentify, the cheapest kernel entry with an answer, in TSC
 * ticks (rdtsc is an instruction, not a system call) and prints the mean.
 */
#include <base/format.h>
#include <base/roottask.h>

#define WARMUP	   2000
#define ITERATIONS 50000

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

int root_main(const seL4_BootInfo *bi)
{
	(void)bi;
	for (int i = 0; i < WARMUP; i++)
		seL4_DebugCapIdentify(seL4_CapInitThreadTCB);
	unsigned long long t0 = rdtsc();
	for (int i = 0; i < ITERATIONS; i++)
		if (seL4_DebugCapIdentify(seL4_CapInitThreadTCB) != seL4_CapType_Thread) {
			printf("bench-trap-root: seL4_DebugCapIdentify failed at %d\n", i);
			return 1;
		}
	unsigned long long t1 = rdtsc();
	printf("bench-trap-root: %d calls, %llu ticks per call\n", ITERATIONS,
	       (t1 - t0) / ITERATIONS);
	return 0;
}
