/*
 * Formatted output: %d %i %u %x %X %o %s %c %p %%, with the length
 * modifiers l, ll and z, the flags '-', '0' and '#', and a field width (also *).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_out_t)(char c, void *ctx);

int vformat(format_out_t out, void *ctx, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* To the console (seL4_DebugPutChar). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);
