/* The console of a root task: seL4_DebugPutChar. */
#include <base/format.h>
#include <sel4/sel4.h>

static void console_out(char c, void *ctx)
{
	(void)ctx;
	seL4_DebugPutChar(c);
}

int vprintf(const char *fmt, va_list ap)
{
	return vformat(console_out, 0, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	seL4_DebugPutString(s);
	seL4_DebugPutChar('\n');
	return 0;
}
