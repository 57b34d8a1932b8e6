/*
 * Thread-local storage (x86_64 TLS variant II): each thread's block holds a
 * copy of the program's TLS template below the thread pointer, and the
 * thread pointer (fs_base) points at a word holding itself.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Bytes a TLS block needs, including alignment slack. */
size_t sim_tls_block_size(void);

/* Lay out a fresh TLS block in area (of size bytes); the thread pointer, or 0 if too small. */
uintptr_t sim_tls_init(void *area, size_t size);
