/* The address-range allocator of components/lib/base, compiled hosted. */
#include "check.h"
#include "../../components/lib/base/range_alloc.c"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define HIGHEST ULONG_MAX

static struct range storage[64];
static struct range_alloc ra;

static void fresh(unsigned capacity)
{
	memset(storage, 0xa5, sizeof(storage));
	range_alloc_init(&ra, storage, capacity);
}

/* Whether the records are sorted, disjoint and coalesced (save the whole-space pair). */
static bool well_formed(const struct range_alloc *a)
{
	if (a->count > a->capacity)
		return false;
	for (unsigned i = 0; i < a->count; i++) {
		const struct range *r = &a->free[i];
		if (r->size == 0 || r->size - 1 > HIGHEST - r->base)
			return false;
		if (i == 0)
			continue;
		const struct range *p = &a->free[i - 1];
		unsigned long p_last = p->base + (p->size - 1);
		if (p_last >= r->base)
			return false; /* unsorted or overlapping */
		if (p_last + 1 == r->base && !(p->base == 0 && r->base + (r->size - 1) == HIGHEST))
			return false; /* not coalesced */
	}
	return true;
}

static bool is(unsigned i, unsigned long base, unsigned long size)
{
	return i < ra.count && ra.free[i].base == base && ra.free[i].size == size;
}

static void range_add_coalesces(void)
{
	fresh(8);
	CHECK(range_alloc_add(&ra, 0x1000, 0x1000));
	CHECK(range_alloc_add(&ra, 0x3000, 0x1000));
	CHECK(ra.count == 2);
	CHECK(range_alloc_add(&ra, 0x2000, 0x1000)); /* closes the gap */
	CHECK(ra.count == 1 && is(0, 0x1000, 0x3000));
	CHECK(range_alloc_add(&ra, 0x800, 0x800)); /* touches below */
	CHECK(range_alloc_add(&ra, 0x4000, 0x10)); /* touches above */
	CHECK(ra.count == 1 && is(0, 0x800, 0x3810));
	CHECK(range_alloc_add(&ra, 0x10000, 0x100));
	CHECK(ra.count == 2 && is(1, 0x10000, 0x100));
	CHECK(range_alloc_avail(&ra) == 0x3910);
	CHECK(well_formed(&ra));
}

static void range_add_rejects_overlap_and_empty(void)
{
	fresh(8);
	CHECK(range_alloc_add(&ra, 0x1000, 0x1000));
	CHECK(!range_alloc_add(&ra, 0x1000, 0x1000));
	CHECK(!range_alloc_add(&ra, 0x1fff, 1));
	CHECK(!range_alloc_add(&ra, 0x800, 0x801));
	CHECK(!range_alloc_add(&ra, 0x0, 0x10000)); /* covers it */
	CHECK(!range_alloc_add(&ra, 0x5000, 0));
	CHECK(!range_alloc_remove(&ra, 0x1000, 0));
	CHECK(!range_alloc_alloc_addr(&ra, 0x1000, 0));
	CHECK(!range_alloc_is_free(&ra, 0x1000, 0));
	unsigned long at;
	CHECK(!range_alloc_alloc_aligned(&ra, 0, 0, &at));
	CHECK(ra.count == 1 && is(0, 0x1000, 0x1000));
}

static void range_remove_splits_and_spans(void)
{
	fresh(8);
	CHECK(range_alloc_add(&ra, 0, 0x10000));
	CHECK(range_alloc_remove(&ra, 0x4000, 0x1000));
	CHECK(ra.count == 2 && is(0, 0, 0x4000) && is(1, 0x5000, 0xb000));
	CHECK(range_alloc_add(&ra, 0x20000, 0x1000));
	CHECK(range_alloc_add(&ra, 0x30000, 0x1000));
	/* From the middle of the second range to the middle of the last. */
	CHECK(range_alloc_remove(&ra, 0x8000, 0x28800));
	CHECK(ra.count == 3 && is(1, 0x5000, 0x3000) && is(2, 0x30800, 0x800));
	/* Removing what is not free changes nothing. */
	CHECK(range_alloc_remove(&ra, 0x40000, 0x1000));
	CHECK(range_alloc_remove(&ra, 0x4000, 0x1000));
	CHECK(ra.count == 3);
	/* Exactly one whole range, then everything. */
	CHECK(range_alloc_remove(&ra, 0x5000, 0x3000));
	CHECK(ra.count == 2 && is(1, 0x30800, 0x800));
	CHECK(range_alloc_remove(&ra, 0, HIGHEST));
	CHECK(ra.count == 0 && range_alloc_avail(&ra) == 0);
	CHECK(!range_alloc_remove(&ra, 0x10, HIGHEST)); /* past 2^64 */
}

static void range_alloc_addr_only_if_free(void)
{
	fresh(8);
	CHECK(range_alloc_add(&ra, 0x1000, 0x3000));
	CHECK(range_alloc_add(&ra, 0x5000, 0x1000));
	CHECK(!range_alloc_alloc_addr(&ra, 0x3000, 0x3000)); /* a hole at 0x4000 */
	CHECK(!range_alloc_alloc_addr(&ra, 0x800, 0x1000));
	CHECK(ra.count == 2 && range_alloc_avail(&ra) == 0x4000);
	CHECK(range_alloc_alloc_addr(&ra, 0x2000, 0x1000));
	CHECK(ra.count == 3 && !range_alloc_is_free(&ra, 0x2000, 1));
	CHECK(range_alloc_is_free(&ra, 0x1000, 0x1000) && range_alloc_is_free(&ra, 0x3000, 0x1000));
	CHECK(!range_alloc_alloc_addr(&ra, 0x2000, 0x1000)); /* taken */
	CHECK(range_alloc_free(&ra, 0x2000, 0x1000));
	CHECK(ra.count == 2 && is(0, 0x1000, 0x3000));
}

static void range_aligned_first_fit(void)
{
	unsigned long at;
	fresh(8);
	CHECK(range_alloc_add(&ra, 0x1100, 0x2000)); /* [0x1100, 0x3100) */
	CHECK(range_alloc_add(&ra, 0x10000, 0x10000));
	CHECK(range_alloc_alloc_aligned(&ra, 0x100, 0, &at) && at == 0x1100);
	CHECK(range_alloc_alloc_aligned(&ra, 0x1000, 12, &at) && at == 0x2000);
	CHECK(ra.count == 3 && is(0, 0x1200, 0xe00) && is(1, 0x3000, 0x100));
	/* Nothing 64 KiB-aligned of 64 KiB is left below 0x20000 but 0x10000. */
	CHECK(range_alloc_alloc_aligned(&ra, 0x10000, 16, &at) && at == 0x10000);
	CHECK(!range_alloc_alloc_aligned(&ra, 0x1000, 12, &at));
	CHECK(range_alloc_alloc_aligned(&ra, 0x800, 11, &at) && at == 0x1800);
	CHECK(!range_alloc_alloc_aligned(&ra, 1, 64, &at)); /* no such alignment */
	CHECK(well_formed(&ra));
}

static void range_aligned_within_bounds(void)
{
	unsigned long at;
	fresh(8);
	CHECK(range_alloc_add(&ra, 0, 0x100000));
	CHECK(range_alloc_alloc_aligned_within(&ra, 0x1000, 12, 0x8000, 0xa000, &at));
	CHECK(at == 0x8000);
	CHECK(range_alloc_alloc_aligned_within(&ra, 0x1000, 12, 0x8000, 0xa000, &at));
	CHECK(at == 0x9000);
	CHECK(!range_alloc_alloc_aligned_within(&ra, 0x1000, 12, 0x8000, 0xa000, &at));
	/* An unaligned lower bound rounds up; the upper bound is exclusive. */
	CHECK(range_alloc_alloc_aligned_within(&ra, 0x100, 8, 0x20001, 0x20300, &at));
	CHECK(at == 0x20100);
	CHECK(!range_alloc_alloc_aligned_within(&ra, 0x200, 8, 0x20001, 0x20300, &at));
	CHECK(range_alloc_alloc_aligned_within(&ra, 0x100, 8, 0x20001, 0x20300, &at));
	CHECK(at == 0x20200);
	/* to <= from means anywhere. */
	CHECK(range_alloc_alloc_aligned_within(&ra, 0x10, 4, 0x5000, 0x5000, &at) && at == 0);
	CHECK(range_alloc_alloc_aligned_within(&ra, 0x10, 4, 0x5000, 0x10, &at) && at == 0x10);
	/* A bound beyond everything free. */
	CHECK(!range_alloc_alloc_aligned_within(&ra, 0x10, 4, 0x100000, 0x200000, &at));
	CHECK(range_alloc_avail(&ra) == 0x100000 - 0x2000 - 0x200 - 0x20);
	CHECK(well_formed(&ra));
}

static void range_out_of_records(void)
{
	unsigned long at;
	fresh(2);
	CHECK(range_alloc_add(&ra, 0x1000, 0x1000));
	CHECK(range_alloc_add(&ra, 0x4000, 0x1000));
	CHECK(!range_alloc_add(&ra, 0x8000, 0x1000)); /* a third record */
	CHECK(range_alloc_add(&ra, 0x2000, 0x1000));  /* merges: no record needed */
	CHECK(range_alloc_add(&ra, 0x3000, 0x1000));  /* joins both: frees one */
	CHECK(ra.count == 1 && is(0, 0x1000, 0x4000));
	CHECK(range_alloc_add(&ra, 0x8000, 0x1000));
	/* Splits fail and change nothing. */
	CHECK(!range_alloc_remove(&ra, 0x2000, 0x1000));
	CHECK(!range_alloc_alloc_addr(&ra, 0x2000, 0x1000));
	CHECK(ra.count == 2 && is(0, 0x1000, 0x4000) && is(1, 0x8000, 0x1000));
	/* Trimming an end needs no record. */
	CHECK(range_alloc_alloc_addr(&ra, 0x1000, 0x100));
	CHECK(ra.count == 2 && is(0, 0x1100, 0x3f00));
	/* First fit would split [0x1100,0x5000) at 0x1800; the end of it fits instead. */
	CHECK(range_alloc_alloc_aligned(&ra, 0x800, 11, &at) && at == 0x4800);
	CHECK(ra.count == 2 && is(0, 0x1100, 0x3700));
	/* Only places that split remain for this one, so it fails cleanly. */
	CHECK(!range_alloc_alloc_aligned_within(&ra, 0x100, 8, 0x1200, 0x4700, &at));
	CHECK(ra.count == 2 && is(0, 0x1100, 0x3700) && is(1, 0x8000, 0x1000));
	/* No records at all. */
	fresh(0);
	CHECK(!range_alloc_add(&ra, 0x1000, 0x1000));
	CHECK(!range_alloc_alloc_aligned(&ra, 1, 0, &at));
	CHECK(range_alloc_avail(&ra) == 0);
}

static void range_top_of_address_space(void)
{
	unsigned long at;
	fresh(8);
	CHECK(!range_alloc_add(&ra, HIGHEST - 0xfff, 0x2000)); /* past 2^64 */
	CHECK(!range_alloc_add(&ra, HIGHEST, 2));
	CHECK(range_alloc_add(&ra, HIGHEST - 0xfff, 0x1000)); /* ends at exactly 2^64 */
	CHECK(range_alloc_is_free(&ra, HIGHEST, 1) && !range_alloc_is_free(&ra, HIGHEST, 2));
	CHECK(range_alloc_add(&ra, HIGHEST - 0x1fff, 0x1000));
	CHECK(ra.count == 1 && is(0, HIGHEST - 0x1fff, 0x2000));
	CHECK(range_alloc_alloc_aligned(&ra, 0x1000, 12, &at) && at == HIGHEST - 0x1fff);
	CHECK(range_alloc_alloc_aligned(&ra, 0x1000, 12, &at) && at == HIGHEST - 0xfff);
	CHECK(ra.count == 0);
	CHECK(range_alloc_free(&ra, HIGHEST - 0xfff, 0x1000));
	CHECK(!range_alloc_free(&ra, HIGHEST - 0xfff, 0x1000));
	/* The last address alone, aligned allocations that would wrap. */
	CHECK(range_alloc_alloc_addr(&ra, HIGHEST - 0xfff, 0xfff));
	CHECK(ra.count == 1 && is(0, HIGHEST, 1));
	CHECK(!range_alloc_alloc_aligned(&ra, 1, 1, &at));
	CHECK(range_alloc_alloc_aligned_within(&ra, 1, 0, HIGHEST - 1, HIGHEST, &at) == false);
	CHECK(range_alloc_alloc_aligned(&ra, 1, 0, &at) && at == HIGHEST);

	/* The whole space: two records, since 2^64 does not fit one. */
	fresh(8);
	CHECK(range_alloc_add(&ra, 0, HIGHEST));
	CHECK(range_alloc_add(&ra, HIGHEST, 1));
	CHECK(ra.count == 2 && range_alloc_avail(&ra) == HIGHEST && well_formed(&ra));
	CHECK(range_alloc_is_free(&ra, HIGHEST - 0x10, 0x11));
	CHECK(range_alloc_is_free(&ra, 0, HIGHEST));
	CHECK(!range_alloc_add(&ra, 0x1234, 1));
	/* Taking anything out lets the two records merge again. */
	CHECK(range_alloc_alloc_addr(&ra, 0x1000, 0x1000));
	CHECK(ra.count == 2 && is(0, 0, 0x1000) && is(1, 0x2000, HIGHEST - 0x1fff));
	CHECK(range_alloc_free(&ra, 0x1000, 0x1000));
	CHECK(ra.count == 2 && range_alloc_avail(&ra) == HIGHEST && well_formed(&ra));
	/* Above the break between the two records, where it fits without a split. */
	CHECK(range_alloc_alloc_aligned(&ra, 1ul << 63, 63, &at) && at == 1ul << 63);
	CHECK(ra.count == 1 && is(0, 0, 1ul << 63));
	CHECK(range_alloc_free(&ra, 1ul << 63, 1ul << 63));
	CHECK(ra.count == 2 && range_alloc_avail(&ra) == HIGHEST && well_formed(&ra));
	CHECK(range_alloc_remove(&ra, HIGHEST, 1));
	CHECK(ra.count == 1 && is(0, 0, HIGHEST));
}

static void range_double_free(void)
{
	unsigned long a, b;
	fresh(8);
	CHECK(range_alloc_add(&ra, 0x100, 0x100));
	CHECK(range_alloc_alloc_aligned(&ra, 0x10, 4, &a));
	CHECK(range_alloc_alloc_aligned(&ra, 0x10, 4, &b));
	CHECK(range_alloc_free(&ra, a, 0x10));
	CHECK(!range_alloc_free(&ra, a, 0x10));
	CHECK(!range_alloc_free(&ra, b - 8, 0x10)); /* half of it is free */
	CHECK(range_alloc_free(&ra, b, 0x10));
	CHECK(ra.count == 1 && is(0, 0x100, 0x100));
}

/*
 * Random operations on N units at offset, against a bitmap. With enough
 * records every result is predicted exactly; with few, an operation may also
 * fail for want of records, and then must change nothing.
 */
#define N 256
static bool model[N];

static unsigned model_runs(void)
{
	unsigned runs = 0;
	for (unsigned i = 0; i < N; i++)
		if (model[i] && (i == 0 || !model[i - 1]))
			runs++;
	return runs;
}

static bool model_all(unsigned from, unsigned size, bool value)
{
	for (unsigned i = from; i < from + size; i++)
		if (model[i] != value)
			return false;
	return true;
}

static void model_set(unsigned from, unsigned size, bool value)
{
	for (unsigned i = from; i < from + size; i++)
		model[i] = value;
}

/* Whether the records are exactly the runs of the bitmap. */
static bool matches_model(unsigned long offset)
{
	unsigned r = 0;
	for (unsigned i = 0; i < N; i++) {
		if (!model[i] || (i > 0 && model[i - 1]))
			continue;
		unsigned end = i;
		while (end < N && model[end])
			end++;
		if (!is(r, offset + i, end - i))
			return false;
		r++;
	}
	return r == ra.count && well_formed(&ra);
}

static bool random_ops(unsigned long offset, unsigned capacity, unsigned rounds)
{
	struct range before[64];
	unsigned long at;
	fresh(capacity);
	memset(model, 0, sizeof(model));
	srand(7 + capacity);
	for (unsigned n = 0; n < rounds; n++) {
		unsigned base = rand() % N, size = 1 + rand() % 24;
		if (base + size > N)
			size = N - base;
		unsigned count = ra.count;
		memcpy(before, ra.free, sizeof(before[0]) * count);
		bool ok = false, expect = false, applied_value = false, aligned = false;
		switch (rand() % 5) {
		case 0:
		case 1: /* add, or free */
			ok = range_alloc_add(&ra, offset + base, size);
			expect = model_all(base, size, false);
			applied_value = true;
			break;
		case 2:
			ok = range_alloc_remove(&ra, offset + base, size);
			expect = true;
			break;
		case 3:
			ok = range_alloc_alloc_addr(&ra, offset + base, size);
			expect = model_all(base, size, true);
			break;
		case 4: {
			unsigned align = rand() % 5, from = 0, to = 0;
			if (rand() % 2) {
				from = rand() % N;
				to = from + rand() % (N - from + 1);
				if (to == N && offset + N == 0)
					to = N - 1; /* [from, 2^64) has no upper bound to pass */
			}
			size = 1 + rand() % 16;
			unsigned lo = to > from ? from : 0, hi = to > from ? to : N;
			unsigned step = 1u << align, first = N;
			for (unsigned i = (lo + step - 1) & ~(step - 1); i + size <= hi; i += step)
				if (model_all(i, size, true)) {
					first = i;
					break;
				}
			ok = range_alloc_alloc_aligned_within(&ra, size, align,
							      to > from ? offset + from : 0,
							      to > from ? offset + to : 0, &at);
			expect = first < N;
			aligned = true;
			if (ok) {
				base = at - offset;
				if (at < offset || base % step || base < lo || base + size > hi)
					return false;
				if (count < capacity && base != first)
					return false; /* not the first fit */
			}
			break;
		}
		}
		if (ok) {
			if (!expect)
				return false;
			model_set(base, size, applied_value);
		} else if (expect) {
			/* Only for want of a record, and without a trace. */
			bool needs_more = count == capacity; /* all places split a range */
			if (!aligned) {
				bool was[N];
				memcpy(was, model, sizeof(was));
				model_set(base, size, applied_value);
				needs_more = model_runs() > capacity;
				memcpy(model, was, sizeof(was));
			}
			if (!needs_more)
				return false;
			if (ra.count != count || memcmp(before, ra.free, sizeof(before[0]) * count))
				return false;
		}
		if (!matches_model(offset))
			return false;
	}
	return true;
}

static void range_random_against_bitmap(void)
{
	CHECK(random_ops(0, 64, 20000));
	CHECK(random_ops(0x1230000, 64, 20000));
	CHECK(random_ops(HIGHEST - (N - 1), 64, 20000)); /* the last unit is the top address */
}

static void range_random_few_records(void)
{
	CHECK(random_ops(0, 3, 20000));
	CHECK(random_ops(HIGHEST - (N - 1), 5, 20000));
}

int main(void)
{
	RUN(range_add_coalesces);
	RUN(range_add_rejects_overlap_and_empty);
	RUN(range_remove_splits_and_spans);
	RUN(range_alloc_addr_only_if_free);
	RUN(range_aligned_first_fit);
	RUN(range_aligned_within_bounds);
	RUN(range_out_of_records);
	RUN(range_top_of_address_space);
	RUN(range_double_free);
	RUN(range_random_against_bitmap);
	RUN(range_random_few_records);
	return check_failures != 0;
}
