/*
 * The capability derivation tree, kept as seL4 keeps it: a doubly linked
 * list of slots in derivation order, in which a capability's descendants
 * follow it, with the revocable and first-badged flags deciding who is
 * whose parent.
 */
#pragma once

#include "state.h"

bool same_region_as(struct cap a, struct cap b);
bool same_object_as(struct cap a, struct cap b);
bool is_cap_revocable(struct cap derived, struct cap src);
bool is_mdb_parent_of(const struct cte *a, const struct cte *b);

/* Is this the last capability to its object (neighbours in the list)? */
bool is_final_capability(const struct cte *slot);

/* Insert new_cap into the empty dest as the newest child of src (cteInsert). */
void cte_insert(struct cap new_cap, struct cte *src, struct cte *dest);

/* Insert a freshly created object's cap as a child of its untyped (insertNewCap). */
void insert_new_cap(struct cte *parent, struct cte *slot, struct cap cap);

/* Move src's place in the tree to the empty dest, with new_cap (cteMove). */
void cte_move(struct cap new_cap, struct cte *src, struct cte *dest);

/* Exchange two slots' caps and tree positions (cteSwap). */
void cte_swap(struct cap cap1, struct cte *slot1, struct cap cap2, struct cte *slot2);

/* Unlink an emptied capability from the tree (emptySlot without finalisation). */
void cte_unlink(struct cte *slot);

/* Put an original capability into an empty slot (boot). */
void cte_write_original(struct cte *dest, struct cap cap);

/* DeleteFirst unless the slot is empty. */
enum exception ensure_empty_slot(const struct cte *slot);

/* RevokeFirst if the slot's capability has children. */
enum exception ensure_no_children(const struct cte *slot);
