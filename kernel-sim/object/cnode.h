/* CNodes: arrays of capability slots, and the invocations that move caps between them. */
#pragma once

#include "../kernel/state.h"

struct cnode *cnode_create(uint64_t paddr, uint8_t radix);
void cnode_destroy(struct cnode *cn);

/*
 * Slot index (< 2^radix) of cn, made if its chunk does not exist yet; NULL
 * if the host has no memory for it. A chunk that holds no capability at the
 * end of the event is freed again (cnode_release_empty_chunks), so a slot
 * pointer is good for the current event.
 */
struct cte *cnode_slot(struct cnode *cn, seL4_Word index);

/* Slot index of cn if its chunk exists (NULL: the slot is empty). */
struct cte *cnode_slot_if_made(struct cnode *cn, seL4_Word index);

/* Is slot one of cn's? */
bool cnode_holds(struct cnode *cn, struct cte *slot);

/* A slot's capability went: its chunk may be empty now. */
void cnode_slot_emptied(struct cte *slot);

/* Queue every slot of a dying CNode for deletion (delete_slots_later). */
void cnode_delete_slots_later(struct cnode *cn);

/* Free the chunks that hold no capability (end of every event). */
void cnode_release_empty_chunks(void);

/* Chunks of slots cn holds now (what it costs the host). */
size_t cnode_chunk_count(const struct cnode *cn);

static inline struct cap cap_cnode_new(struct cnode *cn, uint8_t guard_size, uint64_t guard)
{
	struct cap c = {.type = cap_cnode_cap};
	c.cnode.cnode = cn;
	c.cnode.radix = cn->radix;
	c.cnode.guard_size = guard_size;
	c.cnode.guard = guard;
	return c;
}

enum exception decode_cnode_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
				       struct cap cap, seL4_Word *buffer);
