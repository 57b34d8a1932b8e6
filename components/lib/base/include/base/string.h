/* Freestanding string and memory routines of the component runtime. */
#pragma once

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);

/* Replace control and non-ASCII characters (names from other components go to logs); returns how
 * many. */
size_t str_sanitize(char *s);

/* Parse an unsigned number (decimal, or hex with 0x); returns chars used. */
size_t parse_ulong(const char *s, unsigned long *out);
