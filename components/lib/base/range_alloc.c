/*
 * An allocator of address ranges over a caller-provided array of free-range
 * records. Internally a range is also seen as [base, last] with
 * last = base + size - 1, which stays representable for a range that ends at
 * the top of the address space.
 */
/* By path, so that host unit tests can compile this file without extra -I flags. */
#include "include/base/range_alloc.h"

#define TOP (~0ul) /* the last address */

static unsigned long max_ul(unsigned long x, unsigned long y)
{
	return x > y ? x : y;
}

static unsigned long min_ul(unsigned long x, unsigned long y)
{
	return x < y ? x : y;
}

/* The last address of a record. */
static unsigned long last_of(const struct range *r)
{
	return r->base + (r->size - 1);
}

/* Whether [base, base+size) is a range at all: not empty, not past 2^64. */
static bool valid(unsigned long base, unsigned long size)
{
	return size != 0 && size - 1 <= TOP - base;
}

/* The index of the first free record that reaches addr (last >= addr), or count. */
static unsigned first_reaching(const struct range_alloc *a, unsigned long addr)
{
	unsigned lo = 0, hi = a->count;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (last_of(&a->free[mid]) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void insert_at(struct range_alloc *a, unsigned i, unsigned long base, unsigned long size)
{
	for (unsigned j = a->count; j > i; j--)
		a->free[j] = a->free[j - 1];
	a->free[i] = (struct range){.base = base, .size = size};
	a->count++;
}

static void delete_span(struct range_alloc *a, unsigned i, unsigned n)
{
	for (unsigned j = i; j + n < a->count; j++)
		a->free[j] = a->free[j + n];
	a->count -= n;
}

/* Whether r and the following s touch and their union has a size that fits. */
static bool mergeable(const struct range *r, const struct range *s)
{
	return last_of(r) + 1 == s->base && !(r->base == 0 && last_of(s) == TOP);
}

/* Merge every pair of neighbouring records that can be merged. */
static void coalesce(struct range_alloc *a)
{
	unsigned out = 0;
	for (unsigned i = 0; i < a->count; i++) {
		if (out > 0 && mergeable(&a->free[out - 1], &a->free[i]))
			a->free[out - 1].size += a->free[i].size;
		else
			a->free[out++] = a->free[i];
	}
	a->count = out;
}

/* Start with nothing free. */
void range_alloc_init(struct range_alloc *a, struct range *storage, unsigned capacity)
{
	a->free = storage;
	a->count = 0;
	a->capacity = capacity;
}

/* Make a range available, merging it with free neighbours. */
bool range_alloc_add(struct range_alloc *a, unsigned long base, unsigned long size)
{
	if (!valid(base, size))
		return false;
	unsigned long last = base + (size - 1);
	unsigned i = first_reaching(a, base);
	if (i < a->count && a->free[i].base <= last)
		return false; /* some of it is free already */

	struct range r = {.base = base, .size = size};
	if (i > 0 && mergeable(&a->free[i - 1], &r)) {
		a->free[i - 1].size += size;
	} else if (i < a->count && mergeable(&r, &a->free[i])) {
		a->free[i].base = base;
		a->free[i].size += size;
	} else {
		if (a->count == a->capacity)
			return false;
		insert_at(a, i, base, size);
	}
	coalesce(a); /* the new range may have closed the gap between two records */
	return true;
}

/* Take whatever of a range is free out of the free set. */
bool range_alloc_remove(struct range_alloc *a, unsigned long base, unsigned long size)
{
	if (!valid(base, size))
		return false;
	unsigned long last = base + (size - 1);
	unsigned i = first_reaching(a, base);
	if (i == a->count || a->free[i].base > last)
		return true; /* none of it is free */

	struct range *r = &a->free[i];
	unsigned long r_last = last_of(r);
	if (r->base < base && r_last > last) {
		/* Strictly inside one free range: split it in two. */
		if (a->count == a->capacity)
			return false;
		insert_at(a, i + 1, last + 1, r_last - last);
		a->free[i].size = base - a->free[i].base;
		coalesce(a);
		return true;
	}

	if (r->base < base) {
		r->size = base - r->base; /* keep the part below */
		i++;
	}
	unsigned j = i;
	while (j < a->count && last_of(&a->free[j]) <= last)
		j++; /* wholly inside: goes */
	if (j < a->count && a->free[j].base <= last) {
		unsigned long j_last = last_of(&a->free[j]);
		a->free[j].base = last + 1; /* keep the part above */
		a->free[j].size = j_last - last;
	}
	delete_span(a, i, j - i);
	coalesce(a); /* only matters when the whole space was free */
	return true;
}

/*
 * Where in free record r an aligned block of size fits within [lo_bound,
 * hi_bound], preferring the lowest address. When no record is left to split
 * r with, only a place at either end of r will do.
 */
static bool fit_in(const struct range_alloc *a, const struct range *r, unsigned long size,
		   unsigned long mask, unsigned long lo_bound, unsigned long hi_bound,
		   unsigned long *out)
{
	unsigned long r_last = last_of(r);
	unsigned long lo = max_ul(r->base, lo_bound), hi = min_ul(r_last, hi_bound);
	unsigned long up = (0ul - lo) & mask; /* from lo to the next aligned address */
	if (lo > hi || up > TOP - lo)
		return false;
	unsigned long at = lo + up;
	if (at > hi || hi - at < size - 1)
		return false;
	bool splits = at > r->base && at + (size - 1) < r_last;
	if (!splits || a->count < a->capacity) {
		*out = at;
		return true;
	}
	/* The highest place, ending where r ends. */
	if (hi != r_last)
		return false;
	at = r_last - (size - 1);
	if ((at & mask) || at < lo)
		return false;
	*out = at;
	return true;
}

/* First fit of an aligned block, within [from, to) if to > from. */
bool range_alloc_alloc_aligned_within(struct range_alloc *a, unsigned long size,
				      unsigned align_log2, unsigned long from, unsigned long to,
				      unsigned long *out)
{
	if (size == 0 || align_log2 >= 8 * sizeof(unsigned long))
		return false;
	unsigned long mask = (1ul << align_log2) - 1;
	unsigned long lo_bound = 0, hi_bound = TOP;
	if (to > from) {
		lo_bound = from;
		hi_bound = to - 1;
	}
	for (unsigned i = first_reaching(a, lo_bound); i < a->count && a->free[i].base <= hi_bound;
	     i++) {
		unsigned long at;
		if (fit_in(a, &a->free[i], size, mask, lo_bound, hi_bound, &at)) {
			range_alloc_remove(a, at, size); /* cannot fail: fit_in made sure */
			*out = at;
			return true;
		}
	}
	return false;
}

/* First fit of an aligned block anywhere. */
bool range_alloc_alloc_aligned(struct range_alloc *a, unsigned long size, unsigned align_log2,
			       unsigned long *out)
{
	return range_alloc_alloc_aligned_within(a, size, align_log2, 0, 0, out);
}

/* Allocate exactly this range if it is wholly free. */
bool range_alloc_alloc_addr(struct range_alloc *a, unsigned long base, unsigned long size)
{
	return range_alloc_is_free(a, base, size) && range_alloc_remove(a, base, size);
}

/* Give an allocated range back; a double free overlaps what is free and fails. */
bool range_alloc_free(struct range_alloc *a, unsigned long base, unsigned long size)
{
	return range_alloc_add(a, base, size);
}

/* The sum of all free ranges. */
unsigned long range_alloc_avail(const struct range_alloc *a)
{
	unsigned long sum = 0;
	for (unsigned i = 0; i < a->count; i++) {
		if (a->free[i].size > TOP - sum)
			return TOP;
		sum += a->free[i].size;
	}
	return sum;
}

/* Whether every address of the range is free (it may span touching records). */
bool range_alloc_is_free(const struct range_alloc *a, unsigned long base, unsigned long size)
{
	if (!valid(base, size))
		return false;
	unsigned long last = base + (size - 1);
	unsigned long at = base; /* the lowest address not yet known free */
	for (unsigned i = first_reaching(a, base); i < a->count && a->free[i].base <= at; i++) {
		unsigned long r_last = last_of(&a->free[i]);
		if (r_last >= last)
			return true;
		at = r_last + 1;
	}
	return false;
}
