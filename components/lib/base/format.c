#include <base/format.h>
#include <base/string.h>
#include <stdint.h>

struct spec {
	int width;
	char pad;
	int left;
	int alt; /* '#': 0x before hexadecimal */
};

static int emit_padded(format_out_t out, void *ctx, const char *s, size_t len,
		       const struct spec *sp)
{
	int n = 0;
	int fill = sp->width > (int)len ? sp->width - (int)len : 0;
	if (!sp->left) {
		/* Zero padding goes after a sign or a 0x prefix. */
		size_t prefix = 0;
		if (sp->pad == '0' && len && s[0] == '-')
			prefix = 1;
		else if (sp->pad == '0' && len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			prefix = 2;
		for (size_t i = 0; i < prefix; i++, n++)
			out(*s++, ctx);
		len -= prefix;
		for (; fill; fill--, n++)
			out(sp->pad, ctx);
	}
	for (size_t i = 0; i < len; i++, n++)
		out(s[i], ctx);
	for (; fill; fill--, n++)
		out(' ', ctx);
	return n;
}

static size_t utoa(char *buf, unsigned long long v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

int vformat(format_out_t out, void *ctx, const char *fmt, va_list ap)
{
	int n = 0;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(*fmt, ctx);
			n++;
			continue;
		}
		struct spec sp = {0, ' ', 0, 0};
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = 1;
			else if (*fmt == '0')
				sp.pad = '0';
			else if (*fmt == '#')
				sp.alt = 1;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (sp.left)
			sp.pad = ' ';
		int longs = 0;
		while (*fmt == 'l' || *fmt == 'z') {
			longs++;
			fmt++;
		}

		char buf[32];
		size_t len = 0;
		unsigned long long u;
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);
			if (v < 0) {
				buf[len++] = '-';
				u = (unsigned long long)(-(v + 1)) + 1;
			} else {
				u = (unsigned long long)v;
			}
			len += utoa(buf + len, u, 10, 0);
			n += emit_padded(out, ctx, buf, len, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			if (sp.alt && (*fmt == 'x' || *fmt == 'X')) {
				buf[len++] = '0';
				buf[len++] = *fmt;
			}
			len += utoa(buf + len, u,
				    *fmt == 'u'	  ? 10
				    : *fmt == 'o' ? 8
						  : 16,
				    *fmt == 'X');
			n += emit_padded(out, ctx, buf, len, &sp);
			break;
		case 'p':
			buf[0] = '0';
			buf[1] = 'x';
			len = 2 + utoa(buf + 2, (uintptr_t)va_arg(ap, void *), 16, 0);
			n += emit_padded(out, ctx, buf, len, &sp);
			break;
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			n += emit_padded(out, ctx, buf, 1, &sp);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			n += emit_padded(out, ctx, s, strlen(s), &sp);
			break;
		}
		case '%':
			out('%', ctx);
			n++;
			break;
		case 0:
			return n;
		default:
			out('%', ctx);
			out(*fmt, ctx);
			n += 2;
			break;
		}
	}
	return n;
}

struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void sbuf_out(char c, void *ctx)
{
	struct sbuf *b = ctx;
	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = {buf, size, 0};
	int n = vformat(sbuf_out, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = 0;
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* printf over whichever vprintf the program links: the console or the LOG session. */
int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
