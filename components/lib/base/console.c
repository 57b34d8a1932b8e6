/*
 * The console of a root task: the kernel's debug output, a line at a time
 * (sim_DebugPutString; seL4_DebugPutChar would be one kernel entry per
 * character). The line buffer lives on the caller's stack, so threads may
 * print at the same time.
 */
#include <base/format.h>
#include <base/string.h>
#include <sel4/sel4.h>

struct line {
	char text[256];
	seL4_Word len;
};

static void flush(struct line *l)
{
	if (l->len)
		sim_DebugPutString(l->text, l->len);
	l->len = 0;
}

static void console_out(char c, void *ctx)
{
	struct line *l = ctx;
	l->text[l->len++] = c;
	if (c == '\n' || l->len == sizeof(l->text))
		flush(l);
}

int vprintf(const char *fmt, va_list ap)
{
	struct line l = {.len = 0};
	int n = vformat(console_out, &l, fmt, ap);
	flush(&l);
	return n;
}

int puts(const char *s)
{
	struct line l = {.len = 0};
	while (*s)
		console_out(*s++, &l);
	console_out('\n', &l);
	flush(&l);
	return 0;
}
