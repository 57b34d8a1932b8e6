/*
 * An allocator of address ranges: core-virtual memory, I/O memory, IRQ
 * numbers, I/O ports, the free space of a region map.
 *
 * The free set is kept as an array of records the caller provides, so the
 * allocator works before any heap exists. An operation that would need a
 * record beyond that array fails and leaves the free set as it was.
 *
 * Ranges are [base, base + size) with size > 0; base + size may be exactly
 * 2^64 (a range ending at the top of the address space), but not beyond.
 * The free records are sorted by base, never overlap and are coalesced; the
 * one exception is a free set covering the whole address space, whose size
 * 2^64 does not fit a record: it is held as two adjacent records.
 */
#pragma once

#include <stdbool.h>

struct range {
	unsigned long base, size;
};

struct range_alloc {
	struct range *free; /* the free ranges, sorted by base */
	unsigned count, capacity;
};

/* Start with nothing free, keeping records in storage[0 .. capacity). */
void range_alloc_init(struct range_alloc *a, struct range *storage, unsigned capacity);

/* Make [base, base+size) available; false if any of it is free already or out of records. */
bool range_alloc_add(struct range_alloc *a, unsigned long base, unsigned long size);

/*
 * Take out of the free set whatever of [base, base+size) is free, which may
 * split a free range. True also when none of it was free; false for an
 * invalid range or when a split needs a record there is no room for.
 */
bool range_alloc_remove(struct range_alloc *a, unsigned long base, unsigned long size);

/*
 * Allocate size units at the lowest free address that is a multiple of
 * 1 << align_log2, storing it in *out.
 */
bool range_alloc_alloc_aligned(struct range_alloc *a, unsigned long size, unsigned align_log2,
			       unsigned long *out);

/* The same, but the allocation lies within [from, to) if to > from (else anywhere). */
bool range_alloc_alloc_aligned_within(struct range_alloc *a, unsigned long size,
				      unsigned align_log2, unsigned long from, unsigned long to,
				      unsigned long *out);

/* Allocate exactly [base, base+size), only if all of it is free. */
bool range_alloc_alloc_addr(struct range_alloc *a, unsigned long base, unsigned long size);

/* Give back an allocated range: like range_alloc_add, false on a double free. */
bool range_alloc_free(struct range_alloc *a, unsigned long base, unsigned long size);

/* Total free units (saturates at ULONG_MAX when the whole space is free). */
unsigned long range_alloc_avail(const struct range_alloc *a);

/* Whether all of [base, base+size) is free. */
bool range_alloc_is_free(const struct range_alloc *a, unsigned long base, unsigned long size);
