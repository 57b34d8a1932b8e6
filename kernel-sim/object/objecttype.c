#include "objecttype.h"
#include "../kernel/errors.h"
#include "cnode.h"
#include "endpoint.h"
#include "frame.h"
#include "interrupt.h"
#include "ioport.h"
#include "mmu.h"
#include "notification.h"
#include "tcb.h"
#include "domain.h"
#include "untyped.h"
#include "vspace.h"
#include "../kernel/cdt.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../kernel/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_arch_cap(enum cap_type t)
{
	return (t & 1) != 0;
}

static struct derive_ret derived(struct cap cap)
{
	return (struct derive_ret){EXCEPTION_NONE, cap};
}

static struct derive_ret not_derivable(const char *why)
{
	user_error("%s", why);
	current_syscall_error = (struct syscall_error){.type = seL4_IllegalOperation};
	return (struct derive_ret){EXCEPTION_SYSCALL_ERROR, {.type = cap_null_cap}};
}

static struct derive_ret arch_derive_cap(struct cap cap)
{
	switch (cap.type) {
	case cap_page_table_cap:
	case cap_page_directory_cap:
	case cap_pdpt_cap:
		if (cap.paging.mapped_asid)
			return derived(cap);
		return not_derivable("Deriving an unmapped paging structure cap");
	case cap_pml4_cap:
		if (cap.pml4.mapped_asid)
			return derived(cap);
		return not_derivable("Deriving a PML4 cap without an assigned ASID");
	case cap_frame_cap:
		/* A copy of a frame cap is not mapped anywhere. */
		cap.frame.mapped_asid = 0;
		cap.frame.mapped_addr = 0;
		return derived(cap);
	case cap_io_port_control_cap:
		return derived((struct cap){.type = cap_null_cap});
	default:
		return derived(cap);
	}
}

struct derive_ret derive_cap(struct cte *slot, struct cap cap)
{
	if (is_arch_cap(cap.type))
		return arch_derive_cap(cap);
	switch (cap.type) {
	case cap_zombie_cap:
	case cap_irq_control_cap:
	case cap_reply_cap:
		return derived((struct cap){.type = cap_null_cap});
	case cap_untyped_cap: {
		enum exception e = ensure_no_children(slot);
		if (e != EXCEPTION_NONE)
			return (struct derive_ret){e, {.type = cap_null_cap}};
		return derived(cap);
	}
	default:
		return derived(cap);
	}
}

struct cap update_cap_data(bool preserve, seL4_Word data, struct cap cap)
{
	switch (cap.type) {
	case cap_endpoint_cap:
		if (!preserve && cap.endpoint.badge == 0) {
			cap.endpoint.badge = data;
			return cap;
		}
		return (struct cap){.type = cap_null_cap};
	case cap_notification_cap:
		if (!preserve && cap.notification.badge == 0) {
			cap.notification.badge = data;
			return cap;
		}
		return (struct cap){.type = cap_null_cap};
	case cap_cnode_cap: {
		seL4_CNode_CapData_t w = {{data}};
		seL4_Word guard_size = seL4_CNode_CapData_get_guardSize(w);
		if (guard_size + cap.cnode.radix > seL4_WordBits)
			return (struct cap){.type = cap_null_cap};
		seL4_Word guard = seL4_CNode_CapData_get_guard(w);
		cap.cnode.guard = guard_size >= 64 ? guard : guard & ((1ul << guard_size) - 1);
		cap.cnode.guard_size = (uint8_t)guard_size;
		return cap;
	}
	default:
		return cap;
	}
}

/* seL4's maskVMRights: frames keep read-only or read-write, never write-only. */
static uint8_t mask_vm_rights(uint8_t vm, seL4_CapRights_t r)
{
	if (vm == VM_READ_ONLY && seL4_CapRights_get_capAllowRead(r))
		return VM_READ_ONLY;
	if (vm == VM_READ_WRITE && seL4_CapRights_get_capAllowRead(r))
		return seL4_CapRights_get_capAllowWrite(r) ? VM_READ_WRITE : VM_READ_ONLY;
	if (vm == VM_READ_WRITE && seL4_CapRights_get_capAllowWrite(r))
		user_error("Attempted to make unsupported write only mapping");
	return VM_KERNEL_ONLY;
}

struct cap mask_cap_rights(seL4_Word rights, struct cap cap)
{
	seL4_CapRights_t r = {{rights}};
	uint8_t mask = (uint8_t)(rights & RIGHTS_ALL);
	switch (cap.type) {
	case cap_endpoint_cap:
		cap.endpoint.rights &= mask;
		return cap;
	case cap_notification_cap:
		cap.notification.rights &= mask & (RIGHT_READ | RIGHT_WRITE);
		return cap;
	case cap_reply_cap:
		cap.reply.can_grant = cap.reply.can_grant && seL4_CapRights_get_capAllowGrant(r);
		return cap;
	case cap_frame_cap:
		cap.frame.vm_rights = mask_vm_rights(cap.frame.vm_rights, r);
		return cap;
	default:
		return cap;
	}
}

bool has_cancel_send_rights(struct cap cap)
{
	return cap.type == cap_endpoint_cap && (cap.endpoint.rights & RIGHTS_ALL) == RIGHTS_ALL;
}

seL4_Word get_object_size(seL4_Word t, seL4_Word user_size)
{
	switch (t) {
	case seL4_TCBObject:
		return seL4_TCBBits;
	case seL4_EndpointObject:
		return seL4_EndpointBits;
	case seL4_NotificationObject:
		return seL4_NotificationBits;
	case seL4_CapTableObject:
		return seL4_SlotBits + user_size;
	case seL4_UntypedObject:
		return user_size;
	case seL4_X86_4K:
		return seL4_PageBits;
	case seL4_X86_LargePageObject:
		return seL4_LargePageBits;
	case seL4_X64_HugePageObject:
		return seL4_HugePageBits;
	case seL4_X86_PageTableObject:
		return seL4_PageTableBits;
	case seL4_X86_PageDirectoryObject:
		return seL4_PageDirBits;
	case seL4_X86_PDPTObject:
		return seL4_PDPTBits;
	case seL4_X64_PML4Object:
		return seL4_PML4Bits;
	default:
		return 0;
	}
}

/* A null cap when the host has no memory for the object. */
static struct cap made(struct cap c, const void *object)
{
	return object ? c : (struct cap){.type = cap_null_cap};
}

static struct cap create_paging(enum cap_type type, enum paging_level level, uint64_t paddr)
{
	struct cap c = {.type = type};
	c.paging.table = paging_create(level, paddr);
	return made(c, c.paging.table);
}

static struct cap create_frame(uint64_t paddr, uint8_t bits, bool device)
{
	struct cap c = {.type = cap_frame_cap};
	c.frame.frame = frame_create(paddr, bits, device);
	c.frame.vm_rights = VM_READ_WRITE;
	return made(c, c.frame.frame);
}

/* Live kernel objects by type, for kernel-sim's totals (SIGUSR2). */
static unsigned long live_objects[seL4_ObjectTypeCount];

static void count_object(seL4_Word type, long delta, uint64_t paddr)
{
	if (type < seL4_ObjectTypeCount)
		live_objects[type] += (unsigned long)delta;
	trace_object(type, paddr, delta > 0);
}

static seL4_Word frame_type(unsigned size_bits)
{
	return size_bits == seL4_PageBits	 ? seL4_X86_4K
	       : size_bits == seL4_LargePageBits ? seL4_X86_LargePageObject
						 : seL4_X64_HugePageObject;
}

void object_totals(char *buf, size_t size)
{
	static const char *const names[seL4_ObjectTypeCount] = {
	    [seL4_TCBObject] = "TCBs",
	    [seL4_EndpointObject] = "endpoints",
	    [seL4_NotificationObject] = "notifications",
	    [seL4_CapTableObject] = "CNodes",
	    [seL4_X86_PDPTObject] = "PDPTs",
	    [seL4_X64_PML4Object] = "PML4s",
	    [seL4_X64_HugePageObject] = "1G frames",
	    [seL4_X86_4K] = "4K frames",
	    [seL4_X86_LargePageObject] = "2M frames",
	    [seL4_X86_PageTableObject] = "page tables",
	    [seL4_X86_PageDirectoryObject] = "page directories"};
	size_t n = 0;
	buf[0] = 0;
	for (unsigned t = 0; t < seL4_ObjectTypeCount && n < size; t++)
		if (names[t])
			n += (size_t)snprintf(buf + n, size - n, "%s%lu %s", n ? ", " : "",
					      live_objects[t], names[t]);
}

static struct cap make_object(seL4_Word t, uint64_t paddr, seL4_Word user_size, bool device)
{
	struct cap c = {.type = cap_null_cap};
	switch (t) {
	case seL4_UntypedObject:
		c.type = cap_untyped_cap;
		c.untyped.paddr = paddr;
		c.untyped.size_bits = (uint8_t)user_size;
		c.untyped.is_device = device;
		return c;
	case seL4_TCBObject: {
		struct tcb *tcb = tcb_create(paddr);
		if (!tcb)
			return c;
		if (ks_cur_thread) {
			/* seL4's debug name of a new TCB, within TCB_NAME_MAX. */
			int n = snprintf(tcb->name, sizeof(tcb->name), "child of: '%.*s",
					 (int)(sizeof(tcb->name) - 14), ks_cur_thread->name);
			snprintf(tcb->name + n, sizeof(tcb->name) - (size_t)n, "'");
		}
		c.type = cap_thread_cap;
		c.thread.tcb = tcb;
		return c;
	}
	case seL4_EndpointObject: {
		struct endpoint *ep = calloc(1, sizeof(*ep));
		if (!ep)
			return c;
		ep->obj = (struct kobj){paddr, seL4_EndpointBits};
		c.type = cap_endpoint_cap;
		c.endpoint.ep = ep;
		c.endpoint.rights = RIGHTS_ALL;
		return c;
	}
	case seL4_NotificationObject: {
		struct notification *n = calloc(1, sizeof(*n));
		if (!n)
			return c;
		n->obj = (struct kobj){paddr, seL4_NotificationBits};
		c.type = cap_notification_cap;
		c.notification.ntfn = n;
		c.notification.rights = RIGHT_READ | RIGHT_WRITE;
		return c;
	}
	case seL4_CapTableObject: {
		struct cnode *cn = cnode_create(paddr, (uint8_t)user_size);
		return cn ? cap_cnode_new(cn, 0, 0) : c;
	}
	case seL4_X86_PDPTObject:
		return create_paging(cap_pdpt_cap, PAGING_PDPT, paddr);
	case seL4_X86_PageDirectoryObject:
		return create_paging(cap_page_directory_cap, PAGING_PD, paddr);
	case seL4_X86_PageTableObject:
		return create_paging(cap_page_table_cap, PAGING_PT, paddr);
	case seL4_X64_PML4Object: {
		c.type = cap_pml4_cap;
		c.pml4.vspace = vspace_create(paddr);
		return made(c, c.pml4.vspace);
	}
	case seL4_X86_4K:
		return create_frame(paddr, seL4_PageBits, device);
	case seL4_X86_LargePageObject:
		return create_frame(paddr, seL4_LargePageBits, device);
	case seL4_X64_HugePageObject:
		return create_frame(paddr, seL4_HugePageBits, device);
	default:
		return c;
	}
}

struct cap create_object(seL4_Word t, uint64_t paddr, seL4_Word user_size, bool device)
{
	struct cap c = make_object(t, paddr, user_size, device);
	if (c.type != cap_null_cap && t != seL4_UntypedObject)
		count_object(t, 1, paddr);
	return c;
}

static void release_frame(void *f)
{
	frame_destroy(f);
}

static void release_cnode(void *cn)
{
	cnode_destroy(cn);
}

static void release_paging(void *t)
{
	paging_destroy(t);
}

static void release_vspace(void *vs)
{
	vspace_destroy(vs);
}

/* The last capability to a CNode went: its slots are deleted, then its memory freed. */
static void finalise_cnode(struct cnode *cn)
{
	count_object(seL4_CapTableObject, -1, cn->obj.paddr);
	cnode_delete_slots_later(cn);
	release_later(cn, release_cnode);
}

/* The zombie of a TCB went: what its first slots still hold is deleted, then its memory freed. */
static void finalise_tcb_zombie(struct tcb *t, seL4_Word number)
{
	count_object(seL4_TCBObject, -1, t->obj.paddr);
	delete_slots_later(t->ctes, number);
	release_later(t, free);
}

struct cap zombie_of(struct cap cap)
{
	struct cap z = {.type = cap_zombie_cap};
	switch (cap.type) {
	case cap_cnode_cap:
		z.zombie.cnode = cap.cnode.cnode;
		z.zombie.number = (seL4_Word)1 << cap.cnode.cnode->radix;
		return z;
	case cap_thread_cap:
		tcb_stop(cap.thread.tcb);
		z.zombie.tcb = cap.thread.tcb;
		z.zombie.number = tcbCNodeEntries;
		return z;
	default:
		return cap;
	}
}

void finalise_cap(struct cap cap, bool final)
{
	switch (cap.type) {
	case cap_endpoint_cap:
		if (final) {
			count_object(seL4_EndpointObject, -1, cap.endpoint.ep->obj.paddr);
			cancel_all_ipc(cap.endpoint.ep);
			release_later(cap.endpoint.ep, free);
		}
		return;
	case cap_notification_cap:
		if (final) {
			count_object(seL4_NotificationObject, -1, cap.notification.ntfn->obj.paddr);
			unbind_maybe_notification(cap.notification.ntfn);
			cancel_all_signals(cap.notification.ntfn);
			release_later(cap.notification.ntfn, free);
		}
		return;
	case cap_cnode_cap:
		if (final)
			finalise_cnode(cap.cnode.cnode);
		return;
	case cap_zombie_cap: /* what a deletion left (kernel/delete.c) goes at once */
		if (cap.zombie.tcb)
			finalise_tcb_zombie(cap.zombie.tcb, cap.zombie.number);
		else
			finalise_cnode(cap.zombie.cnode);
		return;
	case cap_thread_cap:
		if (final) {
			count_object(seL4_TCBObject, -1, cap.thread.tcb->obj.paddr);
			tcb_finalise(cap.thread.tcb);
		}
		return;
	case cap_frame_cap:
		if (cap.frame.mapped_asid) {
			vspace_unmap_frame(cap.frame.mapped_asid, cap.frame.frame,
					   cap.frame.mapped_addr);
			frame_cap_unmapped(cap.frame.frame);
		}
		if (final) {
			count_object(frame_type(cap.frame.frame->obj.size_bits), -1,
				     cap.frame.frame->obj.paddr);
			frame_finalise(cap.frame.frame);
			release_later(cap.frame.frame, release_frame);
		}
		return;
	case cap_page_table_cap:
	case cap_page_directory_cap:
	case cap_pdpt_cap:
		if (final) {
			count_object(cap.type == cap_page_table_cap ? seL4_X86_PageTableObject
				     : cap.type == cap_page_directory_cap
					 ? seL4_X86_PageDirectoryObject
					 : seL4_X86_PDPTObject,
				     -1, cap.paging.table->obj.paddr);
			if (cap.paging.mapped_asid)
				vspace_unmap_table(cap.paging.mapped_asid, cap.paging.table,
						   cap.paging.mapped_addr);
			release_later(cap.paging.table, release_paging);
		}
		return;
	case cap_pml4_cap:
		if (final) {
			count_object(seL4_X64_PML4Object, -1, cap.pml4.vspace->root.obj.paddr);
			release_later(cap.pml4.vspace, release_vspace);
		}
		return;
	case cap_asid_pool_cap:
		if (final) {
			delete_asid_pool(cap.asid_pool.pool, cap.asid_pool.asid_base);
			release_later(cap.asid_pool.pool, free);
		}
		return;
	case cap_irq_handler_cap:
		if (final)
			irq_handler_deleted(cap.irq_handler.irq);
		return;
	case cap_io_port_cap:
		if (final)
			io_port_range_freed(cap.io_port.first_port, cap.io_port.last_port);
		return;
	default:
		return;
	}
}

/* The object API of paging structures, ASIDs, IRQs and I/O ports comes with virtual memory. */
static enum exception not_yet(struct cap cap, seL4_Word label)
{
	user_error("Invocation of cap type %d (label %lu) is not supported yet.", (int)cap.type,
		   (unsigned long)label);
	return syscall_error(seL4_IllegalOperation);
}

static enum exception invalid_cap(const char *what, seL4_CPtr cptr)
{
	user_error("Attempted to invoke %s #%lu.", what, (unsigned long)cptr);
	return invalid_capability(0);
}

enum exception decode_invocation(struct tcb *t, seL4_Word label, seL4_Word length, seL4_CPtr cptr,
				 struct cte *slot, struct cap cap, bool is_blocking, bool is_call,
				 seL4_Word *buffer)
{
	switch (cap.type) {
	case cap_null_cap:
		return invalid_cap("a null cap", cptr);
	case cap_zombie_cap:
		return invalid_cap("a zombie cap", cptr);
	case cap_endpoint_cap:
		if (!(cap.endpoint.rights & RIGHT_WRITE))
			return invalid_cap("a read-only endpoint cap", cptr);
		set_thread_state(t, ThreadState_Restart);
		send_ipc(is_blocking, is_call, cap.endpoint.badge,
			 (cap.endpoint.rights & RIGHT_GRANT) != 0,
			 (cap.endpoint.rights & RIGHT_GRANT_REPLY) != 0, t, cap.endpoint.ep);
		return EXCEPTION_NONE;
	case cap_notification_cap:
		if (!(cap.notification.rights & RIGHT_WRITE))
			return invalid_cap("a read-only notification cap", cptr);
		set_thread_state(t, ThreadState_Restart);
		send_signal(cap.notification.ntfn, cap.notification.badge);
		return EXCEPTION_NONE;
	case cap_reply_cap:
		if (cap.reply.master)
			return invalid_cap("an invalid reply cap", cptr);
		set_thread_state(t, ThreadState_Restart);
		do_reply_transfer(t, cap.reply.tcb, slot, cap.reply.can_grant);
		return EXCEPTION_NONE;
	case cap_thread_cap:
		return decode_tcb_invocation(t, label, length, cap, slot, is_call, buffer);
	case cap_cnode_cap:
		return decode_cnode_invocation(t, label, length, cap, buffer);
	case cap_untyped_cap:
		return decode_untyped_invocation(t, label, length, slot, cap, buffer);
	case cap_domain_cap:
		return decode_domain_invocation(t, label, length, buffer);
	case cap_irq_control_cap:
		return decode_irq_control_invocation(t, label, length, slot, buffer);
	case cap_irq_handler_cap:
		return decode_irq_handler_invocation(t, label, cap.irq_handler.irq);
	case cap_io_port_control_cap:
		return decode_io_port_control_invocation(t, label, length, slot, buffer);
	case cap_io_port_cap:
		return decode_io_port_invocation(t, label, length, cap, is_call, buffer);
	case cap_frame_cap:
	case cap_page_table_cap:
	case cap_page_directory_cap:
	case cap_pdpt_cap:
	case cap_pml4_cap:
	case cap_asid_control_cap:
	case cap_asid_pool_cap:
		return decode_x86_mmu_invocation(t, label, length, slot, cap, is_call, buffer);
	default:
		return not_yet(cap, label);
	}
}
