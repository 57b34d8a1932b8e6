#include "cdt.h"
#include "errors.h"
#include "../object/cnode.h"
#include "../object/frame.h"

#include <stddef.h>

static bool is_arch_cap(enum cap_type t)
{
	return (t & 1) != 0;
}

static uint64_t frame_base(const struct cap *c)
{
	return c->frame.frame->obj.paddr;
}

static uint8_t frame_bits(const struct cap *c)
{
	return c->frame.frame->obj.size_bits;
}

/* Physical extent of a capability that names memory, for untyped parents. */
static bool cap_physical(const struct cap *c, uint64_t *base, uint8_t *bits)
{
	switch (c->type) {
	case cap_untyped_cap:
		*base = c->untyped.paddr;
		*bits = c->untyped.size_bits;
		return true;
	case cap_endpoint_cap:
		*base = c->endpoint.ep->obj.paddr;
		*bits = c->endpoint.ep->obj.size_bits;
		return true;
	case cap_notification_cap:
		*base = c->notification.ntfn->obj.paddr;
		*bits = c->notification.ntfn->obj.size_bits;
		return true;
	case cap_cnode_cap:
		*base = c->cnode.cnode->obj.paddr;
		*bits = c->cnode.cnode->obj.size_bits;
		return true;
	case cap_thread_cap:
		*base = c->thread.tcb->obj.paddr;
		*bits = c->thread.tcb->obj.size_bits;
		return true;
	case cap_zombie_cap: { /* the object it is deleting */
		const struct kobj *o = c->zombie.tcb ? &c->zombie.tcb->obj : &c->zombie.cnode->obj;
		*base = o->paddr;
		*bits = o->size_bits;
		return true;
	}
	case cap_frame_cap:
		*base = frame_base(c);
		*bits = frame_bits(c);
		return true;
	case cap_page_table_cap:
	case cap_page_directory_cap:
	case cap_pdpt_cap:
		*base = c->paging.table->obj.paddr;
		*bits = c->paging.table->obj.size_bits;
		return true;
	case cap_pml4_cap:
		*base = c->pml4.vspace->root.obj.paddr;
		*bits = c->pml4.vspace->root.obj.size_bits;
		return true;
	case cap_asid_pool_cap:
		*base = c->asid_pool.pool->obj.paddr;
		*bits = c->asid_pool.pool->obj.size_bits;
		return true;
	default:
		return false;
	}
}

static bool arch_same_region_as(struct cap a, struct cap b)
{
	switch (a.type) {
	case cap_frame_cap:
		if (b.type == cap_frame_cap) {
			uint64_t bot_a = frame_base(&a), bot_b = frame_base(&b);
			uint64_t top_a = bot_a + (1ul << frame_bits(&a)) - 1;
			uint64_t top_b = bot_b + (1ul << frame_bits(&b)) - 1;
			return bot_a <= bot_b && top_a >= top_b && bot_b <= top_b;
		}
		return false;
	case cap_page_table_cap:
	case cap_page_directory_cap:
	case cap_pdpt_cap:
		return b.type == a.type && a.paging.table == b.paging.table;
	case cap_pml4_cap:
		return b.type == cap_pml4_cap && a.pml4.vspace == b.pml4.vspace;
	case cap_asid_control_cap:
		return b.type == cap_asid_control_cap;
	case cap_asid_pool_cap:
		return b.type == cap_asid_pool_cap && a.asid_pool.pool == b.asid_pool.pool;
	case cap_io_port_control_cap:
		return b.type == cap_io_port_control_cap || b.type == cap_io_port_cap;
	case cap_io_port_cap:
		return b.type == cap_io_port_cap && a.io_port.first_port == b.io_port.first_port &&
		       a.io_port.last_port == b.io_port.last_port;
	default:
		return false;
	}
}

bool same_region_as(struct cap a, struct cap b)
{
	switch (a.type) {
	case cap_untyped_cap: {
		uint64_t b_base;
		uint8_t b_bits;
		if (!cap_physical(&b, &b_base, &b_bits))
			return false;
		uint64_t a_base = a.untyped.paddr;
		uint64_t a_top = a_base + ((1ul << a.untyped.size_bits) - 1);
		uint64_t b_top = b_base + ((1ul << b_bits) - 1);
		return a_base <= b_base && b_top <= a_top && b_base <= b_top;
	}
	case cap_endpoint_cap:
		return b.type == cap_endpoint_cap && a.endpoint.ep == b.endpoint.ep;
	case cap_notification_cap:
		return b.type == cap_notification_cap && a.notification.ntfn == b.notification.ntfn;
	case cap_cnode_cap:
		return b.type == cap_cnode_cap && a.cnode.cnode == b.cnode.cnode &&
		       a.cnode.radix == b.cnode.radix;
	case cap_thread_cap:
		return b.type == cap_thread_cap && a.thread.tcb == b.thread.tcb;
	case cap_reply_cap:
		return b.type == cap_reply_cap && a.reply.tcb == b.reply.tcb;
	case cap_domain_cap:
		return b.type == cap_domain_cap;
	case cap_irq_control_cap:
		return b.type == cap_irq_control_cap || b.type == cap_irq_handler_cap;
	case cap_irq_handler_cap:
		return b.type == cap_irq_handler_cap && a.irq_handler.irq == b.irq_handler.irq;
	default:
		if (is_arch_cap(a.type) && is_arch_cap(b.type))
			return arch_same_region_as(a, b);
		return false;
	}
}

bool same_object_as(struct cap a, struct cap b)
{
	if (a.type == cap_untyped_cap || a.type == cap_irq_control_cap)
		return false;
	if (is_arch_cap(a.type) && is_arch_cap(b.type)) {
		if (a.type == cap_io_port_control_cap && b.type == cap_io_port_cap)
			return false;
		if (a.type == cap_frame_cap && b.type == cap_frame_cap)
			return frame_base(&a) == frame_base(&b) &&
			       frame_bits(&a) == frame_bits(&b) &&
			       a.frame.frame->is_device == b.frame.frame->is_device;
		return arch_same_region_as(a, b);
	}
	return same_region_as(a, b);
}

bool is_cap_revocable(struct cap derived, struct cap src)
{
	if (is_arch_cap(derived.type))
		return derived.type == cap_io_port_cap && src.type == cap_io_port_control_cap;
	switch (derived.type) {
	case cap_endpoint_cap:
		return derived.endpoint.badge != src.endpoint.badge;
	case cap_notification_cap:
		return derived.notification.badge != src.notification.badge;
	case cap_irq_handler_cap:
		return src.type == cap_irq_control_cap;
	case cap_untyped_cap:
		return true;
	default:
		return false;
	}
}

bool is_mdb_parent_of(const struct cte *a, const struct cte *b)
{
	if (!a->mdb.revocable || !same_region_as(a->cap, b->cap))
		return false;
	switch (a->cap.type) {
	case cap_endpoint_cap:
		if (a->cap.endpoint.badge == 0)
			return true;
		return a->cap.endpoint.badge == b->cap.endpoint.badge && !b->mdb.first_badged;
	case cap_notification_cap:
		if (a->cap.notification.badge == 0)
			return true;
		return a->cap.notification.badge == b->cap.notification.badge &&
		       !b->mdb.first_badged;
	default:
		return true;
	}
}

bool is_final_capability(const struct cte *slot)
{
	if (slot->mdb.prev && same_object_as(slot->mdb.prev->cap, slot->cap))
		return false;
	return !slot->mdb.next || !same_object_as(slot->cap, slot->mdb.next->cap);
}

/* A child untyped covering all of its parent leaves the parent no room. */
static void set_untyped_cap_as_full(struct cap src, struct cap new_cap, struct cte *src_slot)
{
	if (src.type == cap_untyped_cap && new_cap.type == cap_untyped_cap &&
	    src.untyped.paddr == new_cap.untyped.paddr &&
	    src.untyped.size_bits == new_cap.untyped.size_bits)
		src_slot->cap.untyped.free_index = 1ul << src.untyped.size_bits;
}

void cte_insert(struct cap new_cap, struct cte *src, struct cte *dest)
{
	bool revocable = is_cap_revocable(new_cap, src->cap);
	set_untyped_cap_as_full(src->cap, new_cap, src);
	dest->cap = new_cap;
	dest->mdb.prev = src;
	dest->mdb.next = src->mdb.next;
	dest->mdb.revocable = revocable;
	dest->mdb.first_badged = revocable;
	if (dest->mdb.next)
		dest->mdb.next->mdb.prev = dest;
	src->mdb.next = dest;
}

void insert_new_cap(struct cte *parent, struct cte *slot, struct cap cap)
{
	struct cte *next = parent->mdb.next;
	slot->cap = cap;
	slot->mdb = (struct mdb_node){parent, next, true, true};
	if (next)
		next->mdb.prev = slot;
	parent->mdb.next = slot;
}

void cte_move(struct cap new_cap, struct cte *src, struct cte *dest)
{
	struct mdb_node mdb = src->mdb;
	dest->cap = new_cap;
	dest->mdb = mdb;
	src->cap = (struct cap){.type = cap_null_cap};
	src->mdb = (struct mdb_node){0};
	cnode_slot_emptied(src);
	if (mdb.prev)
		mdb.prev->mdb.next = dest;
	if (mdb.next)
		mdb.next->mdb.prev = dest;
}

void cte_swap(struct cap cap1, struct cte *slot1, struct cap cap2, struct cte *slot2)
{
	slot1->cap = cap2;
	slot2->cap = cap1;
	struct mdb_node mdb1 = slot1->mdb;
	if (mdb1.prev)
		mdb1.prev->mdb.next = slot2;
	if (mdb1.next)
		mdb1.next->mdb.prev = slot2;
	/* Read after the update above, so that neighbouring slots come out right. */
	struct mdb_node mdb2 = slot2->mdb;
	slot1->mdb = mdb2;
	slot2->mdb = mdb1;
	if (mdb2.prev)
		mdb2.prev->mdb.next = slot1;
	if (mdb2.next)
		mdb2.next->mdb.prev = slot1;
}

void cte_unlink(struct cte *slot)
{
	struct mdb_node mdb = slot->mdb;
	if (mdb.prev)
		mdb.prev->mdb.next = mdb.next;
	if (mdb.next) {
		mdb.next->mdb.prev = mdb.prev;
		mdb.next->mdb.first_badged = mdb.next->mdb.first_badged || mdb.first_badged;
	}
	slot->cap = (struct cap){.type = cap_null_cap};
	slot->mdb = (struct mdb_node){0};
	cnode_slot_emptied(slot);
}

void cte_write_original(struct cte *dest, struct cap cap)
{
	dest->cap = cap;
	dest->mdb = (struct mdb_node){NULL, NULL, true, true};
}

enum exception ensure_empty_slot(const struct cte *slot)
{
	if (slot->cap.type != cap_null_cap)
		return syscall_error(seL4_DeleteFirst);
	return EXCEPTION_NONE;
}

enum exception ensure_no_children(const struct cte *slot)
{
	if (slot->mdb.next && is_mdb_parent_of(slot, slot->mdb.next))
		return syscall_error(seL4_RevokeFirst);
	return EXCEPTION_NONE;
}
