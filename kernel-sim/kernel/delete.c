#include "delete.h"
#include "cdt.h"
#include "preemption.h"
#include "../object/cnode.h"
#include "../object/objecttype.h"

#include <stdlib.h>

struct pending_slots {
	struct cte *slots;
	size_t count;
};

static struct pending_slots *pending;
static size_t pending_len, pending_cap;
static bool draining;

struct released {
	void *obj;
	void (*release)(void *obj);
};

static struct released *graveyard;
static size_t graveyard_len, graveyard_cap;

static void *grow(void *array, size_t *cap, size_t elem)
{
	size_t n = *cap ? *cap * 2 : 64;
	void *p = realloc(array, n * elem);
	if (!p)
		abort(); /* out of host memory: nothing sensible is left to do */
	*cap = n;
	return p;
}

void delete_slots_later(struct cte *slots, size_t count)
{
	if (pending_len == pending_cap)
		pending = grow(pending, &pending_cap, sizeof(*pending));
	pending[pending_len++] = (struct pending_slots){slots, count};
}

void release_later(void *obj, void (*release)(void *obj))
{
	if (graveyard_len == graveyard_cap)
		graveyard = grow(graveyard, &graveyard_cap, sizeof(*graveyard));
	graveyard[graveyard_len++] = (struct released){obj, release};
}

void reap_released_objects(void)
{
	cnode_release_empty_chunks();
	for (size_t i = 0; i < graveyard_len; i++)
		graveyard[i].release(graveyard[i].obj);
	graveyard_len = 0;
}

/* Empty one slot, finalising its object if this was the last cap to it. */
static void delete_slot(struct cte *slot)
{
	if (slot->cap.type == cap_null_cap)
		return;
	bool final = is_final_capability(slot);
	struct cap cap = slot->cap;
	cte_unlink(slot);
	finalise_cap(cap, final);
}

/* Delete the slots of dying objects until none are left. */
static void drain(void)
{
	if (draining)
		return;
	draining = true;
	while (pending_len > 0) {
		struct pending_slots *p = &pending[pending_len - 1];
		if (p->count == 0) {
			pending_len--;
			continue;
		}
		p->count--;
		delete_slot(&p->slots[p->count]);
	}
	draining = false;
}

enum exception cte_delete(struct cte *slot, bool exposed)
{
	(void)exposed; /* deletion is never preempted in kernel-sim */
	delete_slot(slot);
	drain();
	return EXCEPTION_NONE;
}

void cte_delete_one(struct cte *slot)
{
	cte_delete(slot, true);
}

/* cteRevoke: the descendants go one by one, newest first, with a preemption point after each. */
enum exception cte_revoke(struct cte *slot)
{
	for (struct cte *next = slot->mdb.next; next && is_mdb_parent_of(slot, next);
	     next = slot->mdb.next) {
		cte_delete(next, true);
		if (preemption_point() != EXCEPTION_NONE)
			return EXCEPTION_PREEMPTED;
	}
	return EXCEPTION_NONE;
}
