#include "delete.h"
#include "cdt.h"
#include "preemption.h"
#include "../object/cnode.h"
#include "../object/objecttype.h"

#include <stdlib.h>
#include <string.h>

struct pending_slots {
	struct cte *slots;
	size_t count;
};

/*
 * Deletions in progress, nested: the first ones need no host memory (a
 * deletion must not fail for want of it); deeper nesting grows the list.
 */
#define PENDING_FIRST 64
static struct pending_slots pending_first[PENDING_FIRST];
static struct pending_slots *pending = pending_first;
static size_t pending_len, pending_cap = PENDING_FIRST;
static bool draining;

struct released {
	void *obj;
	void (*release)(void *obj);
};

static struct released *graveyard;
static size_t graveyard_len, graveyard_cap;
/* Places in the graveyard promised to objects that live (release_reserve). */
static size_t graveyard_promised;
/* Room beyond the promises, for the few objects made without one (boot, ASID pools). */
#define GRAVEYARD_SLACK 256

static void *try_grow(void *array, size_t *cap, size_t elem, size_t at_least)
{
	size_t n = *cap ? *cap : 64;
	while (n < at_least)
		n *= 2;
	void *p = realloc(array, n * elem);
	if (p)
		*cap = n;
	return p;
}

static void *grow(void *array, size_t *cap, size_t elem)
{
	void *p = try_grow(array, cap, elem, *cap ? *cap * 2 : 64);
	if (!p)
		abort(); /* out of host memory: nothing sensible is left to do */
	return p;
}

bool release_reserve(size_t n)
{
	size_t want = graveyard_promised + n + GRAVEYARD_SLACK;
	if (want > graveyard_cap) {
		struct released *g = try_grow(graveyard, &graveyard_cap, sizeof(*g), want);
		if (!g)
			return false;
		graveyard = g;
	}
	graveyard_promised += n;
	return true;
}

void release_unreserve(size_t n)
{
	graveyard_promised = n < graveyard_promised ? graveyard_promised - n : 0;
}

void delete_slots_later(struct cte *slots, size_t count)
{
	if (pending_len == pending_cap) {
		bool first = pending == pending_first;
		struct pending_slots *p = grow(first ? NULL : pending, &pending_cap, sizeof(*p));
		if (first)
			memcpy(p, pending_first, sizeof(pending_first));
		pending = p;
	}
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
	release_unreserve(graveyard_len);
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
void delete_pending_slots(void)
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

/* Slot i of the object a zombie covers (NULL: a CNode slot never made, so empty). */
static struct cte *zombie_slot(const struct cap *z, seL4_Word i)
{
	if (z->zombie.tcb)
		return &z->zombie.tcb->ctes[i];
	return cnode_slot_if_made(z->zombie.cnode, i);
}

/* Is slot one of the object's own (a CNode or TCB that holds its own last capability)? */
static bool object_holds(const struct cap *cap, const struct cte *slot)
{
	if (cap->type == cap_thread_cap)
		return slot >= cap->thread.tcb->ctes &&
		       slot < cap->thread.tcb->ctes + tcbCNodeEntries;
	return cap->type == cap_cnode_cap && cnode_holds(cap->cnode.cnode, (struct cte *)slot);
}

static bool same_zombie(const struct cap *a, const struct cap *b)
{
	return a->type == cap_zombie_cap && a->zombie.cnode == b->zombie.cnode &&
	       a->zombie.tcb == b->zombie.tcb && a->zombie.number == b->zombie.number;
}

/*
 * seL4's finaliseSlot and reduceZombie, for an exposed deletion: the last
 * capability to a CNode or a TCB becomes a zombie of it, whose slots are
 * deleted one at a time from the last, a unit of work each (what is found
 * in them goes at once, by the work list). Preempted, the zombie stays in
 * the slot with its progress, and the call that restarts goes on with it;
 * done, the slot holds a zombie of no slots, for the caller to delete. An
 * object that holds its own last capability goes at once.
 */
static enum exception finalise_slot(struct cte *slot)
{
	struct cap *cap = &slot->cap;
	if ((cap->type == cap_cnode_cap || cap->type == cap_thread_cap) &&
	    is_final_capability(slot) && !object_holds(cap, slot))
		*cap = zombie_of(*cap);
	while (cap->type == cap_zombie_cap && cap->zombie.number > 0) {
		struct cap z = *cap;
		struct cte *end = zombie_slot(&z, z.zombie.number - 1);
		if (end == slot)
			break; /* moved into its own object: it goes at once */
		if (end) {
			delete_slot(end);
			delete_pending_slots();
		}
		if (!same_zombie(cap, &z))
			return EXCEPTION_NONE; /* the zombie went with what that slot held */
		cap->zombie.number--;
		if (preemption_point() != EXCEPTION_NONE)
			return EXCEPTION_PREEMPTED;
	}
	return EXCEPTION_NONE;
}

enum exception cte_delete(struct cte *slot, bool exposed)
{
	if (exposed) {
		enum exception e = finalise_slot(slot);
		if (e != EXCEPTION_NONE)
			return e;
	}
	delete_slot(slot);
	delete_pending_slots();
	return EXCEPTION_NONE;
}

void cte_delete_one(struct cte *slot)
{
	cte_delete(slot, false);
}

/* cteRevoke: the descendants go one by one, newest first, with a preemption point after each. */
enum exception cte_revoke(struct cte *slot)
{
	for (struct cte *next = slot->mdb.next; next && is_mdb_parent_of(slot, next);
	     next = slot->mdb.next) {
		enum exception e = cte_delete(next, true);
		if (e != EXCEPTION_NONE)
			return e;
		if (preemption_point() != EXCEPTION_NONE)
			return EXCEPTION_PREEMPTED;
	}
	return EXCEPTION_NONE;
}
