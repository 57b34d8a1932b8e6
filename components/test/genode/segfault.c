/*
 * test-segfault: Genode's segfault test program (repos/base/src/test/
 * segfault): it says so and writes to an address nothing is mapped at.
 */
#include <component/env.h>
#include <component/log.h>

void component_construct(struct env *env)
{
	(void)env;
	log("going to produce a segmentation fault...");
	volatile unsigned long where = 0x44; /* hidden from the compiler's bounds checks */
	*(volatile int *)where = 0x55;
}
