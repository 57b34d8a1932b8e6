/* CNodes: arrays of capability slots, and the invocations that move caps between them. */
#pragma once

#include "../kernel/state.h"

struct cnode *cnode_create(uint64_t paddr, uint8_t radix);

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
