/* Untyped_Retype: sizes, alignment, the watermark, limits and errors. */
#include "test.h"

static void test_retype(void)
{
	seL4_CPtr cnode = alloc_cnode(2), ut = alloc_untyped(seL4_TCBBits + 3);
	test_assert(cnode && ut);
	test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS, 1, 0),
		seL4_RangeError);
	test_eq(seL4_GetMR(0), 1);
	test_eq(seL4_GetMR(1), seL4_RetypeFanOutLimit);
	test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS, 3, 2),
		seL4_RangeError);
	test_eq(seL4_GetMR(0), 1);
	test_eq(seL4_GetMR(1), 1);
	for (int i = 0; i < 4; i++)
		test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS,
					    (seL4_Word)i, 1),
			seL4_NoError);
	test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS, 4, 2),
		seL4_RangeError);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_GetMR(1), 3);
	for (int i = 0; i < 4; i++)
		test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS,
					    (seL4_Word)i, 1),
			seL4_DeleteFirst);
	for (int i = 0; i < 4; i++)
		test_eq(seL4_CNode_Delete(cnode, (seL4_Word)i, 2), seL4_NoError);
	test_eq(
	    seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS, 0, 1ul << 31),
	    seL4_RangeError);
	test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS, 0, 5),
		seL4_RangeError);
	test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS, 0, 3),
		seL4_NoError);
	for (int i = 0; i < 4; i++)
		test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, cnode, WORD_BITS,
					    (seL4_Word)i, 1),
			i == 3 ? seL4_NoError : seL4_DeleteFirst);
	test_eq(cnode_delete(cnode), seL4_NoError);
}
DEFINE_TEST(RETYPE0000, "retype into a CNode window", test_retype);

static void test_incretype(void)
{
	const seL4_Word bits = 13;
	seL4_CPtr ut = alloc_untyped(bits);
	for (int i = 40; i > 0; i--) {
		seL4_CPtr slot = alloc_slot();
		test_check(seL4_Untyped_Retype(ut, seL4_CapTableObject,
					       bits - seL4_SlotBits + (seL4_Word)i, ROOT_CNODE, 0,
					       0, slot, 1) != seL4_NoError);
	}
	seL4_CPtr slot = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_CapTableObject, bits - seL4_SlotBits, ROOT_CNODE, 0, 0,
				    slot, 1),
		seL4_NoError);
	test_eq(cap_type(slot), seL4_CapType_CNode);
}
DEFINE_TEST(RETYPE0001, "an object as large as its untyped fits, larger ones do not",
	    test_incretype);

static void test_incretype2(void)
{
	seL4_CPtr slot[17];
	for (int i = 0; i < 17; i++)
		slot[i] = alloc_slot();
	seL4_CPtr ut = alloc_untyped(16);
	int i;
	for (i = 0; i < 16; i++)
		test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot[i], 1),
			seL4_NoError);
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot[i], 1024 * 1024),
		seL4_RangeError);
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot[0], 8),
		seL4_DeleteFirst);
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot[i], 1),
		seL4_NotEnoughMemory);
	test_eq(seL4_GetMR(0), 0); /* bytes left */
}
DEFINE_TEST(RETYPE0002, "sixteen 4 KiB frames fill a 64 KiB untyped", test_incretype2);

static void test_retype_argument_errors(void)
{
	seL4_CPtr ut = alloc_untyped(16), slot = alloc_slot();
	seL4_MessageInfo_t info = seL4_Call(ut, seL4_MessageInfo_new(UntypedRetype, 0, 0, 5));
	test_eq(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
	info = seL4_Call(ut, seL4_MessageInfo_new(UntypedRetype, 0, 0, 6)); /* no extra cap */
	test_eq(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
	info = seL4_Call(ut, seL4_MessageInfo_new(sel4_label(CNodeCopy), 0, 0, 6));
	test_eq(seL4_MessageInfo_get_label(info), seL4_IllegalOperation);
	test_eq(seL4_Untyped_Retype(ut, seL4_ObjectTypeCount, 0, ROOT_CNODE, 0, 0, slot, 1),
		seL4_InvalidArgument);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_Untyped_Retype(ut, seL4_UntypedObject, 48, ROOT_CNODE, 0, 0, slot, 1),
		seL4_RangeError);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_GetMR(1), seL4_MaxUntypedBits);
	test_eq(seL4_Untyped_Retype(ut, seL4_CapTableObject, 0, ROOT_CNODE, 0, 0, slot, 1),
		seL4_InvalidArgument);
	test_eq(seL4_GetMR(0), 1);
	test_eq(seL4_Untyped_Retype(ut, seL4_UntypedObject, 3, ROOT_CNODE, 0, 0, slot, 1),
		seL4_InvalidArgument);
	test_eq(seL4_GetMR(0), 1);
	/* The destination must be a CNode. */
	seL4_CPtr ep = alloc_endpoint();
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, ep, WORD_BITS, 0, 1),
		seL4_FailedLookup);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_GetMR(1), seL4_MissingCapability);
	test_eq(seL4_GetMR(2), WORD_BITS);
	/* Offsets beyond the node. */
	seL4_CPtr cn = alloc_cnode(3);
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cn, WORD_BITS, 8, 1),
		seL4_RangeError);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_GetMR(1), 7);
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cn, WORD_BITS, 0, 257),
		seL4_RangeError);
	test_eq(seL4_GetMR(1), seL4_RetypeFanOutLimit);
	test_assert(slot_empty(slot));
}
DEFINE_TEST(RETYPE0003, "Untyped_Retype argument errors in seL4's order",
	    test_retype_argument_errors);

static void test_retype_not_enough_memory(void)
{
	seL4_CPtr ut = alloc_untyped(12), slot = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot, 1), seL4_NoError);
	seL4_CPtr slot2 = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, slot2, 1),
		seL4_NotEnoughMemory);
	test_eq(seL4_GetMR(0), 0);
	/* Deleting the only child resets the untyped: its memory is whole again. */
	test_eq(cnode_delete(slot), seL4_NoError);
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, slot2, 1),
		seL4_NoError);
	/* An endpoint at the bottom leaves no room for an aligned 4 KiB frame. */
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot, 1),
		seL4_NotEnoughMemory);
	test_eq(seL4_GetMR(0), 4096 - 16);
}
DEFINE_TEST(RETYPE0004, "the free watermark: NotEnoughMemory, reset when childless",
	    test_retype_not_enough_memory);

static void test_retype_alignment(void)
{
	seL4_CPtr ut = alloc_untyped(13), a = alloc_slot(), b = alloc_slot(), c = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, a, 1),
		seL4_NoError);
	/* The frame is aligned to 4 KiB: it takes the upper half. */
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, b, 1), seL4_NoError);
	test_eq(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, c, 1),
		seL4_NotEnoughMemory);
}
DEFINE_TEST(RETYPE0005, "objects are naturally aligned in their untyped", test_retype_alignment);

static void test_retype_device(void)
{
	seL4_CPtr dev = device_untyped();
	test_assert(dev);
	seL4_CPtr slot = alloc_slot(), frame = alloc_slot(), sub = alloc_slot();
	test_eq(seL4_Untyped_Retype(dev, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, slot, 1),
		seL4_InvalidArgument);
	test_eq(seL4_GetMR(0), 1);
	test_eq(seL4_Untyped_Retype(dev, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, slot, 1),
		seL4_InvalidArgument);
	test_eq(seL4_Untyped_Retype(dev, seL4_UntypedObject, 12, ROOT_CNODE, 0, 0, sub, 1),
		seL4_NoError);
	test_eq(seL4_Untyped_Retype(sub, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, frame, 1), seL4_NoError);
	test_eq(cap_type(frame), seL4_CapType_Frame);
	/* A device frame is no IPC buffer. */
	struct helper h;
	helper_create(&h);
	test_eq(seL4_TCB_SetIPCBuffer(h.tcb, 0x10000, frame), seL4_IllegalOperation);
	helper_cleanup(&h);
	test_eq(cnode_revoke(sub), seL4_NoError);
	test_assert(slot_empty(frame));
}
DEFINE_TEST(RETYPE0006, "device untyped makes frames and untypeds only", test_retype_device);

static void test_retype_every_type(void)
{
	static const struct {
		seL4_Word type, size;
		seL4_Word cap;
	} kinds[] = {
	    {seL4_UntypedObject, 10, seL4_CapType_Untyped},
	    {seL4_TCBObject, 0, seL4_CapType_Thread},
	    {seL4_EndpointObject, 0, seL4_CapType_Endpoint},
	    {seL4_NotificationObject, 0, seL4_CapType_Notification},
	    {seL4_CapTableObject, 4, seL4_CapType_CNode},
	    {seL4_X86_PDPTObject, 0, seL4_CapType_PDPT},
	    {seL4_X64_PML4Object, 0, seL4_CapType_PML4},
	    {seL4_X86_4K, 0, seL4_CapType_Frame},
	    {seL4_X86_LargePageObject, 0, seL4_CapType_Frame},
	    {seL4_X86_PageTableObject, 0, seL4_CapType_PageTable},
	    {seL4_X86_PageDirectoryObject, 0, seL4_CapType_PageDirectory},
	};
	seL4_CPtr ut = alloc_untyped(23);
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		seL4_CPtr slot = alloc_slot();
		test_eq(seL4_Untyped_Retype(ut, kinds[i].type, kinds[i].size, ROOT_CNODE, 0, 0,
					    slot, 1),
			seL4_NoError);
		test_eq(cap_type(slot), kinds[i].cap);
	}
	test_eq(cnode_revoke(ut), seL4_NoError);
}
DEFINE_TEST(RETYPE0007, "every object type can be retyped", test_retype_every_type);

static void test_new_objects_are_zeroed(void)
{
	/* A fresh notification has no pending word; a fresh TCB all-zero registers. */
	seL4_CPtr n = alloc_notification();
	seL4_Word badge = 1;
	seL4_Poll(n, &badge);
	test_eq(badge, 0);
	seL4_CPtr tcb = alloc_tcb();
	seL4_UserContext regs;
	memset(&regs, 0xff, sizeof(regs));
	test_eq(seL4_TCB_ReadRegisters(tcb, 0, 0, seL4_UserContext_Words, &regs), seL4_NoError);
	test_eq(regs.rip, 0);
	test_eq(regs.rsp, 0);
	test_eq(regs.rax, 0);
	test_eq(regs.r15, 0);
	test_eq(regs.fs_base, 0);
	test_eq(sim_DebugThreadState(tcb), 0 /* Inactive */);
}
DEFINE_TEST(RETYPE0008, "new objects start zeroed", test_new_objects_are_zeroed);
