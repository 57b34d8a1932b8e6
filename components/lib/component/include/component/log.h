/*
 * Logging through the LOG session, one line per call, in Genode's style:
 * log() plain, warning() prefixed "Warning: ", error() prefixed "Error: ".
 * printf/puts also go to the LOG session, a line at a time.
 */
#pragma once

#include <base/format.h>

void log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write one finished line as it is. */
void log_write(const char *line);
