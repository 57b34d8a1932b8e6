/* The test environment: slot and object allocation, helper threads. */
#include "test.h"
#include <base/tls.h>

const seL4_BootInfo *boot_info;

extern const char __ehdr_start[];

/* Slots of the root CNode handed out; a freed slot is handed out again. */
static bool slot_taken[1ul << seL4_RootCNodeSizeBits];
static seL4_CPtr slot_cursor;
static seL4_Word ram_untyped_index; /* index into the boot info's untyped list */

#define HELPERS	     40
#define HELPER_STACK (32 * 1024)
#define HELPER_TLS   512

static char helper_stacks[HELPERS][HELPER_STACK] __attribute__((aligned(16)));
static char helper_ipc[HELPERS][4096] __attribute__((aligned(4096)));
static char helper_tls[HELPERS][HELPER_TLS] __attribute__((aligned(64)));
static bool helper_used[HELPERS];

void env_init(const seL4_BootInfo *bi)
{
	boot_info = bi;
	slot_cursor = bi->empty.start;
	/* The largest RAM untyped serves every allocation. */
	seL4_Word best = 0, best_bits = 0;
	for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
		const seL4_UntypedDesc *u = &bi->untypedList[i];
		if (!u->isDevice && u->sizeBits > best_bits) {
			best = i;
			best_bits = u->sizeBits;
		}
	}
	ram_untyped_index = best;
}

seL4_CPtr alloc_slot(void)
{
	seL4_Word n = boot_info->empty.end - boot_info->empty.start;
	for (seL4_Word i = 0; i < n; i++) {
		seL4_CPtr s = slot_cursor;
		slot_cursor = s + 1 < boot_info->empty.end ? s + 1 : boot_info->empty.start;
		if (!slot_taken[s]) {
			slot_taken[s] = true;
			return s;
		}
	}
	return 0;
}

void free_slot(seL4_CPtr slot)
{
	if (slot >= boot_info->empty.start && slot < boot_info->empty.end)
		slot_taken[slot] = false;
}

void release_slot(seL4_CPtr slot)
{
	if (slot && cnode_delete(slot) == seL4_NoError)
		free_slot(slot);
}

seL4_CPtr alloc_object(seL4_Word type, seL4_Word size_bits)
{
	seL4_CPtr slot = alloc_slot();
	if (!slot)
		return 0;
	seL4_CPtr ut = boot_info->untyped.start + ram_untyped_index;
	if (seL4_Untyped_Retype(ut, type, size_bits, ROOT_CNODE, 0, 0, slot, 1) != seL4_NoError) {
		free_slot(slot);
		return 0;
	}
	return slot;
}

seL4_CPtr alloc_endpoint(void)
{
	return alloc_object(seL4_EndpointObject, 0);
}

seL4_CPtr alloc_notification(void)
{
	return alloc_object(seL4_NotificationObject, 0);
}

seL4_CPtr alloc_tcb(void)
{
	return alloc_object(seL4_TCBObject, 0);
}

seL4_CPtr alloc_cnode(seL4_Word radix)
{
	return alloc_object(seL4_CapTableObject, radix);
}

seL4_CPtr alloc_untyped(seL4_Word size_bits)
{
	return alloc_object(seL4_UntypedObject, size_bits);
}

seL4_CPtr device_untyped(void)
{
	for (seL4_Word i = 0; i < boot_info->untyped.end - boot_info->untyped.start; i++)
		if (boot_info->untypedList[i].isDevice)
			return boot_info->untyped.start + i;
	return 0;
}

seL4_Word cap_type(seL4_CPtr slot)
{
	return seL4_DebugCapIdentify(slot);
}

bool slot_empty(seL4_CPtr slot)
{
	return cap_type(slot) == seL4_CapType_Null;
}

seL4_Error cnode_copy(seL4_CPtr src, seL4_CPtr dest, seL4_CapRights_t rights)
{
	return seL4_CNode_Copy(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, WORD_BITS, rights);
}

seL4_Error cnode_mint(seL4_CPtr src, seL4_CPtr dest, seL4_CapRights_t rights, seL4_Word badge)
{
	return seL4_CNode_Mint(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, WORD_BITS, rights,
			       badge);
}

seL4_Error cnode_move(seL4_CPtr src, seL4_CPtr dest)
{
	return seL4_CNode_Move(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, WORD_BITS);
}

seL4_Error cnode_mutate(seL4_CPtr src, seL4_CPtr dest, seL4_Word data)
{
	return seL4_CNode_Mutate(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, WORD_BITS, data);
}

seL4_Error cnode_delete(seL4_CPtr slot)
{
	return seL4_CNode_Delete(ROOT_CNODE, slot, WORD_BITS);
}

seL4_Error cnode_revoke(seL4_CPtr slot)
{
	return seL4_CNode_Revoke(ROOT_CNODE, slot, WORD_BITS);
}

void set_cap_receive_path(seL4_CPtr slot)
{
	seL4_SetCapReceivePath(ROOT_CNODE, slot, WORD_BITS);
}

void yield_to_helpers(void)
{
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, HELPER_PRIO);
	seL4_Yield();
	seL4_TCB_SetPriority(ROOT_TCB, ROOT_TCB, ROOT_PRIO);
}

bool wait_for_state(seL4_CPtr tcb, seL4_Word state)
{
	for (long i = 0; i < 100000; i++) {
		if (sim_DebugThreadState(tcb) == state)
			return true;
		yield_to_helpers();
	}
	return false;
}

seL4_CPtr image_frame_cap(const void *page)
{
	uintptr_t offset = (uintptr_t)page - (uintptr_t)__ehdr_start;
	return boot_info->userImageFrames.start + offset / seL4_PageSize;
}

long count_forever(seL4_Word counter, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	volatile seL4_Word *c = (volatile seL4_Word *)counter;
	for (;;)
		(*c)++;
	return 0;
}

/* First code of a helper thread: its IPC buffer, its function, then a signal. */
static __attribute__((noreturn)) void helper_main(struct helper *h)
{
	__sel4_ipc_buffer = h->ipc;
	long r = h->fn(h->arg[0], h->arg[1], h->arg[2], h->arg[3]);
	h->result = r;
	h->finished = 1;
	seL4_Signal(h->self_done);
	for (;;)
		seL4_TCB_Suspend(h->self_tcb);
}

/* Take a pool entry and the thread's objects; the caller configures its spaces. */
static bool helper_alloc(struct helper *h)
{
	memset(h, 0, sizeof(*h));
	h->pool = -1;
	for (int i = 0; i < HELPERS; i++) {
		if (!helper_used[i]) {
			helper_used[i] = true;
			h->pool = i;
			break;
		}
	}
	if (h->pool < 0) {
		test_fail(__FILE__, __LINE__, "out of helper threads");
		return false;
	}
	h->tcb = alloc_tcb();
	h->done = alloc_notification();
	h->self_tcb = h->tcb;
	h->self_done = h->done;
	h->ipc = (seL4_IPCBuffer *)helper_ipc[h->pool];
	memset(h->ipc, 0, sizeof(*h->ipc));
	h->tls = sim_tls_init(helper_tls[h->pool], HELPER_TLS);
	h->stack_top = (uintptr_t)&helper_stacks[h->pool][HELPER_STACK];
	if (!h->tcb || !h->done || !h->tls) {
		test_fail(__FILE__, __LINE__, "cannot create a helper thread");
		return false;
	}
	return true;
}

static void helper_name(struct helper *h, const char *what)
{
	seL4_TCB_SetPriority(h->tcb, ROOT_TCB, HELPER_PRIO);
	char name[32];
	snprintf(name, sizeof(name), "%s %d", what, h->pool);
	seL4_DebugNameThread(h->tcb, name);
}

void helper_create(struct helper *h)
{
	if (!helper_alloc(h))
		return;
	seL4_Error e = seL4_TCB_Configure(h->tcb, 0, ROOT_CNODE, 0, ROOT_VSPACE, 0,
					  (seL4_Word)h->ipc, image_frame_cap(h->ipc));
	if (e != seL4_NoError)
		test_fail(__FILE__, __LINE__, "cannot configure a helper thread (error %d)", e);
	helper_name(h, "helper");
}

void helper_create_in(struct helper *h, struct child_pd *pd)
{
	if (!pd || !helper_alloc(h))
		return;
	h->pd = pd;
	h->self_tcb = child_pd_copy(pd, h->tcb);
	h->self_done = child_pd_copy(pd, h->done);
	seL4_Error e = seL4_TCB_Configure(h->tcb, 0, child_pd_cspace(pd), child_cspace_data(),
					  child_pd_vspace(pd), 0, (seL4_Word)h->ipc,
					  child_pd_image_frame(pd, h->ipc));
	if (!h->self_tcb || !h->self_done || e != seL4_NoError)
		test_fail(__FILE__, __LINE__, "cannot configure a child PD's thread (error %d)", e);
	helper_name(h, "child");
}

seL4_Error helper_set_fault_ep(struct helper *h, seL4_CPtr ep)
{
	if (!h->pd)
		return seL4_TCB_SetSpace(h->tcb, ep, ROOT_CNODE, 0, ROOT_VSPACE, 0);
	seL4_CPtr name = child_pd_copy(h->pd, ep);
	if (!name)
		return seL4_FailedLookup;
	return seL4_TCB_SetSpace(h->tcb, name, child_pd_cspace(h->pd), child_cspace_data(),
				 child_pd_vspace(h->pd), 0);
}

void helper_start(struct helper *h, helper_fn_t fn, seL4_Word a0, seL4_Word a1, seL4_Word a2,
		  seL4_Word a3)
{
	h->fn = fn;
	h->arg[0] = a0;
	h->arg[1] = a1;
	h->arg[2] = a2;
	h->arg[3] = a3;
	h->finished = 0;
	seL4_UserContext ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rip = (seL4_Word)helper_main;
	ctx.rsp = h->stack_top - 8; /* as if called: the ABI's alignment at entry */
	ctx.rdi = (seL4_Word)h;
	ctx.rflags = 0x202;
	ctx.fs_base = h->tls;
	seL4_Error e = seL4_TCB_WriteRegisters(h->tcb, 1, 0, seL4_UserContext_Words, &ctx);
	if (e != seL4_NoError)
		test_fail(__FILE__, __LINE__, "cannot start a helper thread (error %d)", e);
}

long helper_wait(struct helper *h)
{
	seL4_Wait(h->done, NULL);
	return h->result;
}

/* Delete a cap and every copy made of it: its object goes with the last cap. */
void destroy_slot(seL4_CPtr slot)
{
	if (slot)
		cnode_revoke(slot);
	release_slot(slot);
}

void helper_cleanup(struct helper *h)
{
	/* Copies in other CSpaces (a child PD's) would keep the thread alive. */
	destroy_slot(h->tcb);
	destroy_slot(h->done);
	if (h->pool >= 0)
		helper_used[h->pool] = false;
	h->pool = -1;
}

/*
 * A 4 KiB frame of device memory at paddr, as allocators split it out of
 * the boot info's device untyped that holds it: halves down to a page.
 */
bool device_frame_at(seL4_Word paddr, struct device_frame *d)
{
	*d = (struct device_frame){0};
	seL4_Word n = boot_info->untyped.end - boot_info->untyped.start;
	for (seL4_Word i = 0; i < n; i++) {
		const seL4_UntypedDesc *u = &boot_info->untypedList[i];
		if (!u->isDevice || paddr < u->paddr || paddr - u->paddr >= 1ul << u->sizeBits)
			continue;
		d->parent = boot_info->untyped.start + i;
		seL4_CPtr ut = d->parent;
		seL4_Word base = u->paddr;
		for (unsigned bits = u->sizeBits; bits > seL4_PageBits; bits--) {
			/* The lower half first; the upper one after it if paddr is there. */
			unsigned halves = paddr >= base + (1ul << (bits - 1)) ? 2 : 1;
			for (unsigned h = 0; h < halves; h++) {
				seL4_CPtr s = alloc_slot();
				if (!s || d->count == DEVICE_FRAME_SLOTS ||
				    seL4_Untyped_Retype(ut, seL4_UntypedObject, bits - 1,
							ROOT_CNODE, 0, 0, s, 1) != seL4_NoError)
					return false;
				d->slots[d->count++] = s;
			}
			ut = d->slots[d->count - 1];
			if (halves == 2)
				base += 1ul << (bits - 1);
		}
		d->frame = alloc_slot();
		return d->frame && seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0,
						       d->frame, 1) == seL4_NoError;
	}
	return false;
}

void device_frame_release(struct device_frame *d)
{
	if (d->parent)
		cnode_revoke(d->parent);
	for (unsigned i = 0; i < d->count; i++)
		free_slot(d->slots[i]);
	free_slot(d->frame);
	*d = (struct device_frame){0};
}

/* Map frame at vaddr in the root task, with the paging structures it needs. */
bool map_in_root(seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights, seL4_CPtr tables[3])
{
	static const seL4_Word types[3] = {seL4_X86_PDPTObject, seL4_X86_PageDirectoryObject,
					   seL4_X86_PageTableObject};
	for (int l = 0; l < 3; l++) {
		seL4_CPtr t = alloc_object(types[l], 0);
		if (!t)
			return false;
		seL4_Error e = l == 0	? seL4_X86_PDPT_Map(t, ROOT_VSPACE, vaddr, 0)
			       : l == 1 ? seL4_X86_PageDirectory_Map(t, ROOT_VSPACE, vaddr, 0)
					: seL4_X86_PageTable_Map(t, ROOT_VSPACE, vaddr, 0);
		if (e == seL4_NoError) {
			tables[l] = t;
			continue;
		}
		release_slot(t); /* the level is there already */
		if (e != seL4_DeleteFirst)
			return false;
	}
	return seL4_X86_Page_Map(frame, ROOT_VSPACE, vaddr, rights, 0) == seL4_NoError;
}

void unmap_in_root(seL4_CPtr frame, seL4_CPtr tables[3])
{
	seL4_X86_Page_Unmap(frame);
	for (int l = 2; l >= 0; l--)
		if (tables[l])
			release_slot(tables[l]);
}
