/* The buddy system of untyped blocks behind core's physical-memory allocator. */
#include "untyped.h"
#include "core.h"
#include "cspace.h"

#define MIN_ORDER seL4_PageBits
#define MAX_ORDER 47

/* RAM and device memory are separate pools; a block belongs to its root's. */
struct pool {
	struct ut_block *free_list[MAX_ORDER + 1];
	unsigned long avail, in_use;
};
static struct pool ram, dev;

static struct pool *pool_of(const struct ut_block *b)
{
	return b->device ? &dev : &ram;
}

/*
 * Block records: a static pool at boot, then chunks from core's heap. The
 * pool is refilled while RECORD_LOW records are still spare, because
 * growing the heap splits untyped blocks too: those splits take the spares.
 */
#define RECORD_LOW   256
#define RECORD_CHUNK 1024

static struct ut_block boot_pool[RECORD_CHUNK];
static struct ut_block *spare;
static unsigned long spare_count, record_count;
static bool refilling;

static void drop_record(struct ut_block *b);

static void add_records(struct ut_block *chunk, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		drop_record(&chunk[i]);
	record_count += n;
}

static struct ut_block *record(void)
{
	if (!record_count)
		add_records(boot_pool, RECORD_CHUNK);
	if (spare_count < RECORD_LOW && !refilling) {
		refilling = true;
		struct ut_block *chunk = core_zalloc(RECORD_CHUNK * sizeof(*chunk));
		refilling = false;
		if (chunk)
			add_records(chunk, RECORD_CHUNK);
	}
	struct ut_block *b = spare;
	if (!b)
		return 0;
	spare = b->next;
	spare_count--;
	*b = (struct ut_block){0};
	return b;
}

static void drop_record(struct ut_block *b)
{
	b->next = spare;
	spare = b;
	spare_count++;
}

static void push(struct ut_block *b)
{
	struct ut_block **list = &pool_of(b)->free_list[b->order];
	b->state = UT_FREE;
	b->prev = 0;
	b->next = *list;
	if (b->next)
		b->next->prev = b;
	*list = b;
}

static void unlink(struct ut_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		pool_of(b)->free_list[b->order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	b->next = b->prev = 0;
}

void untyped_init(const seL4_BootInfo *bi)
{
	seL4_Word n = bi->untyped.end - bi->untyped.start;
	for (seL4_Word i = 0; i < n; i++) {
		const seL4_UntypedDesc *d = &bi->untypedList[i];
		if (d->sizeBits < MIN_ORDER || d->sizeBits > MAX_ORDER)
			continue;
		struct ut_block *b = record();
		if (!b)
			break;
		b->paddr = d->paddr;
		b->order = d->sizeBits;
		b->sel = bi->untyped.start + i;
		b->device = d->isDevice;
		push(b);
		pool_of(b)->avail += 1ul << d->sizeBits;
	}
}

seL4_Error untyped_retype(struct ut_block *b, seL4_Word type, seL4_Word size_bits, seL4_CPtr first,
			  unsigned count)
{
	seL4_Word entry = first >> CORE_NODE_BITS, slot = first & ((1u << CORE_NODE_BITS) - 1);
	if (!cspace_switched())
		return seL4_Untyped_Retype(b->sel, type, size_bits, seL4_CapInitThreadCNode, 0, 0,
					   slot, count);
	return seL4_Untyped_Retype(b->sel, type, size_bits, core_cspace, entry,
				   CORE_DEPTH - CORE_NODE_BITS, slot, count);
}

/* Split b into two halves, the children of b: the lower returned, the upper in *upper. */
static struct ut_block *split(struct ut_block *b, struct ut_block **upper)
{
	struct ut_block *lo = record(), *hi = record();
	seL4_CPtr sel = cspace_alloc_range(2);
	if (!lo || !hi || !sel ||
	    untyped_retype(b, seL4_UntypedObject, b->order - 1u, sel, 2) != seL4_NoError) {
		if (lo)
			drop_record(lo);
		if (hi)
			drop_record(hi);
		if (sel)
			cspace_free_range(sel, 2);
		return 0;
	}
	b->state = UT_SPLIT;
	*lo = (struct ut_block){.paddr = b->paddr,
				.order = (unsigned char)(b->order - 1),
				.sel = sel,
				.parent = b,
				.device = b->device};
	*hi = *lo;
	hi->paddr += 1ul << lo->order;
	hi->sel = sel + 1;
	*upper = hi;
	return lo;
}

static struct ut_block *carve(struct ut_block *b, unsigned long paddr, unsigned order);

struct ut_block *untyped_alloc(unsigned order)
{
	if (order < MIN_ORDER || order > MAX_ORDER)
		return 0;
	unsigned o = order;
	while (o <= MAX_ORDER && !ram.free_list[o])
		o++;
	if (o > MAX_ORDER)
		return 0;
	struct ut_block *b = ram.free_list[o];
	unlink(b);
	return carve(b, b->paddr, order);
}

/* Split b down to the block of 2^order at paddr, freeing the other halves. */
static struct ut_block *carve(struct ut_block *b, unsigned long paddr, unsigned order)
{
	while (b->order > order) {
		struct ut_block *hi, *lo = split(b, &hi);
		if (!lo) {
			push(b);
			return 0;
		}
		bool upper = paddr >= hi->paddr;
		push(upper ? lo : hi);
		b = upper ? hi : lo;
	}
	b->state = UT_USED;
	pool_of(b)->avail -= 1ul << order;
	pool_of(b)->in_use += 1ul << order;
	return b;
}

struct ut_block *untyped_alloc_device(unsigned long paddr, unsigned order)
{
	if (order < MIN_ORDER || order > MAX_ORDER || paddr & ((1ul << order) - 1))
		return 0;
	for (unsigned o = order; o <= MAX_ORDER; o++)
		for (struct ut_block *b = dev.free_list[o]; b; b = b->next)
			if (paddr >= b->paddr && paddr - b->paddr < (1ul << b->order)) {
				unlink(b);
				return carve(b, paddr, order);
			}
	return 0;
}

/* The other half of b's parent, found on the free list of b's order. */
static struct ut_block *free_buddy(struct ut_block *b)
{
	unsigned long addr = b->paddr ^ (1ul << b->order);
	for (struct ut_block *f = pool_of(b)->free_list[b->order]; f; f = f->next)
		if (f->paddr == addr && f->parent == b->parent)
			return f;
	return 0;
}

void untyped_free(struct ut_block *b)
{
	if (!b || b->state != UT_USED)
		return;
	seL4_CNode_Revoke(core_cspace, b->sel, CORE_DEPTH);
	pool_of(b)->avail += 1ul << b->order;
	pool_of(b)->in_use -= 1ul << b->order;
	for (;;) {
		struct ut_block *buddy = b->parent ? free_buddy(b) : 0;
		if (!buddy) {
			push(b);
			return;
		}
		unlink(buddy);
		struct ut_block *parent = b->parent;
		seL4_CPtr first = b->sel < buddy->sel ? b->sel : buddy->sel;
		seL4_CNode_Revoke(core_cspace, parent->sel, CORE_DEPTH);
		cspace_free_range(first, 2);
		drop_record(b);
		drop_record(buddy);
		b = parent;
	}
}

seL4_CPtr kobj_create(seL4_Word type, seL4_Word size_bits, unsigned order, struct ut_block **ut)
{
	seL4_CPtr sel = cspace_alloc();
	*ut = sel ? untyped_alloc(order) : 0;
	if (!*ut || untyped_retype(*ut, type, size_bits, sel, 1) != seL4_NoError) {
		untyped_free(*ut);
		*ut = 0;
		cspace_free(sel);
		return 0;
	}
	return sel;
}

void kobj_destroy(seL4_CPtr sel, struct ut_block *ut)
{
	untyped_free(ut);
	cspace_free(sel);
}

unsigned long untyped_avail(void)
{
	return ram.avail;
}

unsigned long untyped_in_use(void)
{
	return ram.in_use;
}
