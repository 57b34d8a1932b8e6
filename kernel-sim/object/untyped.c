#include "untyped.h"
#include "cnode.h"
#include "../host/resources.h"
#include "../kernel/errors.h"
#include "objecttype.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
#include "../kernel/preemption.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>

#include <errno.h>

static unsigned ctz64(uint64_t v)
{
	return v ? (unsigned)__builtin_ctzl(v) : 64;
}

static unsigned log2_floor(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzl(v);
}

int untyped_split_region(uint64_t start, uint64_t end,
			 int (*emit)(uint64_t paddr, unsigned size_bits, void *ctx), void *ctx)
{
	while (start < end) {
		unsigned bits = ctz64(start);
		if (log2_floor(end - start) < bits)
			bits = log2_floor(end - start);
		if (bits > seL4_MaxUntypedBits)
			bits = seL4_MaxUntypedBits;
		if (bits >= seL4_MinUntypedBits) {
			int rc = emit(start, bits, ctx);
			if (rc)
				return rc;
		}
		start += 1ul << bits;
	}
	return 0;
}

/* CONFIG_RESET_CHUNK_BITS: the bytes cleared between two preemption points. */
#define RESET_CHUNK_BITS 8
#define RESET_CHUNK	 (1ul << RESET_CHUNK_BITS)

static bool is_frame_type(seL4_Word t)
{
	return t == seL4_X86_4K || t == seL4_X86_LargePageObject || t == seL4_X64_HugePageObject;
}

/*
 * The host side of the new objects, made before anything changes: false
 * (and nothing made) if the host has no memory for all of them.
 */
static bool create_objects(uint64_t base, seL4_Word type, seL4_Word user_size, seL4_Word count,
			   bool device, struct cap *caps)
{
	seL4_Word bits = get_object_size(type, user_size);
	/* every object but an untyped is released later when it goes */
	seL4_Word promised = type == seL4_UntypedObject ? 0 : count;
	if (!release_reserve(promised)) {
		host_resource_exhausted(HOST_MEMORY, ENOMEM, "creating kernel objects");
		return false;
	}
	for (seL4_Word i = 0; i < count; i++) {
		caps[i] = create_object(type, base + (i << bits), user_size, device);
		if (caps[i].type != cap_null_cap)
			continue;
		/* the i made are released with their promise */
		release_unreserve(promised ? count - i : 0);
		while (i-- > 0)
			finalise_cap(caps[i], true);
		delete_pending_slots(); /* the TCBs' and CNodes' (empty) slots, before they go */
		host_resource_exhausted(HOST_MEMORY, ENOMEM, "creating kernel objects");
		return false;
	}
	return true;
}

/*
 * resetUntypedCap: an untyped without children is cleared from its
 * watermark down, a chunk at a time with a preemption point after each, the
 * watermark following, so that a preempted reset goes on where it stopped.
 * A frame's memory is a fresh file in kernel-sim, zero already; device
 * memory and untypeds smaller than a chunk go at once, as in seL4.
 */
static enum exception reset_untyped_cap(struct cte *slot)
{
	struct cap *ut = &slot->cap;
	seL4_Word offset = ut->untyped.free_index;
	if (offset == 0)
		return EXCEPTION_NONE;
	if (ut->untyped.is_device || ut->untyped.size_bits < RESET_CHUNK_BITS) {
		ut->untyped.free_index = 0;
		return EXCEPTION_NONE;
	}
	for (offset = (offset - 1) & ~(RESET_CHUNK - 1);; offset -= RESET_CHUNK) {
		ut->untyped.free_index = offset;
		if (preemption_point() != EXCEPTION_NONE)
			return EXCEPTION_PREEMPTED;
		if (offset == 0)
			return EXCEPTION_NONE;
	}
}

/* Insert the new objects' caps, the newest right after the untyped. */
static void invoke_retype(struct cte *slot, uint64_t base, seL4_Word type, seL4_Word user_size,
			  struct cte **dest, const struct cap *caps, seL4_Word count)
{
	struct cap *ut = &slot->cap;
	seL4_Word bits = get_object_size(type, user_size);
	ut->untyped.free_index = base + (count << bits) - ut->untyped.paddr;
	for (seL4_Word i = 0; i < count; i++)
		insert_new_cap(slot, dest[i], caps[i]);
}

enum exception decode_untyped_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					 struct cte *slot, struct cap cap, seL4_Word *buffer)
{
	if (label != UntypedRetype) {
		user_error("Untyped cap: Illegal operation attempted.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (length < 6 || !current_extra_caps.excaprefs[0]) {
		user_error("Untyped invocation: Truncated message.");
		return syscall_error(seL4_TruncatedMessage);
	}
	seL4_Word type = get_syscall_arg(t, 0, buffer);
	seL4_Word user_size = get_syscall_arg(t, 1, buffer);
	seL4_Word node_index = get_syscall_arg(t, 2, buffer);
	seL4_Word node_depth = get_syscall_arg(t, 3, buffer);
	seL4_Word node_offset = get_syscall_arg(t, 4, buffer);
	seL4_Word node_window = get_syscall_arg(t, 5, buffer);
	struct cte *root_slot = current_extra_caps.excaprefs[0];

	if (type >= seL4_ObjectTypeCount) {
		user_error("Untyped Retype: Invalid object type.");
		return invalid_argument(0);
	}
	seL4_Word obj_bits = get_object_size(type, user_size);
	if (user_size >= seL4_WordBits || obj_bits > seL4_MaxUntypedBits) {
		user_error("Untyped Retype: Invalid object size.");
		return range_error(0, seL4_MaxUntypedBits);
	}
	if (type == seL4_CapTableObject && user_size == 0) {
		user_error("Untyped Retype: Requested CapTable size too small.");
		return invalid_argument(1);
	}
	if (type == seL4_UntypedObject && user_size < seL4_MinUntypedBits) {
		user_error("Untyped Retype: Requested UntypedItem size too small.");
		return invalid_argument(1);
	}

	struct cap node_cap;
	if (node_depth == 0) {
		node_cap = root_slot->cap;
	} else {
		struct lookup_slot_ret lu =
		    lookup_slot_for_cnode_op(false, root_slot->cap, node_index, node_depth);
		if (lu.status != EXCEPTION_NONE) {
			user_error("Untyped Retype: Invalid destination address.");
			return lu.status;
		}
		node_cap = lu.slot->cap;
	}
	if (node_cap.type != cap_cnode_cap) {
		user_error("Untyped Retype: Destination cap invalid or read-only.");
		current_syscall_error = (struct syscall_error){.type = seL4_FailedLookup};
		current_lookup_fault = (struct lookup_fault){
		    .type = lookup_fault_missing_capability, .bits_left = node_depth};
		return EXCEPTION_SYSCALL_ERROR;
	}
	seL4_Word node_size = 1ul << node_cap.cnode.radix;
	if (node_offset > node_size - 1) {
		user_error("Untyped Retype: Destination node offset #%d too large.",
			   (int)node_offset);
		return range_error(0, node_size - 1);
	}
	if (node_window < 1 || node_window > seL4_RetypeFanOutLimit) {
		user_error("Untyped Retype: Number of requested objects (%d) too small or large.",
			   (int)node_window);
		return range_error(1, seL4_RetypeFanOutLimit);
	}
	if (node_window > node_size - node_offset) {
		user_error("Untyped Retype: Requested destination window overruns size of node.");
		return range_error(1, node_size - node_offset);
	}
	struct cte *dest[seL4_RetypeFanOutLimit];
	for (seL4_Word i = 0; i < node_window; i++) {
		dest[i] = cnode_slot(node_cap.cnode.cnode, node_offset + i);
		if (!dest[i]) {
			user_error("Untyped Retype: The host has no memory for the destination.");
			return host_not_enough_memory();
		}
		enum exception e = ensure_empty_slot(dest[i]);
		if (e != EXCEPTION_NONE) {
			user_error("Untyped Retype: Slot #%d in destination window non-empty.",
				   (int)(node_offset + i));
			return e;
		}
	}

	/* An untyped without children starts afresh; otherwise after its watermark. */
	bool reset = ensure_no_children(slot) == EXCEPTION_NONE;
	seL4_Word free_index = reset ? 0 : cap.untyped.free_index;
	seL4_Word free_bytes = (1ul << cap.untyped.size_bits) - free_index;
	if ((free_bytes >> obj_bits) < node_window) {
		user_error("Untyped Retype: Insufficient memory (%lu * %lu bytes needed, %lu bytes "
			   "available).",
			   (unsigned long)node_window, 1ul << obj_bits, (unsigned long)free_bytes);
		current_syscall_error =
		    (struct syscall_error){.type = seL4_NotEnoughMemory, .memory_left = free_bytes};
		return EXCEPTION_SYSCALL_ERROR;
	}
	bool device = cap.untyped.is_device;
	if (device && !is_frame_type(type) && type != seL4_UntypedObject) {
		user_error("Untyped Retype: Creating kernel objects with device untyped");
		return invalid_argument(1);
	}
	uint64_t free_ref = cap.untyped.paddr + free_index;
	uint64_t aligned = (free_ref + (1ul << obj_bits) - 1) & ~((1ul << obj_bits) - 1);

	if (reset && reset_untyped_cap(slot) != EXCEPTION_NONE)
		return EXCEPTION_PREEMPTED; /* the call restarts, the watermark kept */
	struct cap caps[seL4_RetypeFanOutLimit];
	if (!create_objects(aligned, type, user_size, node_window, device, caps)) {
		user_error("Untyped Retype: The host has no memory for the objects.");
		return host_not_enough_memory();
	}
	set_thread_state(t, ThreadState_Restart);
	invoke_retype(slot, aligned, type, user_size, dest, caps, node_window);
	return EXCEPTION_NONE;
}
