/* Frames: device frames as IPC buffers, unmapping by deletion, frames shared by PDs. */
#include "test.h"

#define SPARE_VADDR 0x10000000ul
#define FAULT_BADGE 0xf7

/* A 4 KiB frame of device memory, from the boot info's device untyped. */
static seL4_CPtr device_frame(void)
{
	seL4_CPtr dev = device_untyped();
	seL4_CPtr slot = alloc_slot();
	if (!dev ||
	    seL4_Untyped_Retype(dev, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot, 1) != seL4_NoError) {
		free_slot(slot);
		return 0;
	}
	return slot;
}

static void test_device_frame_ipcbuf(void)
{
	seL4_CPtr frame = device_frame();
	test_assert(frame);
	struct helper h;
	helper_create(&h);
	test_eq(
	    seL4_TCB_Configure(h.tcb, 0, ROOT_CNODE, 0, ROOT_VSPACE, 0, (seL4_Word)h.ipc, frame),
	    seL4_IllegalOperation);
	helper_cleanup(&h);
	release_slot(frame);
}
DEFINE_TEST(FRAMEDIPC0001, "a device frame cannot be a thread's IPC buffer",
	    test_device_frame_ipcbuf);

static long send_twice(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
	seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
	return 0;
}

static void test_switch_device_frame_ipcbuf(void)
{
	seL4_CPtr frame = device_frame();
	test_assert(frame);
	seL4_CPtr ep = alloc_endpoint();
	struct helper h;
	helper_create(&h);
	helper_start(&h, send_twice, ep, 0, 0, 0);
	seL4_Wait(ep, NULL);
	test_eq(seL4_TCB_SetIPCBuffer(h.tcb, (seL4_Word)h.ipc, frame), seL4_IllegalOperation);
	/* The thread keeps its buffer and goes on working. */
	seL4_Wait(ep, NULL);
	helper_wait(&h);
	helper_cleanup(&h);
	release_slot(ep);
	release_slot(frame);
}
DEFINE_TEST(FRAMEDIPC0002, "a thread's IPC buffer cannot switch to a device frame",
	    test_switch_device_frame_ipcbuf);

static long touch_word(seL4_Word address, seL4_Word value, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	*(volatile seL4_Word *)address = value;
	return (long)*(volatile seL4_Word *)address;
}

static long read_word(seL4_Word address, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	return (long)*(volatile seL4_Word *)address;
}

/* A fault endpoint for h, reached through a cap badged FAULT_BADGE (*minted). */
static seL4_CPtr fault_ep_for(struct helper *h, seL4_CPtr *minted)
{
	seL4_CPtr ep = alloc_endpoint();
	*minted = alloc_slot();
	cnode_mint(ep, *minted, seL4_AllRights, FAULT_BADGE);
	seL4_Error e = helper_set_fault_ep(h, *minted);
	if (e != seL4_NoError)
		test_fail(__FILE__, __LINE__, "SetSpace: %d", e);
	return ep;
}

static void expect_vm_fault(seL4_CPtr ep, seL4_Word address, seL4_Word fsr)
{
	seL4_Word badge = 0;
	seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
	test_eq(badge, FAULT_BADGE);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
	test_eq(seL4_GetMR(seL4_VMFault_Addr), address);
	test_eq(seL4_GetMR(seL4_VMFault_FSR), fsr);
}

/* A fresh helper of the root task touches address (fn writes or reads): a VMFault. */
static void expect_root_access_fault(helper_fn_t fn, seL4_Word address, seL4_Word fsr)
{
	struct helper h;
	helper_create(&h);
	seL4_CPtr minted, ep = fault_ep_for(&h, &minted);
	helper_start(&h, fn, address, 99, 0, 0);
	expect_vm_fault(ep, address, fsr);
	helper_cleanup(&h);
	release_slot(minted);
	release_slot(ep);
}

static void test_unmap_on_delete(void)
{
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0), copy = alloc_slot();
	seL4_CPtr pt = alloc_object(seL4_X86_PageTableObject, 0);
	test_eq(cnode_copy(frame, copy, seL4_AllRights), seL4_NoError);
	test_eq(seL4_X86_PageTable_Map(pt, ROOT_VSPACE, SPARE_VADDR, 0), seL4_NoError);
	test_eq(seL4_X86_Page_Map(copy, ROOT_VSPACE, SPARE_VADDR, seL4_ReadWrite, 0), seL4_NoError);
	*(volatile int *)SPARE_VADDR = 0;
	/* Deleting the mapped copy removes the mapping; the other cap keeps the frame. */
	test_eq(cnode_delete(copy), seL4_NoError);
	free_slot(copy);
	expect_root_access_fault(touch_word, SPARE_VADDR, 0x6);
	release_slot(pt);
	release_slot(frame);
}
DEFINE_TEST(FRAMEDIPC0003, "deleting a frame cap unmaps the frame", test_unmap_on_delete);

static void test_shared_frame(void)
{
	struct child_pd *pa = child_pd_create(seL4_CapInitThreadASIDPool);
	struct child_pd *pb = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pa && pb);
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0), in_b = alloc_slot();
	seL4_CPtr pt_a = alloc_object(seL4_X86_PageTableObject, 0);
	seL4_CPtr pt_b = alloc_object(seL4_X86_PageTableObject, 0);
	test_eq(cnode_copy(frame, in_b, seL4_AllRights), seL4_NoError);
	test_eq(seL4_X86_PageTable_Map(pt_a, child_pd_vspace(pa), SPARE_VADDR, 0), seL4_NoError);
	test_eq(seL4_X86_PageTable_Map(pt_b, child_pd_vspace(pb), SPARE_VADDR, 0), seL4_NoError);
	/* Different addresses in the two PDs, one frame behind both. */
	const seL4_Word at_a = SPARE_VADDR, at_b = SPARE_VADDR + 5 * seL4_PageSize;
	test_eq(seL4_X86_Page_Map(frame, child_pd_vspace(pa), at_a, seL4_ReadWrite, 0),
		seL4_NoError);
	test_eq(seL4_X86_Page_Map(in_b, child_pd_vspace(pb), at_b, seL4_CanRead, 0), seL4_NoError);

	struct helper a, b;
	helper_create_in(&a, pa);
	helper_create_in(&b, pb);
	seL4_CPtr minted_a, ep_a = fault_ep_for(&a, &minted_a);
	seL4_CPtr minted_b, ep_b = fault_ep_for(&b, &minted_b);
	helper_start(&a, touch_word, at_a, 0x5ca1ab1e, 0, 0);
	test_eq(helper_wait(&a), 0x5ca1ab1e);
	helper_start(&b, read_word, at_b, 0, 0, 0);
	test_eq(helper_wait(&b), 0x5ca1ab1e);
	/* B's mapping is read-only: its write is a fault on a present page. */
	helper_start(&b, touch_word, at_b, 1, 0, 0);
	expect_vm_fault(ep_b, at_b, 0x7);
	helper_cleanup(&b);
	/* Unmapped in A, the frame faults there and stays readable in B. */
	test_eq(seL4_X86_Page_Unmap(frame), seL4_NoError);
	helper_start(&a, read_word, at_a, 0, 0, 0);
	expect_vm_fault(ep_a, at_a, 0x4);
	helper_create_in(&b, pb);
	helper_start(&b, read_word, at_b, 0, 0, 0);
	test_eq(helper_wait(&b), 0x5ca1ab1e);
	helper_cleanup(&a);
	helper_cleanup(&b);
	release_slot(minted_a);
	release_slot(minted_b);
	release_slot(ep_a);
	release_slot(ep_b);
	release_slot(in_b);
	release_slot(frame);
	release_slot(pt_a);
	release_slot(pt_b);
	child_pd_destroy(pa);
	child_pd_destroy(pb);
}
DEFINE_TEST(VSPACE0106, "a frame shared by two PDs; unmapped in one, kept by the other",
	    test_shared_frame);

static void test_large_page(void)
{
	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pd);
	seL4_CPtr large = alloc_object(seL4_X86_LargePageObject, 0);
	const seL4_Word at = SPARE_VADDR; /* its PD is the image's; no page table there */
	test_eq(seL4_X86_Page_Map(large, child_pd_vspace(pd), at, seL4_ReadWrite, 0), seL4_NoError);
	struct helper h;
	helper_create_in(&h, pd);
	/* Both ends of the 2 MiB frame, through one mapping. */
	helper_start(&h, touch_word, at + (1ul << 21) - 8, 0x1a29e, 0, 0);
	test_eq(helper_wait(&h), 0x1a29e);
	helper_start(&h, touch_word, at, 0x2b, 0, 0);
	test_eq(helper_wait(&h), 0x2b);
	seL4_X86_Page_GetAddress_t pa = seL4_X86_Page_GetAddress(large);
	test_eq(pa.error, seL4_NoError);
	test_eq(pa.paddr & ((1ul << 21) - 1), 0);
	helper_cleanup(&h);
	release_slot(large);
	child_pd_destroy(pd);
}
DEFINE_TEST(VSPACE0107, "a 2 MiB frame mapped and used by another PD", test_large_page);

static void test_revoke_untyped_unmaps(void)
{
	seL4_CPtr ut = alloc_untyped(seL4_PageBits), frame = alloc_slot();
	seL4_CPtr pt = alloc_object(seL4_X86_PageTableObject, 0);
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, frame, 1), seL4_NoError);
	test_eq(seL4_X86_PageTable_Map(pt, ROOT_VSPACE, SPARE_VADDR, 0), seL4_NoError);
	test_eq(seL4_X86_Page_Map(frame, ROOT_VSPACE, SPARE_VADDR, seL4_ReadWrite, 0),
		seL4_NoError);
	*(volatile seL4_Word *)SPARE_VADDR = 7;
	/* Revoking the untyped deletes the frame cap, and with it the mapping. */
	test_eq(cnode_revoke(ut), seL4_NoError);
	test_check(slot_empty(frame));
	free_slot(frame);
	expect_root_access_fault(read_word, SPARE_VADDR, 0x4);
	release_slot(pt);
	release_slot(ut);
}
DEFINE_TEST(VSPACE0108, "revoking an untyped unmaps the frames made from it",
	    test_revoke_untyped_unmaps);

static void test_remap_rights_hold_at_once(void)
{
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0);
	seL4_CPtr pt = alloc_object(seL4_X86_PageTableObject, 0);
	test_eq(seL4_X86_PageTable_Map(pt, ROOT_VSPACE, SPARE_VADDR, 0), seL4_NoError);
	for (int round = 0; round < 20; round++) {
		test_eq(seL4_X86_Page_Map(frame, ROOT_VSPACE, SPARE_VADDR, seL4_ReadWrite, 0),
			seL4_NoError);
		*(volatile seL4_Word *)SPARE_VADDR = (seL4_Word)round;
		/* Read-only from the moment the remap returns. */
		test_eq(seL4_X86_Page_Map(frame, ROOT_VSPACE, SPARE_VADDR, seL4_CanRead, 0),
			seL4_NoError);
		expect_root_access_fault(touch_word, SPARE_VADDR, 0x7);
		test_eq(*(volatile seL4_Word *)SPARE_VADDR, (seL4_Word)round);
	}
	release_slot(frame);
	release_slot(pt);
}
DEFINE_TEST(VSPACE0109, "fewer rights hold as soon as the remap returns",
	    test_remap_rights_hold_at_once);
