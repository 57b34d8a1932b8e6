/* Open-addressing hash map with linear probing and tombstones. */
#include "umap.h"
#include "core.h"

static size_t slot_of(const struct umap *m, unsigned long key)
{
	key ^= key >> 29;
	key *= 0xbf58476d1ce4e5b9ul;
	key ^= key >> 32;
	return (size_t)key & (m->cap - 1);
}

static bool grow(struct umap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	if (m->count * 4 < m->cap)
		cap = m->cap; /* mostly tombstones: rehash in place size */
	struct umap n = {.cap = cap};
	n.keys = core_zalloc(cap * sizeof(long));
	n.vals = core_zalloc(cap * sizeof(long));
	n.state = core_zalloc(cap);
	if (!n.keys || !n.vals || !n.state) {
		core_free(n.keys);
		core_free(n.vals);
		core_free(n.state);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->state[i] == 1) {
			size_t j = slot_of(&n, m->keys[i]);
			while (n.state[j])
				j = (j + 1) & (cap - 1);
			n.state[j] = 1;
			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
			n.count++;
		}
	umap_clear(m);
	*m = n;
	return true;
}

static bool find(const struct umap *m, unsigned long key, size_t *at)
{
	if (!m->cap)
		return false;
	for (size_t j = slot_of(m, key), n = 0; n < m->cap; j = (j + 1) & (m->cap - 1), n++) {
		if (m->state[j] == 0)
			return false;
		if (m->state[j] == 1 && m->keys[j] == key) {
			*at = j;
			return true;
		}
	}
	return false;
}

bool umap_put(struct umap *m, unsigned long key, unsigned long val)
{
	size_t at;
	if (find(m, key, &at)) {
		m->vals[at] = val;
		return true;
	}
	if ((m->count + m->tombs + 1) * 4 > m->cap * 3 && !grow(m))
		return false;
	size_t j = slot_of(m, key);
	while (m->state[j] == 1)
		j = (j + 1) & (m->cap - 1);
	if (m->state[j] == 2)
		m->tombs--;
	m->state[j] = 1;
	m->keys[j] = key;
	m->vals[j] = val;
	m->count++;
	return true;
}

bool umap_get(const struct umap *m, unsigned long key, unsigned long *val)
{
	size_t at;
	if (!find(m, key, &at))
		return false;
	if (val)
		*val = m->vals[at];
	return true;
}

bool umap_del(struct umap *m, unsigned long key, unsigned long *val)
{
	size_t at;
	if (!find(m, key, &at))
		return false;
	if (val)
		*val = m->vals[at];
	m->state[at] = 2;
	m->count--;
	m->tombs++;
	return true;
}

void umap_clear(struct umap *m)
{
	core_free(m->keys);
	core_free(m->vals);
	core_free(m->state);
	*m = (struct umap){0};
}

bool umap_next(const struct umap *m, size_t *i, unsigned long *key, unsigned long *val)
{
	for (; *i < m->cap; (*i)++)
		if (m->state[*i] == 1) {
			*key = m->keys[*i];
			*val = m->vals[*i];
			(*i)++;
			return true;
		}
	return false;
}
