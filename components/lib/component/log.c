/* Formatted logging to the LOG session, a line per message. */
#include <base/string.h>
#include <component/clients.h>
#include <component/env.h>
#include <component/log.h>
#include <component/thread.h>
#include <stdarg.h>

void log_write(const char *line)
{
	struct log_write_args a;
	strlcpy(a.string, line, sizeof(a.string));
	struct env *env = genode_env();
	if (env->log)
		log_session_write(env->log, &a, 0, 0, 0);
	else
		seL4_DebugPutString(a.string);
}

/*
 * As Genode's log: every newline in the message ends a line, and the end
 * of the message ends the last one (so "x\n" is "x" and an empty line).
 */
static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char text[LOG_STRING_MAX];
	size_t n = strlcpy(text, prefix, sizeof(text));
	vsnprintf(text + n, sizeof(text) - n, fmt, ap);
	for (char *line = text;;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		log_write(line);
		if (!nl)
			break;
		line = nl + 1;
	}
}

void log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("Warning: ", fmt, ap);
	va_end(ap);
}

void error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("Error: ", fmt, ap);
	va_end(ap);
}

/* printf and friends: collect characters, write each finished line. */
static char pending[LOG_STRING_MAX];
static size_t pending_len;

static void out(char c, void *ctx)
{
	(void)ctx;
	if (c != '\n')
		pending[pending_len++] = c;
	if (c == '\n' || pending_len == sizeof(pending) - 1) {
		pending[pending_len] = 0;
		log_write(pending);
		pending_len = 0;
	}
}

static struct lock printf_lock;

int vprintf(const char *fmt, va_list ap)
{
	lock_acquire(&printf_lock);
	int n = vformat(out, 0, fmt, ap);
	lock_release(&printf_lock);
	return n;
}

int puts(const char *s)
{
	log_write(s);
	return 0;
}
