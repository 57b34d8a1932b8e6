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

static void console_put(char c)
{
	console_line[console_len++] = c;
	if (c == '\n' || console_len == sizeof(console_line))
		console_flush();
}

/* c in caret notation (cat -v): ^[ for ESC, ^? for DEL, M-^[ for the C1 control CSI. */
static void console_put_caret(unsigned char c)
{
	if (c >= 0x80) {
		console_put('M');
		console_put('-');
		c -= 0x80;
	}
	console_put('^');
	console_put(c == 0x7f ? '?' : (char)(c + 0x40));
}

/*
 * Text from PDs reaches the operator's terminal, so no control character
 * passes raw: C0 controls but newline and tab, DEL, and C1 controls whether
 * raw bytes or UTF-8 (U+0080-U+009F, which terminals obey as well) are
 * shown in caret notation. Other UTF-8 passes.
 */
static unsigned utf8_continuations; /* still expected in the current sequence */
static bool utf8_c2;		    /* the last byte was 0xc2, held back */

void console_putchar(char ch)
{
	unsigned char c = (unsigned char)ch;
	if (utf8_c2) {
		utf8_c2 = false;
		if (c >= 0x80 && c < 0xa0) {
			console_put_caret(c);
			return;
		}
		console_put((char)0xc2);
		if (c >= 0x80 && c < 0xc0) {
			console_put(ch);
			return;
		}
	}
	if (utf8_continuations && c >= 0x80 && c < 0xc0) {
		utf8_continuations--;
		console_put(ch);
		return;
	}
	utf8_continuations = 0;
	if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
		console_put_caret(c);
	} else if (c == 0xc2) {
		utf8_c2 = true;
	} else {
		if (c >= 0xc3 && c < 0xf5)
			utf8_continuations = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
		console_put(ch);
	}
}

void sanitise_name(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
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
