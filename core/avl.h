/*
 * An AVL tree of nodes keyed by a word, embedded in the caller's structs.
 * An optional update callback recomputes what the caller keeps per subtree
 * (say, the largest gap in it) from a node and its children; the tree calls
 * it bottom-up wherever the shape below a node changes.
 */
#pragma once

#include <stddef.h>

struct avl_node {
	struct avl_node *left, *right;
	unsigned long key;
	int height;
};

struct avl_tree {
	struct avl_node *root;
	void (*update)(struct avl_node *n); /* may be NULL */
};

/* Insert n (its key set, not yet in the tree); keys must be unique. */
void avl_insert(struct avl_tree *t, struct avl_node *n);
/* Remove n, which is in the tree. */
void avl_remove(struct avl_tree *t, struct avl_node *n);

/* The node with the largest key <= key, or NULL. */
struct avl_node *avl_floor(const struct avl_tree *t, unsigned long key);
/* The node with the smallest key >= key, or NULL. */
struct avl_node *avl_ceil(const struct avl_tree *t, unsigned long key);

#define avl_entry(n, type, member) ((type *)((char *)(n)-offsetof(type, member)))
