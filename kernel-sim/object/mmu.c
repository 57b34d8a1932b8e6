#include "mmu.h"
#include "../kernel/errors.h"
#include "frame.h"
#include "objecttype.h"
#include "vspace.h"
#include "../kernel/asid.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>
#include <sim/layout.h>

#include <stdlib.h>
#include <string.h>

/* The top of the user address space, seL4's USER_TOP on this host. */
#define USER_TOP (SIM_USER_TOP - 1)

static bool is_valid_native_root(struct cap cap)
{
	return cap.type == cap_pml4_cap && cap.pml4.mapped_asid != 0;
}

/* The VSpace of a PML4 cap that must be assigned and current (findVSpaceForASID). */
static enum exception vspace_of(struct cap vspace_cap, struct vspace **out)
{
	if (!is_valid_native_root(vspace_cap))
		return invalid_capability(1);
	struct vspace *vs = asid_lookup(vspace_cap.pml4.mapped_asid);
	if (!vs) {
		current_lookup_fault = (struct lookup_fault){.type = lookup_fault_invalid_root};
		return failed_lookup(false);
	}
	if (vs != vspace_cap.pml4.vspace)
		return invalid_capability(1);
	*out = vs;
	return EXCEPTION_NONE;
}

/* --- Frames -------------------------------------------------------------- */

static uint8_t rights_from_mask(uint8_t cap_rights, seL4_Word mask)
{
	seL4_CapRights_t r = {{mask}};
	if (cap_rights == VM_READ_ONLY && seL4_CapRights_get_capAllowRead(r))
		return VM_READ_ONLY;
	if (cap_rights == VM_READ_WRITE && seL4_CapRights_get_capAllowRead(r))
		return seL4_CapRights_get_capAllowWrite(r) ? VM_READ_WRITE : VM_READ_ONLY;
	if (cap_rights == VM_READ_WRITE && seL4_CapRights_get_capAllowWrite(r))
		user_error("Attempted to make unsupported write only mapping");
	return VM_KERNEL_ONLY;
}

static enum exception decode_frame_map(struct tcb *t, seL4_Word length, struct cte *slot,
				       struct cap cap, seL4_Word *buffer)
{
	if (length < 3 || !current_extra_caps.excaprefs[0]) {
		user_error("X86Frame: Truncated message");
		return syscall_error(seL4_TruncatedMessage);
	}
	seL4_Word vaddr = get_syscall_arg(t, 0, buffer);
	seL4_Word rights_mask = get_syscall_arg(t, 1, buffer);
	struct cap vspace_cap = current_extra_caps.excaprefs[0]->cap;
	struct frame *f = cap.frame.frame;
	if (!is_valid_native_root(vspace_cap)) {
		user_error("X86FrameMap: Attempting to map frame into invalid page directory cap.");
		return invalid_capability(1);
	}
	uint16_t asid = vspace_cap.pml4.mapped_asid;
	if (cap.frame.mapped_asid) {
		/* Mapped already: only the same place, for new rights. */
		if (cap.frame.mapped_asid != asid)
			return invalid_capability(1);
		if (cap.frame.mapped_addr != vaddr) {
			user_error("X86Frame: Attempting to map frame into multiple addresses");
			return invalid_argument(0);
		}
	} else {
		seL4_Word vtop = vaddr + frame_size(f);
		if (vaddr > USER_TOP || vtop > USER_TOP + 1 || vtop < vaddr) {
			user_error("X86Frame: Mapping address too high.");
			return invalid_argument(0);
		}
		/* sel4-sim: the host's part of the window (sim/layout.h) */
		if (!sim_user_range(vaddr, vtop - vaddr)) {
			user_error("X86Frame: Mapping address 0x%lx is taken by the host.",
				   (unsigned long)vaddr);
			return invalid_argument(0);
		}
	}
	struct vspace *vs;
	enum exception e = vspace_of(vspace_cap, &vs);
	if (e != EXCEPTION_NONE)
		return e;
	uint8_t rights = rights_from_mask(cap.frame.vm_rights, rights_mask);
	if (vaddr & (frame_size(f) - 1)) {
		user_error("X86Frame: Unaligned address 0x%lx.", (unsigned long)vaddr);
		return syscall_error(seL4_AlignmentError);
	}
	struct paging_entry *entry = vspace_lookup_slot(vs, vaddr, frame_level(f));
	if (!entry) {
		user_error("X86Frame: No paging structure for 0x%lx.", (unsigned long)vaddr);
		return failed_lookup(false);
	}
	if (frame_level(f) != PAGING_PT && entry_table(entry)) {
		user_error("X86Frame: A paging structure is mapped there.");
		return syscall_error(seL4_DeleteFirst);
	}
	int fd;
	int err = vspace_frame_fd(vs, f, rights, &fd);
	if (err) {
		user_error("X86Frame: The host cannot map the frame (%s).", strerror(-err));
		return host_not_enough_memory();
	}
	set_thread_state(t, ThreadState_Restart);
	if (!slot->cap.frame.mapped_asid)
		frame_cap_mapped(f);
	slot->cap.frame.mapped_asid = asid;
	slot->cap.frame.mapped_addr = vaddr;
	if (vspace_set_frame(vs, entry, f, vaddr, rights, fd) != 0)
		user_error("X86Frame: the PD process did not take the mapping.");
	return EXCEPTION_NONE;
}

static enum exception decode_frame_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					      struct cte *slot, struct cap cap, bool is_call,
					      seL4_Word *buffer)
{
	switch (label) {
	case X86PageMap:
		return decode_frame_map(t, length, slot, cap, buffer);
	case X86PageUnmap:
		set_thread_state(t, ThreadState_Restart);
		if (cap.frame.mapped_asid) {
			vspace_unmap_frame(cap.frame.mapped_asid, cap.frame.frame,
					   cap.frame.mapped_addr);
			slot->cap.frame.mapped_asid = 0;
			slot->cap.frame.mapped_addr = 0;
			frame_cap_unmapped(cap.frame.frame);
		}
		return EXCEPTION_NONE;
	case X86PageGetAddress:
		set_thread_state(t, ThreadState_Restart);
		if (is_call) {
			seL4_Word *ipc = lookup_ipc_buffer(true, t);
			t->regs.badgeRegister = 0;
			unsigned len = set_mr(t, ipc, 0, cap.frame.frame->obj.paddr);
			t->regs.msgInfoRegister = seL4_MessageInfo_new(0, 0, 0, len).words[0];
		}
		set_thread_state(t, ThreadState_Running);
		return EXCEPTION_NONE;
	default:
		user_error("X86Frame: Illegal operation.");
		return syscall_error(seL4_IllegalOperation);
	}
}

/* --- Page tables, page directories, PDPTs ----------------------------------- */

static const char *paging_name(enum cap_type type)
{
	return type == cap_page_table_cap	? "X86PageTable"
	       : type == cap_page_directory_cap ? "X86PageDirectory"
						: "X64PDPT";
}

static enum exception decode_paging_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					       struct cte *slot, struct cap cap, seL4_Word *buffer)
{
	const char *name = paging_name(cap.type);
	seL4_Word map_label = cap.type == cap_page_table_cap	   ? X86PageTableMap
			      : cap.type == cap_page_directory_cap ? X86PageDirectoryMap
								   : X86PDPTMap;
	seL4_Word unmap_label = map_label + 1;
	struct paging *table = cap.paging.table;

	if (label == unmap_label) {
		if (!is_final_capability(slot)) {
			user_error("%s: Cannot unmap if more than one cap exists.", name);
			return syscall_error(seL4_RevokeFirst);
		}
		set_thread_state(t, ThreadState_Restart);
		if (cap.paging.mapped_asid)
			vspace_unmap_table(cap.paging.mapped_asid, table, cap.paging.mapped_addr);
		slot->cap.paging.mapped_asid = 0;
		slot->cap.paging.mapped_addr = 0;
		return EXCEPTION_NONE;
	}
	if (label != map_label) {
		user_error("%s: Illegal operation.", name);
		return syscall_error(seL4_IllegalOperation);
	}
	if (length < 2 || !current_extra_caps.excaprefs[0]) {
		user_error("%s: Truncated message.", name);
		return syscall_error(seL4_TruncatedMessage);
	}
	if (cap.paging.mapped_asid) {
		user_error("%s: already mapped.", name);
		return invalid_capability(0);
	}
	uint64_t span = paging_span(table->level + 1);
	seL4_Word vaddr = get_syscall_arg(t, 0, buffer) & ~(span - 1);
	struct cap vspace_cap = current_extra_caps.excaprefs[0]->cap;
	if (!is_valid_native_root(vspace_cap))
		return invalid_capability(1);
	if (vaddr > USER_TOP) {
		user_error("%s: Mapping address too high.", name);
		return invalid_argument(0);
	}
	struct vspace *vs;
	enum exception e = vspace_of(vspace_cap, &vs);
	if (e != EXCEPTION_NONE)
		return e;
	struct paging_entry *entry = vspace_lookup_slot(vs, vaddr, table->level + 1);
	if (!entry)
		return failed_lookup(false);
	if (entry->word)
		return syscall_error(seL4_DeleteFirst);
	set_thread_state(t, ThreadState_Restart);
	slot->cap.paging.mapped_asid = vspace_cap.pml4.mapped_asid;
	slot->cap.paging.mapped_addr = vaddr;
	vspace_set_table(vs, entry, table, vaddr);
	return EXCEPTION_NONE;
}

/* --- ASIDs ---------------------------------------------------------------- */

static enum exception decode_asid_control(struct tcb *t, seL4_Word label, seL4_Word length,
					  seL4_Word *buffer)
{
	if (label != X86ASIDControlMakePool)
		return syscall_error(seL4_IllegalOperation);
	struct cte **x = current_extra_caps.excaprefs;
	if (length < 2 || !x[0] || !x[1])
		return syscall_error(seL4_TruncatedMessage);
	seL4_Word index = get_syscall_arg(t, 0, buffer);
	seL4_Word depth = get_syscall_arg(t, 1, buffer);
	struct cte *parent = x[0];
	struct cap untyped = parent->cap;
	struct cap root = x[1]->cap;
	unsigned i;
	for (i = 0; i < (1u << ASID_HIGH_BITS) && asid_table[i]; i++)
		;
	if (i == 1u << ASID_HIGH_BITS) {
		user_error("ASIDControlMakePool: No unallocated pools found.");
		return syscall_error(seL4_DeleteFirst);
	}
	if (untyped.type != cap_untyped_cap || untyped.untyped.size_bits != seL4_ASIDPoolBits ||
	    untyped.untyped.is_device)
		return invalid_capability(1);
	enum exception e = ensure_no_children(parent);
	if (e != EXCEPTION_NONE)
		return e;
	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(false, root, index, depth);
	if (lu.status != EXCEPTION_NONE)
		return lu.status;
	e = ensure_empty_slot(lu.slot);
	if (e != EXCEPTION_NONE)
		return e;
	struct asid_pool *pool = calloc(1, sizeof(*pool));
	if (!pool) {
		user_error("ASIDControlMakePool: The host has no memory for the pool.");
		return host_not_enough_memory();
	}
	set_thread_state(t, ThreadState_Restart);
	pool->obj.paddr = untyped.untyped.paddr;
	pool->obj.size_bits = seL4_ASIDPoolBits;
	parent->cap.untyped.free_index = 1ul << seL4_ASIDPoolBits;
	struct cap c = {.type = cap_asid_pool_cap};
	c.asid_pool.pool = pool;
	c.asid_pool.asid_base = (uint16_t)(i << ASID_LOW_BITS);
	cte_insert(c, parent, lu.slot);
	asid_table[i] = pool;
	return EXCEPTION_NONE;
}

static enum exception decode_asid_pool(struct tcb *t, seL4_Word label, struct cap cap)
{
	if (label != X86ASIDPoolAssign)
		return syscall_error(seL4_IllegalOperation);
	if (!current_extra_caps.excaprefs[0])
		return syscall_error(seL4_TruncatedMessage);
	struct cte *vslot = current_extra_caps.excaprefs[0];
	if (vslot->cap.type != cap_pml4_cap || vslot->cap.pml4.mapped_asid) {
		user_error("X86ASIDPool: Invalid vspace root.");
		return invalid_capability(1);
	}
	uint16_t base = cap.asid_pool.asid_base;
	struct asid_pool *pool = asid_table[base >> ASID_LOW_BITS];
	if (!pool) {
		current_lookup_fault = (struct lookup_fault){.type = lookup_fault_invalid_root};
		return failed_lookup(false);
	}
	if (pool != cap.asid_pool.pool)
		return invalid_capability(0);
	unsigned i;
	for (i = 0; i < (1u << ASID_LOW_BITS) && (base + i == 0 || pool->entry[i]); i++)
		;
	if (i == 1u << ASID_LOW_BITS)
		return syscall_error(seL4_DeleteFirst);
	/*
	 * sel4-sim: the VSpace becomes usable here, so its PD process is made
	 * here; a host that cannot fork one refuses the assignment, and the
	 * PD's creation fails where its creator can see it.
	 */
	struct vspace *vs = vslot->cap.pml4.vspace;
	vs->asid = (uint16_t)(base + i);
	if (!vspace_process(vs)) {
		vs->asid = 0;
		user_error("X86ASIDPool: The host cannot start a process for the VSpace.");
		return host_not_enough_memory();
	}
	set_thread_state(t, ThreadState_Restart);
	pool->entry[i] = vs;
	vslot->cap.pml4.mapped_asid = vs->asid;
	return EXCEPTION_NONE;
}

void delete_asid_pool(struct asid_pool *pool, uint16_t asid_base)
{
	unsigned high = asid_base >> ASID_LOW_BITS;
	if (asid_table[high] != pool)
		return;
	for (unsigned i = 0; i < (1u << ASID_LOW_BITS); i++)
		if (pool->entry[i]) {
			vspace_invalidate_asid(pool->entry[i]);
			pool->entry[i] = NULL;
		}
	asid_table[high] = NULL;
}

enum exception decode_x86_mmu_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					 struct cte *slot, struct cap cap, bool is_call,
					 seL4_Word *buffer)
{
	switch (cap.type) {
	case cap_frame_cap:
		return decode_frame_invocation(t, label, length, slot, cap, is_call, buffer);
	case cap_page_table_cap:
	case cap_page_directory_cap:
	case cap_pdpt_cap:
		return decode_paging_invocation(t, label, length, slot, cap, buffer);
	case cap_asid_control_cap:
		return decode_asid_control(t, label, length, buffer);
	case cap_asid_pool_cap:
		return decode_asid_pool(t, label, cap);
	default: /* a PML4 has no invocations */
		user_error("X86: Illegal operation on a VSpace root.");
		return syscall_error(seL4_IllegalOperation);
	}
}
