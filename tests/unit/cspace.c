/* CSpace lookup: guards, radix, depth, and the failures seL4 reports. */
#include "check.h"
#include "kernel/cspace.h"
#include "object/cnode.h"

static struct cnode *root, *second;

/* A root CNode of 2^8 slots with an 8-bit guard 0x5a, and in slot 3 a
 * CNode of 2^4 slots without guard. */
static void setup(void)
{
	root = cnode_create(0x100000, 8);
	second = cnode_create(0x200000, 4);
	cnode_slot(root, 3)->cap = cap_cnode_new(second, 0, 0);
	cnode_slot(root, 7)->cap = (struct cap){.type = cap_endpoint_cap};
	cnode_slot(second, 9)->cap = (struct cap){.type = cap_notification_cap};
}

static struct cap root_cap(void)
{
	return cap_cnode_new(root, 8, 0x5a);
}

static void cspace_one_level(void)
{
	struct resolve_ret r = resolve_address_bits(root_cap(), (0x5aul << 8) | 7, 16);
	CHECK(r.status == EXCEPTION_NONE);
	CHECK(r.slot == cnode_slot(root, 7));
	CHECK(r.bits_remaining == 0);
}

static void cspace_two_levels(void)
{
	struct resolve_ret r = resolve_address_bits(root_cap(), (0x5aul << 12) | (3 << 4) | 9, 20);
	CHECK(r.status == EXCEPTION_NONE);
	CHECK(r.slot == cnode_slot(second, 9));
	CHECK(r.slot->cap.type == cap_notification_cap);
}

static void cspace_stops_at_non_cnode(void)
{
	/* Slot 7 holds an endpoint: lookup ends there with 4 bits left. */
	struct resolve_ret r = resolve_address_bits(root_cap(), (0x5aul << 12) | (7 << 4), 20);
	CHECK(r.status == EXCEPTION_NONE);
	CHECK(r.slot == cnode_slot(root, 7));
	CHECK(r.bits_remaining == 4);
}

static void cspace_guard_mismatch(void)
{
	struct resolve_ret r = resolve_address_bits(root_cap(), (0x5bul << 8) | 7, 16);
	CHECK(r.status == EXCEPTION_LOOKUP_FAULT);
	CHECK(current_lookup_fault.type == lookup_fault_guard_mismatch);
	CHECK(current_lookup_fault.bits_left == 16);
	CHECK(current_lookup_fault.guard_found == 0x5a);
	CHECK(current_lookup_fault.bits_found == 8);
}

static void cspace_depth_mismatch(void)
{
	/* 12 bits: the guard matches but the radix needs 8 more than the 4 left. */
	struct resolve_ret r = resolve_address_bits(root_cap(), (0x5aul << 4), 12);
	CHECK(r.status == EXCEPTION_LOOKUP_FAULT);
	CHECK(current_lookup_fault.type == lookup_fault_depth_mismatch);
	CHECK(current_lookup_fault.bits_left == 12);
	CHECK(current_lookup_fault.bits_found == 16);
}

static void cspace_invalid_root(void)
{
	struct cap notcnode = {.type = cap_endpoint_cap};
	struct resolve_ret r = resolve_address_bits(notcnode, 0, 64);
	CHECK(r.status == EXCEPTION_LOOKUP_FAULT);
	CHECK(current_lookup_fault.type == lookup_fault_invalid_root);
}

static void cspace_cnode_op_depth_range(void)
{
	struct lookup_slot_ret r = lookup_slot_for_cnode_op(true, root_cap(), 0, 0);
	CHECK(r.status == EXCEPTION_SYSCALL_ERROR);
	CHECK(current_syscall_error.type == seL4_RangeError);
	CHECK(current_syscall_error.range_error_min == 1);
	CHECK(current_syscall_error.range_error_max == 64);
	r = lookup_slot_for_cnode_op(true, root_cap(), 0, 65);
	CHECK(r.status == EXCEPTION_SYSCALL_ERROR);
	CHECK(current_syscall_error.type == seL4_RangeError);
}

static void cspace_cnode_op_bits_remaining(void)
{
	struct lookup_slot_ret r =
	    lookup_slot_for_cnode_op(false, root_cap(), (0x5aul << 12) | (7 << 4), 20);
	CHECK(r.status == EXCEPTION_SYSCALL_ERROR);
	CHECK(current_syscall_error.type == seL4_FailedLookup);
	CHECK(!current_syscall_error.failed_lookup_was_source);
	CHECK(current_lookup_fault.type == lookup_fault_depth_mismatch);
	CHECK(current_lookup_fault.bits_left == 4);
	CHECK(current_lookup_fault.bits_found == 0);
}

static void cspace_cnode_op_ok(void)
{
	struct lookup_slot_ret r =
	    lookup_slot_for_cnode_op(true, root_cap(), (0x5aul << 8) | 200, 16);
	CHECK(r.status == EXCEPTION_NONE);
	CHECK(r.slot == cnode_slot(root, 200));
}

static void cspace_full_word_guard(void)
{
	/* The initial thread's CNode: 12 bits of radix behind a 52-bit guard of 0. */
	struct cnode *it = cnode_create(0x300000, 12);
	struct cap c = cap_cnode_new(it, 52, 0);
	struct resolve_ret r = resolve_address_bits(c, 0x123, 64);
	CHECK(r.status == EXCEPTION_NONE && r.slot == cnode_slot(it, 0x123));
	r = resolve_address_bits(c, 0x1123, 64);
	CHECK(r.status == EXCEPTION_LOOKUP_FAULT);
	CHECK(current_lookup_fault.type == lookup_fault_guard_mismatch);
}

int main(void)
{
	setup();
	RUN(cspace_one_level);
	RUN(cspace_two_levels);
	RUN(cspace_stops_at_non_cnode);
	RUN(cspace_guard_mismatch);
	RUN(cspace_depth_mismatch);
	RUN(cspace_invalid_root);
	RUN(cspace_cnode_op_depth_range);
	RUN(cspace_cnode_op_bits_remaining);
	RUN(cspace_cnode_op_ok);
	RUN(cspace_full_word_guard);
	return check_failures != 0;
}
