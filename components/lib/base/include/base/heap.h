/*
 * A general-purpose heap (malloc/free style) over a backing-store callback:
 * core backs it with memory it maps locally, components with RAM dataspaces.
 *
 * Requests up to HEAP_SMALL_MAX bytes are served from power-of-two size
 * classes (16 B .. 2 KiB) carved from chunks obtained from the backend; freed
 * small blocks stay on a free list per class. Larger requests get a backend
 * block of their own (a multiple of 4 KiB, header included) which heap_free
 * gives back through the release callback, or, without one, keeps on a list
 * for reuse by later large requests.
 *
 * Every block carries a header with a magic word and its heap; freeing a
 * pointer that is not a live block of this heap (double free, foreign or
 * interior pointer) does nothing but count in bad_frees. A large block is
 * recognised by its address alone, so a double free never reads memory that
 * was given back.
 */
#pragma once

#include <stddef.h>

#define HEAP_SMALL_MIN	 16
#define HEAP_SMALL_MAX	 2048
#define HEAP_NUM_CLASSES 8 /* 16, 32, ... 2048 */
#define HEAP_PAGE	 4096

/*
 * Fresh zeroed memory of exactly bytes (a multiple of HEAP_PAGE), or NULL
 * when there is no more. It should be page aligned: 16 bytes do, but then a
 * double free of a released large block reads the memory given back.
 */
typedef void *(*heap_backend_t)(size_t bytes, void *ctx);
/* Give back a block the backend handed out, with the size it had. */
typedef void (*heap_release_t)(void *p, size_t bytes, void *ctx);

struct heap_large; /* the header of a large block */

struct heap {
	heap_backend_t more;
	heap_release_t release; /* may be NULL: keep large blocks for reuse */
	void *ctx;
	size_t chunk;			    /* bytes per backend request for small blocks */
	void *free_small[HEAP_NUM_CLASSES]; /* free blocks per size class */
	char *carve, *carve_end;	    /* what is left of the current chunk */
	struct heap_large *large_used;	    /* large blocks handed out */
	struct heap_large *large_free;	    /* large blocks kept for reuse */
	size_t used;			    /* bytes handed out, headers included */
	size_t backing;			    /* bytes obtained from the backend and held */
	unsigned long bad_frees;	    /* heap_free calls on something not allocated */
};

/* An empty heap; chunk is the granularity of backend requests (e.g. 64 KiB). */
void heap_init(struct heap *h, heap_backend_t more, heap_release_t release, void *ctx,
	       size_t chunk);
/* size bytes, 16-byte aligned; NULL when the backend has no more memory. */
void *heap_alloc(struct heap *h, size_t size);
/* The same, zeroed. */
void *heap_zalloc(struct heap *h, size_t size);
/* Give a block back; NULL is ignored, misuse is counted in bad_frees. */
void heap_free(struct heap *h, void *p);
/* Bytes handed out, headers included. */
size_t heap_used(const struct heap *h);
/* Bytes obtained from the backend and still held. */
size_t heap_backing(const struct heap *h);
