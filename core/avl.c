/* AVL trees: recursive insertion and removal, rebalancing on the way back up. */
#include "avl.h"

static int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

/* Recompute n's height and the caller's data from its children. */
static void fix(const struct avl_tree *t, struct avl_node *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = 1 + (l > r ? l : r);
	if (t->update)
		t->update(n);
}

static struct avl_node *rotate_right(const struct avl_tree *t, struct avl_node *y)
{
	struct avl_node *x = y->left;
	y->left = x->right;
	x->right = y;
	fix(t, y);
	fix(t, x);
	return x;
}

static struct avl_node *rotate_left(const struct avl_tree *t, struct avl_node *x)
{
	struct avl_node *y = x->right;
	x->right = y->left;
	y->left = x;
	fix(t, x);
	fix(t, y);
	return y;
}

/* n with balanced children: fix it and rotate if its two sides differ by two. */
static struct avl_node *balance(const struct avl_tree *t, struct avl_node *n)
{
	fix(t, n);
	int b = height(n->left) - height(n->right);
	if (b > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(t, n->left);
		return rotate_right(t, n);
	}
	if (b < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(t, n->right);
		return rotate_left(t, n);
	}
	return n;
}

static struct avl_node *insert(const struct avl_tree *t, struct avl_node *n, struct avl_node *x)
{
	if (!n) {
		x->left = x->right = NULL;
		fix(t, x);
		return x;
	}
	if (x->key < n->key)
		n->left = insert(t, n->left, x);
	else
		n->right = insert(t, n->right, x);
	return balance(t, n);
}

static struct avl_node *remove_min(const struct avl_tree *t, struct avl_node *n,
				   struct avl_node **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = remove_min(t, n->left, min);
	return balance(t, n);
}

static struct avl_node *remove(const struct avl_tree *t, struct avl_node *n, unsigned long key)
{
	if (!n)
		return NULL;
	if (key < n->key) {
		n->left = remove(t, n->left, key);
	} else if (key > n->key) {
		n->right = remove(t, n->right, key);
	} else {
		struct avl_node *l = n->left, *r = n->right, *m;
		if (!r)
			return l;
		r = remove_min(t, r, &m);
		m->left = l;
		m->right = r;
		return balance(t, m);
	}
	return balance(t, n);
}

void avl_insert(struct avl_tree *t, struct avl_node *n)
{
	t->root = insert(t, t->root, n);
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	t->root = remove(t, t->root, n->key);
}

struct avl_node *avl_floor(const struct avl_tree *t, unsigned long key)
{
	struct avl_node *best = NULL;
	for (struct avl_node *n = t->root; n;)
		if (n->key <= key) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	return best;
}

struct avl_node *avl_ceil(const struct avl_tree *t, unsigned long key)
{
	struct avl_node *best = NULL;
	for (struct avl_node *n = t->root; n;)
		if (n->key >= key) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	return best;
}
