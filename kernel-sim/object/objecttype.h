/*
 * What is generic over object types: deriving, masking and mutating caps,
 * creating objects from untyped memory, finalising them when their last
 * capability goes, and dispatching invocations by capability type.
 */
#pragma once

#include "../kernel/state.h"

struct derive_ret {
	enum exception status;
	struct cap cap;
};

/* The cap as it may be copied from slot (seL4's deriveCap). */
struct derive_ret derive_cap(struct cte *slot, struct cap cap);

/* Badge or guard an unbadged cap (Mint, Mutate); a null cap if not allowed. */
struct cap update_cap_data(bool preserve, seL4_Word data, struct cap cap);

/* Reduce a cap's rights to those in rights (seL4_CapRights word). */
struct cap mask_cap_rights(seL4_Word rights, struct cap cap);

bool has_cancel_send_rights(struct cap cap);

/* Size in bits of an object of type t; user_size for variable types. */
seL4_Word get_object_size(seL4_Word t, seL4_Word user_size);

/*
 * A new, zeroed object at paddr, and its original capability; a null cap if
 * the host has no memory for it.
 */
struct cap create_object(seL4_Word t, uint64_t paddr, seL4_Word user_size, bool device);

/*
 * The object-specific part of deleting a capability (finaliseCap): what
 * must happen for this cap, and, if it was the last one (final), the
 * teardown of the object. The slot is emptied by the caller.
 */
void finalise_cap(struct cap cap, bool final);

/*
 * seL4's finaliseCap of the last capability to a CNode or a TCB: the
 * object stops (a TCB's thread is suspended and unbound) and what is left
 * is a zombie of it, whose slots are then deleted one at a time. Any other
 * capability is returned as it is.
 */
struct cap zombie_of(struct cap cap);

enum exception decode_invocation(struct tcb *t, seL4_Word label, seL4_Word length, seL4_CPtr cptr,
				 struct cte *slot, struct cap cap, bool is_blocking, bool is_call,
				 seL4_Word *buffer);

/* "N TCBs, N endpoints, ...": the live kernel objects by type. */
void object_totals(char *buf, size_t size);
