#include "log.h"
#include "../host/control.h"
#include "object.h"
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool kernel_verbose;

/* Console output is kept per line so that lines of two threads do not mix. */
static char console_line[4096];
static size_t console_len;

void console_flush(void)
{
	control_output(console_line, console_len);
	size_t off = 0;
	while (off < console_len) {
		ssize_t n = write(STDOUT_FILENO, console_line + off, console_len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	console_len = 0;
}

void console_putchar(char c)
{
	console_line[console_len++] = c;
	if (c == '\n' || console_len == sizeof(console_line))
		console_flush();
}

void kprintf(const char *fmt, ...)
{
	console_flush();
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	control_output(buf, len);
	fwrite(buf, 1, len, stderr);
	fflush(stderr);
}

/* seL4 x86_64 maps physical memory at this kernel window. */
#define KERNEL_PPTR_BASE 0xffffff8000000000ul

unsigned long kernel_pointer(unsigned long paddr)
{
	return KERNEL_PPTR_BASE + paddr;
}

void user_error_at(const char *func, const char *fmt, ...)
{
	if (!kernel_verbose)
		return;
	console_flush();
	struct tcb *t = ks_cur_thread;
	if (t)
		fprintf(stderr, "<<seL4(CPU 0) [%s/T%#lx \"%s\" @%lx]: ", func,
			kernel_pointer(t->obj.paddr), t->name, (unsigned long)t->regs.rip);
	else
		fprintf(stderr, "<<seL4(CPU 0) [%s]: ", func);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ">>\n");
	fflush(stderr);
}
