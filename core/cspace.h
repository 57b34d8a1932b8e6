/*
 * Core's CSpace. A top-level CNode of 2^CORE_TOP_BITS entries, each holding
 * a second-level CNode of at most 2^CORE_NODE_BITS slots: entry 0 the
 * initial CNode kernel-sim gave the root task (so the boot-info slots keep
 * their numbers), entry 1 and up core CNodes for the objects core creates,
 * and one VM CNode per address space for the page tables and the frame
 * copies mapped there. A capability pointer is (entry << CORE_NODE_BITS) |
 * slot, always resolved with depth 64.
 */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>

#define CORE_TOP_BITS  12
#define CORE_NODE_BITS 16
#define CORE_DEPTH     64

/* A second-level CNode of core and its slot allocator. */
struct cnode {
	unsigned entry;	    /* index in the top-level CNode */
	unsigned bits;	    /* radix */
	unsigned used;	    /* allocated slots */
	unsigned hint;	    /* where the next search starts */
	seL4_CPtr cap;	    /* core's capability to it (guard 64 - bits) */
	void *untyped;	    /* its backing block (struct ut_block) */
	unsigned long *map; /* allocation bitmap */
};

static inline seL4_CPtr cnode_sel(const struct cnode *n, unsigned slot)
{
	return ((seL4_CPtr)n->entry << CORE_NODE_BITS) | slot;
}

/* The capability through which core addresses its whole CSpace (depth 64). */
extern seL4_CPtr core_cspace;

/* Switch the initial thread to the two-level CSpace (done once at boot). */
bool cspace_init(const seL4_BootInfo *bi);

/* One free slot of core (a core CNode), or 0. */
seL4_CPtr cspace_alloc(void);
/* count contiguous free slots in one core CNode (for Untyped_Retype), or 0. */
seL4_CPtr cspace_alloc_range(unsigned count);
void cspace_free(seL4_CPtr sel);
void cspace_free_range(seL4_CPtr first, unsigned count);
/* Delete the capability in sel and free the slot. */
void cspace_release(seL4_CPtr sel);

/* A fresh CNode of 2^bits slots at its own top-level entry (a VM CNode), or NULL. */
struct cnode *cnode_create(unsigned bits);
void cnode_destroy(struct cnode *n);
unsigned cnode_alloc(struct cnode *n); /* a slot index, or 0 (slot 0 stays empty) */
void cnode_free(struct cnode *n, unsigned slot);

/* Whether cspace_init has switched to the two-level CSpace. */
bool cspace_switched(void);

/* Slots used across core's own CNodes (for the accounting report). */
unsigned long cspace_used(void);
