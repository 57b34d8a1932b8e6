/*
 * Physical memory as a buddy system of untyped capabilities. Every block is
 * naturally aligned and has its own untyped capability: a larger block is
 * split by retyping it into two untypeds of half its size, and two free
 * buddies merge by revoking their parent. A kernel object is created by
 * retyping a block of exactly its size, so freeing the block (a revoke)
 * deletes the object and every copy of its capability anywhere.
 */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>

struct ut_block {
	unsigned long paddr;
	unsigned char order;
	unsigned char state;		       /* UT_FREE, UT_SPLIT, UT_USED */
	bool device;			       /* I/O memory, not RAM */
	seL4_CPtr sel;			       /* the untyped capability of this block */
	struct ut_block *parent, *next, *prev; /* free list */
};

enum { UT_FREE, UT_SPLIT, UT_USED };

/* Enter the untypeds of the boot info: RAM and device memory. */
void untyped_init(const seL4_BootInfo *bi);

/* A block of 2^order bytes (order >= 12), or NULL. */
struct ut_block *untyped_alloc(unsigned order);

/* The device-memory block of 2^order bytes at paddr (aligned), or NULL if taken. */
struct ut_block *untyped_alloc_device(unsigned long paddr, unsigned order);

/* Revoke everything created from the block and return it. */
void untyped_free(struct ut_block *b);

/* Retype the whole block into count objects at the core slots from first on. */
seL4_Error untyped_retype(struct ut_block *b, seL4_Word type, seL4_Word size_bits, seL4_CPtr first,
			  unsigned count);

/*
 * A kernel object of 2^order bytes of untyped memory (size_bits as
 * Untyped_Retype takes it) in a fresh core slot; 0 on failure. The block
 * is returned in *ut: kobj_destroy revokes it (the object and every copy)
 * and frees the slot.
 */
seL4_CPtr kobj_create(seL4_Word type, seL4_Word size_bits, unsigned order, struct ut_block **ut);
void kobj_destroy(seL4_CPtr sel, struct ut_block *ut);

/* Free RAM in bytes, and RAM handed out. */
unsigned long untyped_avail(void);
unsigned long untyped_in_use(void);
