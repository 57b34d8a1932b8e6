/*
 * test_fail for root tasks that use the conformance suite's environment
 * (tests/conformance/env.c, pd.c) outside the suite: each failure is
 * printed, prefixed with the program's name, and counted.
 */
#include "../conformance/test.h"
#include <stdarg.h>

int env_failures;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char why[160];
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("%s: %s:%d: %s\n", env_program, file, line, why);
	env_failures++;
}

void report_case(const char *name)
{
	static int failures_before;
	if (env_failures == failures_before)
		printf("%s: ok\n", name);
	else
		printf("%s: FAILED (see above)\n", name);
	failures_before = env_failures;
}
