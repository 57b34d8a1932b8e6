/*
 * Files kernel-sim reads from the host: the root task, the boot modules and
 * their updates. A file is opened without following a symbolic link and
 * without blocking (a FIFO or a device would stop the whole system), and
 * only a regular file is read.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Read all of path (at most max bytes) into a new buffer. On failure -1,
 * with why the file was refused in why ("is a FIFO", "is a symbolic link",
 * "is larger than N bytes", or the host's error).
 */
int host_file_read(const char *path, size_t max, uint8_t **data, size_t *size, char *why,
		   size_t whylen);
