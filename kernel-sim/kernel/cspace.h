/* Capability addressing: seL4's guarded, radix-addressed CSpace lookup. */
#pragma once

#include "state.h"

struct resolve_ret {
	enum exception status;
	struct cte *slot;
	seL4_Word bits_remaining;
};

struct resolve_ret resolve_address_bits(struct cap node_cap, seL4_CPtr cptr, seL4_Word n_bits);

struct lookup_slot_ret {
	enum exception status;
	struct cte *slot;
};

struct lookup_slot_ret lookup_slot(struct tcb *thread, seL4_CPtr cptr);

struct lookup_cap_and_slot_ret {
	enum exception status;
	struct cap cap;
	struct cte *slot;
};

struct lookup_cap_and_slot_ret lookup_cap_and_slot(struct tcb *thread, seL4_CPtr cptr);

struct lookup_slot_ret lookup_slot_for_cnode_op(bool is_source, struct cap root, seL4_CPtr cptr,
						seL4_Word depth);
