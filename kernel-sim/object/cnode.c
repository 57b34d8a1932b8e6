#include "cnode.h"
#include "../kernel/errors.h"
#include "endpoint.h"
#include "objecttype.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>

#include "../host/resources.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

/* --- Slot storage ----------------------------------------------------------- */

#define CHUNK_BITS 6 /* 64 slots (4 KiB) per chunk */

struct cnode_chunk {
	struct cnode *owner;
	seL4_Word index; /* in owner->chunk[] */
	bool check_queued;
	struct cnode_chunk *check_next;
	struct cte slots[];
};

/* Chunks that may have become empty during the current event. */
static struct cnode_chunk *check_head;

static unsigned radix_chunk_bits(uint8_t radix)
{
	return radix < CHUNK_BITS ? radix : CHUNK_BITS;
}

static unsigned chunk_bits(const struct cnode *cn)
{
	return radix_chunk_bits(cn->radix);
}

static size_t chunk_count(const struct cnode *cn)
{
	return (size_t)1 << (cn->radix - chunk_bits(cn));
}

struct cnode *cnode_create(uint64_t paddr, uint8_t radix)
{
	size_t chunks = (size_t)1 << (radix - radix_chunk_bits(radix));
	struct cnode *cn = calloc(1, sizeof(*cn) + chunks * sizeof(cn->chunk[0]));
	if (!cn)
		return NULL;
	cn->radix = radix;
	cn->obj.paddr = paddr;
	cn->obj.size_bits = (uint8_t)(radix + seL4_SlotBits);
	return cn;
}

void cnode_destroy(struct cnode *cn)
{
	for (size_t i = 0; i < chunk_count(cn); i++)
		if (cn->chunk[i]) {
			/* not on the check list: checks run before objects are released */
			free(cn->chunk[i]);
		}
	free(cn);
}

static void queue_check(struct cnode_chunk *c)
{
	if (c->check_queued)
		return;
	c->check_queued = true;
	c->check_next = check_head;
	check_head = c;
}

struct cte *cnode_slot(struct cnode *cn, seL4_Word index)
{
	unsigned bits = chunk_bits(cn);
	seL4_Word i = index >> bits, pos = index & ((1ul << bits) - 1);
	struct cnode_chunk *c = cn->chunk[i];
	if (!c) {
		size_t n = (size_t)1 << bits;
		c = calloc(1, sizeof(*c) + n * sizeof(struct cte));
		if (!c) {
			host_resource_exhausted(HOST_MEMORY, ENOMEM, "making CNode slots");
			return NULL;
		}
		c->owner = cn;
		c->index = i;
		for (size_t k = 0; k < n; k++)
			c->slots[k].home = (uint8_t)(k + 1);
		cn->chunk[i] = c;
		/* a lookup that leaves it empty frees it again */
		queue_check(c);
	}
	return &c->slots[pos];
}

static struct cnode_chunk *chunk_of(struct cte *slot)
{
	if (!slot->home)
		return NULL;
	struct cte *first = slot - (slot->home - 1);
	return (struct cnode_chunk *)((char *)first - offsetof(struct cnode_chunk, slots));
}

struct cte *cnode_slot_if_made(struct cnode *cn, seL4_Word index)
{
	unsigned bits = chunk_bits(cn);
	struct cnode_chunk *c = cn->chunk[index >> bits];
	return c ? &c->slots[index & ((1ul << bits) - 1)] : NULL;
}

bool cnode_holds(struct cnode *cn, struct cte *slot)
{
	struct cnode_chunk *c = chunk_of(slot);
	return c && c->owner == cn;
}

void cnode_slot_emptied(struct cte *slot)
{
	struct cnode_chunk *c = chunk_of(slot);
	if (c)
		queue_check(c);
}

void cnode_delete_slots_later(struct cnode *cn)
{
	for (size_t i = 0; i < chunk_count(cn); i++)
		if (cn->chunk[i])
			delete_slots_later(cn->chunk[i]->slots, (size_t)1 << chunk_bits(cn));
}

static bool chunk_empty(const struct cnode_chunk *c)
{
	size_t n = (size_t)1 << chunk_bits(c->owner);
	for (size_t k = 0; k < n; k++)
		if (c->slots[k].cap.type != cap_null_cap)
			return false;
	return true;
}

size_t cnode_chunk_count(const struct cnode *cn)
{
	size_t n = 0;
	for (size_t i = 0; i < chunk_count(cn); i++)
		n += cn->chunk[i] != NULL;
	return n;
}

void cnode_release_empty_chunks(void)
{
	while (check_head) {
		struct cnode_chunk *c = check_head;
		check_head = c->check_next;
		c->check_queued = false;
		if (chunk_empty(c)) {
			c->owner->chunk[c->index] = NULL;
			free(c);
		}
	}
}

/* --- Invocations ------------------------------------------------------------ */

static enum exception source_missing(seL4_Word depth, bool is_source)
{
	current_syscall_error = (struct syscall_error){.type = seL4_FailedLookup,
						       .failed_lookup_was_source = is_source};
	current_lookup_fault =
	    (struct lookup_fault){.type = lookup_fault_missing_capability, .bits_left = depth};
	return EXCEPTION_SYSCALL_ERROR;
}

/* Copy, Mint, Move, Mutate: a cap from a source slot into the (empty) target slot. */
static enum exception decode_copy_like(struct tcb *t, seL4_Word label, seL4_Word length,
				       struct cte *dest, seL4_Word *buffer)
{
	if (length < 4 || !current_extra_caps.excaprefs[0]) {
		user_error("CNode Copy/Mint/Move/Mutate: Truncated message.");
		return syscall_error(seL4_TruncatedMessage);
	}
	seL4_Word src_index = get_syscall_arg(t, 2, buffer);
	seL4_Word src_depth = get_syscall_arg(t, 3, buffer);
	struct cap src_root = current_extra_caps.excaprefs[0]->cap;

	enum exception e = ensure_empty_slot(dest);
	if (e != EXCEPTION_NONE) {
		user_error("CNode Copy/Mint/Move/Mutate: Destination not empty.");
		return e;
	}
	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(true, src_root, src_index, src_depth);
	if (lu.status != EXCEPTION_NONE) {
		user_error("CNode Copy/Mint/Move/Mutate: Invalid source slot.");
		return lu.status;
	}
	struct cte *src = lu.slot;
	if (src->cap.type == cap_null_cap) {
		user_error("CNode Copy/Mint/Move/Mutate: Source slot invalid or empty.");
		return source_missing(src_depth, true);
	}

	struct cap new_cap;
	bool is_move;
	switch (label) {
	case CNodeCopy:
	case CNodeMint: {
		if (length < (label == CNodeCopy ? 5u : 6u)) {
			user_error("CNode %s: Truncated message.",
				   label == CNodeCopy ? "Copy" : "Mint");
			return syscall_error(seL4_TruncatedMessage);
		}
		struct cap c = mask_cap_rights(get_syscall_arg(t, 4, buffer), src->cap);
		if (label == CNodeMint)
			c = update_cap_data(false, get_syscall_arg(t, 5, buffer), c);
		struct derive_ret d = derive_cap(src, c);
		if (d.status != EXCEPTION_NONE) {
			user_error("Error deriving cap for CNode %s operation.",
				   label == CNodeCopy ? "Copy" : "Mint");
			return d.status;
		}
		new_cap = d.cap;
		is_move = false;
		break;
	}
	case CNodeMove:
		new_cap = src->cap;
		is_move = true;
		break;
	default: /* CNodeMutate */
		if (length < 5) {
			user_error("CNode Mutate: Truncated message.");
			return syscall_error(seL4_TruncatedMessage);
		}
		new_cap = update_cap_data(true, get_syscall_arg(t, 4, buffer), src->cap);
		is_move = true;
		break;
	}
	if (new_cap.type == cap_null_cap) {
		user_error("CNode Copy/Mint/Move/Mutate: Mutated cap would be invalid.");
		return syscall_error(seL4_IllegalOperation);
	}
	set_thread_state(t, ThreadState_Restart);
	if (is_move)
		cte_move(new_cap, src, dest);
	else
		cte_insert(new_cap, src, dest);
	return EXCEPTION_NONE;
}

static enum exception decode_rotate(struct tcb *t, seL4_Word length, struct cte *dest,
				    seL4_Word *buffer)
{
	struct cte **x = current_extra_caps.excaprefs;
	if (length < 8 || !x[0] || !x[1]) {
		user_error("CNode Rotate: Truncated message.");
		return syscall_error(seL4_TruncatedMessage);
	}
	seL4_Word pivot_data = get_syscall_arg(t, 2, buffer);
	seL4_Word pivot_index = get_syscall_arg(t, 3, buffer);
	seL4_Word pivot_depth = get_syscall_arg(t, 4, buffer);
	seL4_Word src_data = get_syscall_arg(t, 5, buffer);
	seL4_Word src_index = get_syscall_arg(t, 6, buffer);
	seL4_Word src_depth = get_syscall_arg(t, 7, buffer);
	struct cap pivot_root = x[0]->cap, src_root = x[1]->cap;

	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(true, src_root, src_index, src_depth);
	if (lu.status != EXCEPTION_NONE)
		return lu.status;
	struct cte *src = lu.slot;
	lu = lookup_slot_for_cnode_op(true, pivot_root, pivot_index, pivot_depth);
	if (lu.status != EXCEPTION_NONE)
		return lu.status;
	struct cte *pivot = lu.slot;
	if (pivot == src || pivot == dest) {
		user_error("CNode Rotate: Pivot slot the same as source or dest slot.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (src != dest) {
		enum exception e = ensure_empty_slot(dest);
		if (e != EXCEPTION_NONE)
			return e;
	}
	if (src->cap.type == cap_null_cap)
		return source_missing(src_depth, true);
	if (pivot->cap.type == cap_null_cap)
		return source_missing(pivot_depth, false);
	struct cap new_src = update_cap_data(true, src_data, src->cap);
	struct cap new_pivot = update_cap_data(true, pivot_data, pivot->cap);
	if (new_src.type == cap_null_cap) {
		user_error("CNode Rotate: Source cap invalid.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (new_pivot.type == cap_null_cap) {
		user_error("CNode Rotate: Pivot cap invalid.");
		return syscall_error(seL4_IllegalOperation);
	}
	set_thread_state(t, ThreadState_Restart);
	if (src == dest) {
		cte_swap(new_src, src, new_pivot, pivot);
	} else {
		cte_move(new_pivot, pivot, dest);
		cte_move(new_src, src, pivot);
	}
	return EXCEPTION_NONE;
}

/* Move the thread's pending reply cap into a slot of its CSpace. */
static void invoke_save_caller(struct tcb *t, struct cte *dest)
{
	struct cte *src = &t->ctes[tcbCaller];
	struct cap c = src->cap;
	if (c.type == cap_null_cap)
		user_error("CNode SaveCaller: Reply cap not present.");
	else if (c.type == cap_reply_cap && !c.reply.master)
		cte_move(c, src, dest);
}

enum exception decode_cnode_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
				       struct cap cap, seL4_Word *buffer)
{
	if (label < CNodeRevoke || label > CNodeSaveCaller) {
		user_error("CNodeCap: Illegal Operation attempted.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (length < 2) {
		user_error("CNode operation: Truncated message.");
		return syscall_error(seL4_TruncatedMessage);
	}
	seL4_Word index = get_syscall_arg(t, 0, buffer);
	seL4_Word depth = get_syscall_arg(t, 1, buffer);
	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(false, cap, index, depth);
	if (lu.status != EXCEPTION_NONE) {
		user_error("CNode operation: Target slot invalid.");
		return lu.status;
	}
	struct cte *dest = lu.slot;

	switch (label) {
	case CNodeCopy:
	case CNodeMint:
	case CNodeMove:
	case CNodeMutate:
		return decode_copy_like(t, label, length, dest, buffer);
	case CNodeRevoke:
		set_thread_state(t, ThreadState_Restart);
		return cte_revoke(dest);
	case CNodeDelete:
		set_thread_state(t, ThreadState_Restart);
		return cte_delete(dest, true);
	case CNodeSaveCaller: {
		enum exception e = ensure_empty_slot(dest);
		if (e != EXCEPTION_NONE) {
			user_error("CNode SaveCaller: Destination slot not empty.");
			return e;
		}
		set_thread_state(t, ThreadState_Restart);
		invoke_save_caller(t, dest);
		return EXCEPTION_NONE;
	}
	case CNodeCancelBadgedSends:
		if (!has_cancel_send_rights(dest->cap)) {
			user_error("CNode CancelBadgedSends: Target cap invalid.");
			return syscall_error(seL4_IllegalOperation);
		}
		set_thread_state(t, ThreadState_Restart);
		if (dest->cap.endpoint.badge)
			cancel_badged_sends(dest->cap.endpoint.ep, dest->cap.endpoint.badge);
		return EXCEPTION_NONE;
	default: /* CNodeRotate */
		return decode_rotate(t, length, dest, buffer);
	}
}
