/*
 * A malloc/free-style heap: size classes carved from chunks, large blocks
 * straight from the backend. See base/heap.h.
 */
/* By path, so that host unit tests can compile this file without extra -I flags. */
#include "include/base/heap.h"
#include "include/base/string.h"
#include <stdbool.h>
#include <stdint.h>

#define MAGIC_USED 0x48454150u /* "HEAP" */
#define MAGIC_FREE 0x46524545u /* "FREE" */
#define KIND_LARGE HEAP_NUM_CLASSES

/* In front of every payload: what the block is and whose. */
struct block_hdr {
	_Alignas(16) uint32_t magic;
	uint32_t kind; /* the size class, or KIND_LARGE */
	struct heap *owner;
};

/* At the start of a large block, right before its payload. */
struct heap_large {
	struct heap_large *next, *prev;
	size_t bytes; /* the whole backend block */
	struct block_hdr hdr;
};

/* Where a large payload starts within its (page-aligned) block. */
#define LARGE_OFFSET sizeof(struct heap_large)

_Static_assert(sizeof(struct block_hdr) == 16, "payloads must stay 16-byte aligned");
_Static_assert(offsetof(struct heap_large, hdr) + sizeof(struct block_hdr) == LARGE_OFFSET,
	       "the block header must sit right before a large payload");
_Static_assert(LARGE_OFFSET % 16 == 0 && LARGE_OFFSET < HEAP_PAGE, "large payload offset");

static struct block_hdr *header_of(void *p)
{
	return (struct block_hdr *)p - 1;
}

/* Bytes of a small block of class k, header included. */
static size_t class_bytes(unsigned k)
{
	return sizeof(struct block_hdr) + ((size_t)HEAP_SMALL_MIN << k);
}

/* The smallest class that holds size bytes (size <= HEAP_SMALL_MAX). */
static unsigned class_of(size_t size)
{
	unsigned k = 0;
	while (((size_t)HEAP_SMALL_MIN << k) < size)
		k++;
	return k;
}

static size_t page_round(size_t n)
{
	return (n + HEAP_PAGE - 1) & ~(size_t)(HEAP_PAGE - 1);
}

/* Set up an empty heap. */
void heap_init(struct heap *h, heap_backend_t more, heap_release_t release, void *ctx, size_t chunk)
{
	memset(h, 0, sizeof(*h));
	h->more = more;
	h->release = release;
	h->ctx = ctx;
	h->chunk = chunk < HEAP_PAGE ? HEAP_PAGE : page_round(chunk);
}

/*
 * A block of class k from what is left of the current chunk, or NULL if it
 * does not fit. No small payload may start where a large one would (at
 * LARGE_OFFSET into a page): heap_free tells them apart by that.
 */
static void *carve_block(struct heap *h, unsigned k)
{
	char *at = h->carve;
	if (!at)
		return NULL;
	if (((uintptr_t)at + sizeof(struct block_hdr)) % HEAP_PAGE == LARGE_OFFSET)
		at += 16;
	if (at > h->carve_end || (size_t)(h->carve_end - at) < class_bytes(k))
		return NULL;
	struct block_hdr *b = (struct block_hdr *)at;
	b->magic = MAGIC_USED;
	b->kind = k;
	b->owner = h;
	h->carve = at + class_bytes(k);
	return b + 1;
}

static void push_small(struct heap *h, void *p)
{
	struct block_hdr *b = header_of(p);
	b->magic = MAGIC_FREE;
	*(void **)p = h->free_small[b->kind];
	h->free_small[b->kind] = p;
}

/* Put what is left of the current chunk on the free lists. */
static void retire_chunk(struct heap *h)
{
	for (unsigned k = HEAP_NUM_CLASSES; k-- > 0;) {
		void *p;
		while ((p = carve_block(h, k)))
			push_small(h, p);
	}
}

/*
 * Start carving a new chunk. The backend may allocate from this heap while
 * it grows (core's does): then the chunk those requests started is retired
 * too, not dropped.
 */
static bool new_chunk(struct heap *h)
{
	retire_chunk(h);
	char *c = h->more(h->chunk, h->ctx);
	if (!c)
		return false;
	retire_chunk(h);
	h->backing += h->chunk;
	h->carve = c;
	h->carve_end = c + h->chunk;
	return true;
}

/* A small block of class k; *fresh when its payload is still zero from the backend. */
static void *alloc_small(struct heap *h, unsigned k, bool *fresh)
{
	void *p = h->free_small[k];
	*fresh = false;
	if (p) {
		h->free_small[k] = *(void **)p;
		header_of(p)->magic = MAGIC_USED;
	} else {
		p = carve_block(h, k);
		if (!p) {
			if (!new_chunk(h))
				return NULL;
			p = carve_block(h, k);
		}
		*fresh = true;
	}
	h->used += class_bytes(k);
	return p;
}

/* The smallest kept large block of at least bytes, unlinked; NULL if none. */
static struct heap_large *take_kept_large(struct heap *h, size_t bytes)
{
	struct heap_large **best = NULL;
	for (struct heap_large **l = &h->large_free; *l; l = &(*l)->next)
		if ((*l)->bytes >= bytes && (!best || (*l)->bytes < (*best)->bytes))
			best = l;
	if (!best)
		return NULL;
	struct heap_large *found = *best;
	*best = found->next;
	return found;
}

/* A block of its own for a large request. */
static void *alloc_large(struct heap *h, size_t size, bool *fresh)
{
	if (size > SIZE_MAX - LARGE_OFFSET - HEAP_PAGE)
		return NULL;
	size_t bytes = page_round(size + LARGE_OFFSET);
	struct heap_large *l = take_kept_large(h, bytes);
	*fresh = !l;
	if (!l) {
		l = h->more(bytes, h->ctx);
		if (!l)
			return NULL;
		l->bytes = bytes;
		h->backing += bytes;
	}
	l->hdr.magic = MAGIC_USED;
	l->hdr.kind = KIND_LARGE;
	l->hdr.owner = h;
	l->prev = NULL;
	l->next = h->large_used;
	if (l->next)
		l->next->prev = l;
	h->large_used = l;
	h->used += l->bytes;
	return l + 1;
}

static void *alloc(struct heap *h, size_t size, bool *fresh)
{
	if (size <= HEAP_SMALL_MAX)
		return alloc_small(h, class_of(size), fresh);
	return alloc_large(h, size, fresh);
}

/* size bytes, 16-byte aligned, or NULL. */
void *heap_alloc(struct heap *h, size_t size)
{
	bool fresh;
	return alloc(h, size, &fresh);
}

/* size zeroed bytes, 16-byte aligned, or NULL. */
void *heap_zalloc(struct heap *h, size_t size)
{
	bool fresh;
	void *p = alloc(h, size, &fresh);
	if (p && !fresh)
		memset(p, 0, size);
	return p;
}

/* Free a large block if p is one handed out by this heap; without touching p otherwise. */
static void free_large(struct heap *h, void *p)
{
	struct heap_large *l = h->large_used;
	while (l && (void *)(l + 1) != p)
		l = l->next;
	if (!l) {
		h->bad_frees++;
		return;
	}
	if (l->prev)
		l->prev->next = l->next;
	else
		h->large_used = l->next;
	if (l->next)
		l->next->prev = l->prev;
	h->used -= l->bytes;
	l->hdr.magic = MAGIC_FREE;
	if (h->release) {
		h->backing -= l->bytes;
		h->release(l, l->bytes, h->ctx);
	} else {
		l->prev = NULL;
		l->next = h->large_free;
		h->large_free = l;
	}
}

/* Give a block back. */
void heap_free(struct heap *h, void *p)
{
	if (!p)
		return;
	if ((uintptr_t)p % 16) {
		h->bad_frees++;
		return;
	}
	if ((uintptr_t)p % HEAP_PAGE == LARGE_OFFSET) {
		free_large(h, p);
		return;
	}
	struct block_hdr *b = header_of(p);
	if (b->magic != MAGIC_USED || b->owner != h || b->kind > KIND_LARGE) {
		h->bad_frees++;
		return;
	}
	if (b->kind == KIND_LARGE) {
		free_large(h, p); /* a backend that did not align to pages */
		return;
	}
	h->used -= class_bytes(b->kind);
	push_small(h, p);
}

size_t heap_used(const struct heap *h)
{
	return h->used;
}

size_t heap_backing(const struct heap *h)
{
	return h->backing;
}
