/* The component heap of components/lib/base, compiled hosted over aligned_alloc or mmap. */
#include "check.h"
#include "../../components/lib/base/heap.c"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A backend that counts what it hands out and can be told to run dry. */
struct backend {
	size_t held;	   /* bytes handed out and not released */
	size_t limit;	   /* fail a request that would exceed this (0: no limit) */
	unsigned blocks;   /* blocks handed out and not released */
	unsigned releases; /* release calls */
	bool use_mmap;	   /* munmap on release, so later touches fault */
	void *last_released;
	size_t last_released_bytes;
};

static void *backend_more(size_t bytes, void *ctx)
{
	struct backend *b = ctx;
	if (bytes == 0 || bytes % HEAP_PAGE)
		return NULL; /* the heap broke its side of the contract */
	if (b->limit && b->held + bytes > b->limit)
		return NULL;
	void *p;
	if (b->use_mmap) {
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
	} else {
		p = aligned_alloc(HEAP_PAGE, bytes);
		if (!p)
			return NULL;
		memset(p, 0, bytes);
	}
	b->held += bytes;
	b->blocks++;
	return p;
}

static void backend_release(void *p, size_t bytes, void *ctx)
{
	struct backend *b = ctx;
	b->held -= bytes;
	b->blocks--;
	b->releases++;
	b->last_released = p;
	b->last_released_bytes = bytes;
	if (b->use_mmap)
		munmap(p, bytes);
	else
		free(p);
}

/* What a small request of size costs in heap_used. */
static size_t small_cost(size_t size)
{
	size_t c = HEAP_SMALL_MIN;
	while (c < size)
		c *= 2;
	return c + 16;
}

/* What a large request of size costs: a page-rounded block with its header. */
static size_t large_cost(size_t size)
{
	return (size + 48 + HEAP_PAGE - 1) / HEAP_PAGE * HEAP_PAGE;
}

static void fill(void *p, size_t size, unsigned id)
{
	unsigned char *c = p;
	for (size_t i = 0; i < size; i++)
		c[i] = (unsigned char)(id * 131 + i * 7 + 1);
}

static bool intact(const void *p, size_t size, unsigned id)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < size; i++)
		if (c[i] != (unsigned char)(id * 131 + i * 7 + 1))
			return false;
	return true;
}

static void heap_small_sizes_and_alignment(void)
{
	static struct backend b;
	static struct heap h;
	static void *p[2049];
	memset(&b, 0, sizeof(b));
	heap_init(&h, backend_more, backend_release, &b, 64 * 1024);
	size_t used = 0;
	for (size_t s = 0; s <= 2048; s++) {
		p[s] = heap_alloc(&h, s);
		CHECK(p[s] && (uintptr_t)p[s] % 16 == 0);
		CHECK((uintptr_t)p[s] % HEAP_PAGE != 48); /* where only large payloads start */
		fill(p[s], s, (unsigned)s);
		used += small_cost(s);
		CHECK(heap_used(&h) == used);
	}
	CHECK(heap_backing(&h) == b.held && b.held % (64 * 1024) == 0);
	CHECK(used <= b.held && b.held <= used + 64 * 1024 + 16 * 2049);
	for (size_t s = 0; s <= 2048; s++) {
		CHECK(intact(p[s], s, (unsigned)s));
		heap_free(&h, p[s]);
	}
	CHECK(heap_used(&h) == 0 && h.bad_frees == 0);
	/* Freed blocks are reused: the same requests need no more backing. */
	size_t backing = heap_backing(&h);
	for (size_t s = 0; s <= 2048; s++)
		CHECK((p[s] = heap_alloc(&h, s)));
	CHECK(heap_backing(&h) == backing);
	for (size_t s = 0; s <= 2048; s++)
		heap_free(&h, p[s]);
	CHECK(heap_used(&h) == 0 && h.bad_frees == 0);
	heap_free(&h, NULL);
	CHECK(h.bad_frees == 0);
}

/*
 * Random allocations and frees of small and large blocks; every block is
 * filled with its own pattern, checked before it is freed, so overlapping
 * blocks would show.
 */
static bool random_pattern(bool with_release, unsigned seed)
{
	enum { SLOTS = 1024, ROUNDS = 40000 };
	static void *p[SLOTS];
	static size_t size[SLOTS];
	static unsigned id[SLOTS];
	static struct backend b;
	static struct heap h;
	memset(&b, 0, sizeof(b));
	memset(p, 0, sizeof(p));
	heap_init(&h, backend_more, with_release ? backend_release : NULL, &b, 64 * 1024);
	srand(seed);
	size_t used = 0;
	for (unsigned n = 0; n < ROUNDS; n++) {
		unsigned i = rand() % SLOTS;
		if (p[i]) {
			if (!intact(p[i], size[i], id[i]))
				return false;
			heap_free(&h, p[i]);
			p[i] = NULL;
			used -=
			    size[i] > HEAP_SMALL_MAX ? large_cost(size[i]) : small_cost(size[i]);
			continue;
		}
		unsigned kind = rand() % 100;
		size[i] = kind < 70   ? (size_t)(rand() % 129)
			  : kind < 96 ? (size_t)(rand() % 2049)
				      : (size_t)(2049 + rand() % (24 * 1024));
		id[i] = n;
		p[i] = rand() % 4 ? heap_alloc(&h, size[i]) : heap_zalloc(&h, size[i]);
		if (!p[i] || (uintptr_t)p[i] % 16)
			return false;
		bool small = size[i] <= HEAP_SMALL_MAX;
		if (small && (uintptr_t)p[i] % HEAP_PAGE == 48)
			return false;
		fill(p[i], size[i], id[i]);
		used += small ? small_cost(size[i]) : large_cost(size[i]);
		if (with_release && heap_used(&h) != used)
			return false; /* kept large blocks may be bigger than asked for */
		if (heap_backing(&h) != b.held)
			return false;
	}
	for (unsigned i = 0; i < SLOTS; i++) {
		if (p[i] && !intact(p[i], size[i], id[i]))
			return false;
		heap_free(&h, p[i]);
	}
	if (heap_used(&h) != 0 || h.bad_frees != 0 || heap_backing(&h) != b.held)
		return false;
	/* With release, all that is left are the chunks of small blocks. */
	if (with_release && (b.held % (64 * 1024) || h.large_free || h.large_used))
		return false;
	/* Release what is left, as the owner of the heap would on exit. */
	for (struct heap_large *l = h.large_free, *next; l; l = next) {
		next = l->next;
		b.held -= l->bytes;
		free(l);
	}
	return true;
}

static void heap_random_with_release(void)
{
	CHECK(random_pattern(true, 1));
	CHECK(random_pattern(true, 2));
}

static void heap_random_keeping_large(void)
{
	CHECK(random_pattern(false, 3));
}

static void heap_large_blocks_go_back(void)
{
	struct backend b = {.use_mmap = true};
	struct heap h;
	heap_init(&h, backend_more, backend_release, &b, 64 * 1024);
	void *p = heap_alloc(&h, 5000);
	CHECK(p && (uintptr_t)p % HEAP_PAGE == 48);
	CHECK(heap_used(&h) == 8192 && heap_backing(&h) == 8192 && b.blocks == 1);
	void *q = heap_zalloc(&h, 4096 - 48); /* exactly one page with the header */
	CHECK(q && heap_backing(&h) == 8192 + 4096);
	for (size_t i = 0; i < 4096 - 48; i++)
		CHECK(((unsigned char *)q)[i] == 0);
	fill(p, 5000, 9);
	heap_free(&h, p);
	CHECK(b.releases == 1 && b.last_released == (char *)p - 48 &&
	      b.last_released_bytes == 8192);
	CHECK(heap_used(&h) == 4096 && heap_backing(&h) == 4096);
	/* A double free of a block given back must not touch its (unmapped) memory. */
	heap_free(&h, p);
	CHECK(h.bad_frees == 1 && b.releases == 1);
	heap_free(&h, q);
	CHECK(heap_used(&h) == 0 && heap_backing(&h) == 0 && b.blocks == 0 && b.held == 0);
	heap_free(&h, q);
	CHECK(h.bad_frees == 2 && b.releases == 2);
	/* Sizes near the top of size_t fail rather than wrap. */
	CHECK(heap_alloc(&h, (size_t)-1) == NULL && heap_alloc(&h, (size_t)-4096) == NULL);
	CHECK(heap_used(&h) == 0 && b.blocks == 0);
}

static void heap_large_blocks_kept_for_reuse(void)
{
	static struct backend b;
	struct heap h;
	memset(&b, 0, sizeof(b));
	heap_init(&h, backend_more, NULL, &b, 64 * 1024);
	void *p = heap_alloc(&h, 10000);
	void *q = heap_alloc(&h, 30000);
	CHECK(p && q && heap_backing(&h) == large_cost(10000) + large_cost(30000));
	fill(p, 10000, 1);
	heap_free(&h, p);
	heap_free(&h, q);
	CHECK(heap_used(&h) == 0 && b.releases == 0);
	heap_free(&h, p); /* a double free of a kept block */
	CHECK(h.bad_frees == 1);
	/* The best fitting kept block comes back, zeroed by zalloc. */
	void *r = heap_zalloc(&h, 9000);
	CHECK(r == p && heap_used(&h) == large_cost(10000));
	for (size_t i = 0; i < 9000; i++)
		CHECK(((unsigned char *)r)[i] == 0);
	void *s = heap_alloc(&h, 20000);
	CHECK(s == q);
	void *t = heap_alloc(&h, 20000); /* nothing kept fits */
	CHECK(t && t != p && t != q);
	CHECK(heap_backing(&h) == large_cost(10000) + large_cost(30000) + large_cost(20000));
	heap_free(&h, r);
	heap_free(&h, s);
	heap_free(&h, t);
	CHECK(heap_used(&h) == 0 && h.bad_frees == 1);
	for (struct heap_large *l = h.large_free, *next; l; l = next) {
		next = l->next;
		free(l);
	}
}

static void heap_bad_frees_are_counted(void)
{
	static struct backend b;
	static struct heap h, other;
	static _Alignas(16) unsigned char junk[256];
	memset(&b, 0, sizeof(b));
	heap_init(&h, backend_more, backend_release, &b, 64 * 1024);
	heap_init(&other, backend_more, backend_release, &b, 64 * 1024);
	char *p = heap_alloc(&h, 100);
	char *q = heap_alloc(&h, 100);
	char *f = heap_alloc(&other, 100);
	CHECK(p && q && f);
	size_t used = heap_used(&h);
	heap_free(&h, p);
	heap_free(&h, p);      /* double free */
	heap_free(&h, q + 16); /* interior, aligned */
	heap_free(&h, q + 1);  /* misaligned */
	heap_free(&h, f);      /* another heap's */
	memset(junk, 0x5a, sizeof(junk));
	heap_free(&h, junk + 64); /* never allocated */
	CHECK(h.bad_frees == 5 && other.bad_frees == 0);
	CHECK(heap_used(&h) == used - small_cost(100));
	/* The double free did not put p on the free list twice. */
	char *x = heap_alloc(&h, 100), *y = heap_alloc(&h, 100);
	CHECK(x == p && y != p && y != q && y);
	heap_free(&h, x);
	heap_free(&h, y);
	heap_free(&h, q);
	heap_free(&other, f);
	CHECK(heap_used(&h) == 0 && heap_used(&other) == 0 && other.bad_frees == 0);
}

static void heap_backend_running_dry(void)
{
	static struct backend b;
	static struct heap h;
	static void *p[4096];
	memset(&b, 0, sizeof(b));
	b.limit = 3 * 16384;
	heap_init(&h, backend_more, backend_release, &b, 16384);
	unsigned n = 0;
	while (n < 4096 && (p[n] = heap_alloc(&h, 1000)))
		n++;
	CHECK(n > 0 && n < 4096 && heap_backing(&h) == 3 * 16384);
	CHECK(heap_alloc(&h, 100000) == NULL && heap_backing(&h) == 3 * 16384);
	/* Memory freed is usable again although the backend stays dry. */
	heap_free(&h, p[0]);
	CHECK((p[0] = heap_alloc(&h, 1000)) != NULL);
	for (unsigned i = 0; i < n; i++)
		heap_free(&h, p[i]);
	CHECK(heap_used(&h) == 0 && h.bad_frees == 0);
}

/* The tail of a chunk too small for one more block still serves smaller classes. */
static void heap_chunk_tail_serves_smaller_classes(void)
{
	static struct backend b;
	static struct heap h;
	memset(&b, 0, sizeof(b));
	heap_init(&h, backend_more, backend_release, &b, 4096);
	void *big1 = heap_alloc(&h, 2048);
	void *big2 = heap_alloc(&h, 2048); /* needs a second chunk */
	CHECK(big1 && big2 && heap_backing(&h) == 2 * 4096);
	/* 4096 - 2064 = 2032 bytes were left in the first: 1040 + 528 + 272 + 144 + 48. */
	void *a = heap_alloc(&h, 1024), *c = heap_alloc(&h, 512), *d = heap_alloc(&h, 256);
	void *e = heap_alloc(&h, 128), *f = heap_alloc(&h, 32);
	CHECK(a && c && d && e && f && heap_backing(&h) == 2 * 4096);
	CHECK((char *)a > (char *)big1 && (char *)f < (char *)big1 + 4096);
	void *g[5] = {a, c, d, e, f};
	for (unsigned i = 0; i < 5; i++)
		heap_free(&h, g[i]);
	heap_free(&h, big1);
	heap_free(&h, big2);
	CHECK(heap_used(&h) == 0 && h.bad_frees == 0);
}

/* A backend that only aligns to 16 bytes: large blocks are still found by their header. */
static void *unaligned_more(size_t bytes, void *ctx)
{
	(void)ctx;
	char *p = aligned_alloc(HEAP_PAGE, bytes + HEAP_PAGE);
	if (!p)
		return NULL;
	memset(p, 0, bytes + HEAP_PAGE);
	return p + 16;
}

static void unaligned_release(void *p, size_t bytes, void *ctx)
{
	*(size_t *)ctx += bytes;
	free((char *)p - 16);
}

static void heap_backend_without_page_alignment(void)
{
	struct heap h;
	size_t released = 0;
	heap_init(&h, unaligned_more, unaligned_release, &released, 4096);
	void *p = heap_alloc(&h, 3000), *q = heap_alloc(&h, 100);
	CHECK(p && q && (uintptr_t)p % 16 == 0 && (uintptr_t)p % HEAP_PAGE != 48);
	fill(p, 3000, 5);
	heap_free(&h, p);
	CHECK(released == 4096 && h.bad_frees == 0);
	heap_free(&h, q);
	CHECK(heap_used(&h) == 0 && heap_backing(&h) == 4096 && h.bad_frees == 0);
	free((char *)q - 32); /* the one chunk: q is its first block */
}

int main(void)
{
	RUN(heap_small_sizes_and_alignment);
	RUN(heap_random_with_release);
	RUN(heap_random_keeping_large);
	RUN(heap_large_blocks_go_back);
	RUN(heap_large_blocks_kept_for_reuse);
	RUN(heap_bad_frees_are_counted);
	RUN(heap_backend_running_dry);
	RUN(heap_chunk_tail_serves_smaller_classes);
	RUN(heap_backend_without_page_alignment);
	return check_failures != 0;
}
