/* test-conformance: run every registered case and report, sel4test style. */
#include "test.h"
#include <stdarg.h>

void env_init(const seL4_BootInfo *bi);

extern const struct test_case __start_sim_tests[], __stop_sim_tests[];

static char failure[256];
static int failed;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	if (failed)
		return;
	failed = 1;
	const char *base = file;
	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	int n = snprintf(failure, sizeof(failure), "%s:%d: ", base, line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(failure + n, sizeof(failure) - (size_t)n, fmt, ap);
	va_end(ap);
}

#define MAX_TESTS 1024

/* Cases run in the order of their names, as sel4test lists them. */
static int sorted_cases(const struct test_case **out)
{
	int n = 0;
	for (const struct test_case *t = __start_sim_tests; t < __stop_sim_tests && n < MAX_TESTS;
	     t++) {
		int i = n++;
		while (i > 0 && strcmp(out[i - 1]->name, t->name) > 0) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = t;
	}
	return n;
}

/* Does word w (n characters) name the case: the name, or a prefix ending in '*'? */
static bool names_case(const char *w, size_t n, const char *name)
{
	if (n && w[n - 1] == '*')
		return !strncmp(name, w, n - 1);
	return n && strlen(name) == n && !strncmp(name, w, n);
}

/*
 * A boot module named "cases" selects cases: whitespace-separated names or
 * name prefixes ending in '*' (as sel4test's filter); a word starting with
 * '-' leaves the cases it names out. Without the module all run; with only
 * exclusions in it, all others run.
 */
static bool selected(const sim_BootModule *m, const char *name)
{
	if (!m)
		return true;
	const char *p = (const char *)m->vaddr, *end = p + m->size;
	bool included = false, any_inclusion = false;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\t'))
			p++;
		const char *w = p;
		while (p < end && *p != ' ' && *p != '\n' && *p != '\t')
			p++;
		size_t n = (size_t)(p - w);
		if (n && *w == '-') {
			if (names_case(w + 1, n - 1, name))
				return false;
		} else if (n) {
			any_inclusion = true;
			included = included || names_case(w, n, name);
		}
	}
	return included || !any_inclusion;
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(ROOT_TCB, "test-conformance");
	env_init(bi);
	static const struct test_case *cases[MAX_TESTS];
	int count = sorted_cases(cases);
	int passed = 0, failures = 0;
	const sim_BootModule *filter = sim_boot_module(bi, "cases");
	for (int c = 0; c < count; c++) {
		const struct test_case *t = cases[c];
		if (!selected(filter, t->name) || (t->enabled && !t->enabled()))
			continue;
		failed = 0;
		failure[0] = 0;
		/* A case that failed while it ran below its helpers left its priority lowered. */
		seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO);
		t->run();
		if (failed) {
			printf("%s: FAILED %s\n", t->name, failure);
			failures++;
		} else {
			printf("%s: ok\n", t->name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failures);
	return failures ? 1 : 0;
}
