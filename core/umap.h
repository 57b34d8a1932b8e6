/* A hash map from word keys to word values (open addressing), on core's heap. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct umap {
	unsigned long *keys, *vals;
	unsigned char *state; /* 0 empty, 1 used, 2 deleted */
	size_t cap, count, tombs;
};

bool umap_put(struct umap *m, unsigned long key, unsigned long val); /* false: out of memory */
bool umap_get(const struct umap *m, unsigned long key, unsigned long *val);
bool umap_del(struct umap *m, unsigned long key, unsigned long *val);
void umap_clear(struct umap *m); /* frees the storage */

/* Iteration: i from 0; returns false when done. Deleting the current key is allowed. */
bool umap_next(const struct umap *m, size_t *i, unsigned long *key, unsigned long *val);
