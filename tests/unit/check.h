/* A minimal harness for host unit tests: one "NAME: ok|FAILED why" line per case. */
#pragma once

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("%s: FAILED %s:%d: %s\n", check_case, __FILE__, __LINE__, #cond);   \
			check_failed = 1;                                                          \
			return;                                                                    \
		}                                                                                  \
	} while (0)

static const char *check_case;
static int check_failed;

static inline void check_run(const char *name, void (*fn)(void))
{
	check_case = name;
	check_failed = 0;
	fn();
	if (check_failed)
		check_failures++;
	else
		printf("%s: ok\n", name);
}

#define RUN(fn) check_run(#fn, fn)
