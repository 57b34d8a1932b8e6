/*
 * test-printf: formatted output through the LOG session, values whose exact
 * text the printf scenario compares, then "Test succeeded" and exit 0.
 */
#include <component/env.h>
#include <component/log.h>

void component_construct(struct env *env)
{
	int minus_one = -1;
	long big = -1234567890123l;
	log("%d = %i = %ld", minus_one, minus_one, (long)minus_one);
	log("unsigned: %u %lu", 4000000000u, 18446744073709551615ul);
	log("hex: %x %#x %lx %#lx %X", 0xdeadu, 0xbeefu, 0x123456789abcul, 0xfful, 0xabcu);
	log("big negative: %ld", big);
	log("string: '%s' '%10s' '%-10s'", "text", "right", "left");
	log("char: %c%c%c", 'a', 'b', 'c');
	log("width: [%5d] [%-5d] [%05d] [%08lx]", 42, 42, 42, 0xbeeful);
	log("pointer: %p %p", (void *)0x1000, (void *)0);
	log("percent: 100%%");
	log("Test succeeded");
	env_exit(env, 0);
}
