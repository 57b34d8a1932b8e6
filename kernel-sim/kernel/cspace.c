/*
 * CSpace lookup. A capability pointer is consumed from its most significant
 * bit: at each CNode the guard must match, then radix bits select a slot;
 * lookup continues through CNode caps until the requested depth is used up.
 */
#include "cspace.h"
#include "../object/cnode.h"

struct tcb *ks_cur_thread;
struct syscall_error current_syscall_error;
struct lookup_fault current_lookup_fault;
struct fault current_fault;

static seL4_Word mask(unsigned bits)
{
	return bits >= 64 ? ~0ul : (1ul << bits) - 1;
}

struct resolve_ret resolve_address_bits(struct cap node_cap, seL4_CPtr cptr, seL4_Word n_bits)
{
	struct resolve_ret ret = {EXCEPTION_NONE, 0, n_bits};

	if (node_cap.type != cap_cnode_cap) {
		current_lookup_fault = (struct lookup_fault){.type = lookup_fault_invalid_root};
		ret.status = EXCEPTION_LOOKUP_FAULT;
		return ret;
	}
	for (;;) {
		seL4_Word radix_bits = node_cap.cnode.radix;
		seL4_Word guard_bits = node_cap.cnode.guard_size;
		seL4_Word level_bits = radix_bits + guard_bits;
		seL4_Word cap_guard = node_cap.cnode.guard;
		seL4_Word guard = (cptr >> ((n_bits - guard_bits) & 63)) & mask(guard_bits);

		if (level_bits == 0) {
			/* seL4 never creates such a CNode cap; refuse rather than loop. */
			current_lookup_fault = (struct lookup_fault){
			    .type = lookup_fault_depth_mismatch, .bits_left = n_bits};
			ret.status = EXCEPTION_LOOKUP_FAULT;
			return ret;
		}
		if (guard_bits > n_bits || guard != cap_guard) {
			current_lookup_fault = (struct lookup_fault){
			    .type = lookup_fault_guard_mismatch,
			    .bits_left = n_bits,
			    .guard_found = cap_guard,
			    .bits_found = guard_bits,
			};
			ret.status = EXCEPTION_LOOKUP_FAULT;
			return ret;
		}
		if (level_bits > n_bits) {
			current_lookup_fault = (struct lookup_fault){
			    .type = lookup_fault_depth_mismatch,
			    .bits_left = n_bits,
			    .bits_found = level_bits,
			};
			ret.status = EXCEPTION_LOOKUP_FAULT;
			return ret;
		}
		seL4_Word offset = (cptr >> (n_bits - level_bits)) & mask(radix_bits);
		struct cte *slot = cnode_slot(node_cap.cnode.cnode, offset);
		if (!slot) {
			/* the host has no memory for the slot: as if it were missing */
			current_lookup_fault = (struct lookup_fault){
			    .type = lookup_fault_missing_capability, .bits_left = n_bits};
			ret.status = EXCEPTION_LOOKUP_FAULT;
			return ret;
		}
		if (n_bits == level_bits) {
			ret.slot = slot;
			ret.bits_remaining = 0;
			return ret;
		}
		n_bits -= level_bits;
		node_cap = slot->cap;
		if (node_cap.type != cap_cnode_cap) {
			ret.slot = slot;
			ret.bits_remaining = n_bits;
			return ret;
		}
	}
}

struct lookup_slot_ret lookup_slot(struct tcb *thread, seL4_CPtr cptr)
{
	struct resolve_ret r =
	    resolve_address_bits(thread->ctes[tcbCTable].cap, cptr, seL4_WordBits);
	return (struct lookup_slot_ret){r.status, r.slot};
}

struct lookup_cap_and_slot_ret lookup_cap_and_slot(struct tcb *thread, seL4_CPtr cptr)
{
	struct lookup_cap_and_slot_ret ret = {0};
	struct lookup_slot_ret s = lookup_slot(thread, cptr);
	ret.status = s.status;
	if (s.status != EXCEPTION_NONE) {
		ret.cap.type = cap_null_cap;
		return ret;
	}
	ret.slot = s.slot;
	ret.cap = s.slot->cap;
	return ret;
}

struct lookup_slot_ret lookup_slot_for_cnode_op(bool is_source, struct cap root, seL4_CPtr cptr,
						seL4_Word depth)
{
	struct lookup_slot_ret ret = {EXCEPTION_SYSCALL_ERROR, 0};

	if (root.type != cap_cnode_cap) {
		current_syscall_error = (struct syscall_error){
		    .type = seL4_FailedLookup, .failed_lookup_was_source = is_source};
		current_lookup_fault = (struct lookup_fault){.type = lookup_fault_invalid_root};
		return ret;
	}
	if (depth < 1 || depth > seL4_WordBits) {
		current_syscall_error = (struct syscall_error){.type = seL4_RangeError,
							       .range_error_min = 1,
							       .range_error_max = seL4_WordBits};
		return ret;
	}
	struct resolve_ret r = resolve_address_bits(root, cptr, depth);
	if (r.status != EXCEPTION_NONE) {
		current_syscall_error = (struct syscall_error){
		    .type = seL4_FailedLookup, .failed_lookup_was_source = is_source};
		return ret;
	}
	if (r.bits_remaining != 0) {
		current_syscall_error = (struct syscall_error){
		    .type = seL4_FailedLookup, .failed_lookup_was_source = is_source};
		current_lookup_fault = (struct lookup_fault){
		    .type = lookup_fault_depth_mismatch,
		    .bits_found = 0,
		    .bits_left = r.bits_remaining,
		};
		return ret;
	}
	ret.status = EXCEPTION_NONE;
	ret.slot = r.slot;
	return ret;
}
