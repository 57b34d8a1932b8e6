/*
 * What core's modules share: its heap, its own address space, its log and
 * options. Core is single threaded: one entrypoint serves every RPC object
 * and every page fault, so no module needs locking.
 */
#pragma once

#include "vm_space.h"
#include <base/format.h>
#include <stdbool.h>
#include <stddef.h>

/* Core's heap (memory it maps locally). */
void *core_alloc(size_t size);
void *core_zalloc(size_t size);
void core_free(void *p);
/*
 * The RAM of core's heap window (mapped, in use or free for reuse; it
 * never shrinks), part of the RAM in use, and how many paging structures
 * (4 KiB each) core made to map it; the first heap is in core's bss.
 */
unsigned long core_heap_size(unsigned long *tables);

/* Core's own address space: its heap window and its window for local mappings. */
extern struct vm_space core_vm;
#define CORE_HEAP_BASE 0x10000000000ul /* 1 TiB, away from the image */
#define CORE_HEAP_SIZE 0x4000000000ul
#define CORE_MAP_BASE  (CORE_HEAP_BASE + CORE_HEAP_SIZE)
#define CORE_MAP_SIZE  0x4000000000ul

/*
 * Map frames (core CPtrs, 4 KiB each unless large) read-write into core
 * and return where; NULL when out of core-virtual space or memory.
 */
void *core_map_local(const seL4_CPtr *frames, unsigned long count, bool large);
void core_unmap_local(void *addr, unsigned long count, bool large);

/* Options from kernel-sim's command line or core's config: PF logging. */
extern bool core_verbose;

/* Print a line on the console, core's own log. */
#define core_log(...) printf(__VA_ARGS__)

/* Boot: allocators, CSpace, heap. */
bool platform_init(const seL4_BootInfo *bi);

/*
 * Core's stack after boot: size bytes mapped for good, with CORE_STACK_GUARD
 * unmapped below, so an overflow is a fault of core's thread (which kernel-
 * sim reports as core's death) instead of overwriting core's data. Returns
 * its top, or 0.
 */
#define CORE_STACK_SIZE	 (64 * 1024)
#define CORE_STACK_GUARD (64 * 1024)
unsigned long core_stack(unsigned long size);
