/*
 * The capability derivation tree, kept as seL4 keeps it: a doubly linked
 * list of slots in derivation order, where a cap's descendants follow it.
 */
#pragma once

#include "object.h"

bool is_cap_revocable(struct cap derived, struct cap src);

/* Insert new_cap into the empty dest as the newest child of src (cteInsert). */
void cte_insert(struct cap new_cap, struct cte *src, struct cte *dest);

/* Put an original capability into an empty slot (boot and retype). */
void cte_write_original(struct cte *dest, struct cap cap);
