/* Short messages and missing capability arguments give TruncatedMessage everywhere. */
#include "test.h"

/* CNode arguments point into cn: target slot 1 (empty), source slot 2 (full), depth 4. */
static seL4_Word call_label(seL4_CPtr cap, seL4_Word label, seL4_Word length, seL4_Word caps,
			    seL4_CPtr cn)
{
	static const seL4_Word mrs[8] = {1, 4, 2, 4, 0, 0, 0, 0};
	for (int i = 0; i < 8; i++)
		seL4_SetMR(i, cap == cn ? mrs[i] : 0);
	for (int i = 0; i < 3; i++)
		seL4_SetCap(i, cn);
	seL4_MessageInfo_t info =
	    seL4_Call(cap, seL4_MessageInfo_new(sel4_label(label), 0, caps, length));
	return seL4_MessageInfo_get_label(info);
}

static void test_truncated_messages(void)
{
	seL4_CPtr tcb = alloc_tcb(), cn = alloc_cnode(4), ut = alloc_untyped(12);
	test_eq(seL4_CNode_Copy(cn, 2, 4, ROOT_CNODE, alloc_endpoint(), WORD_BITS, seL4_AllRights),
		seL4_NoError);
	static const struct {
		int target; /* 0 tcb, 1 cnode, 2 untyped */
		seL4_Word label, length, caps;
	} cases[] = {
	    {0, TCBReadRegisters, 1, 0},    {0, TCBWriteRegisters, 1, 0},
	    {0, TCBCopyRegisters, 1, 0},    {0, TCBConfigure, 4, 2},
	    {0, TCBConfigure, 3, 3},	    {0, TCBSetSpace, 3, 1},
	    {0, TCBSetSpace, 2, 2},	    {0, TCBSetIPCBuffer, 1, 0},
	    {0, TCBSetIPCBuffer, 0, 1},	    {0, TCBSetPriority, 0, 1},
	    {0, TCBSetMCPriority, 1, 0},    {0, TCBSetSchedParams, 1, 1},
	    {0, TCBBindNotification, 0, 0}, {0, TCBSetTLSBase, 0, 0},
	    {0, TCBSetFlags, 1, 0},	    {1, CNodeRevoke, 1, 0},
	    {1, CNodeMint, 5, 1},	    {1, CNodeMove, 4, 0},
	    {1, CNodeMutate, 4, 1},	    {1, CNodeRotate, 7, 2},
	    {1, CNodeRotate, 8, 1},	    {2, UntypedRetype, 5, 1},
	};
	seL4_CPtr targets[] = {tcb, cn, ut};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		seL4_Word r = call_label(targets[cases[i].target], cases[i].label, cases[i].length,
					 cases[i].caps, cn);
		if (r != seL4_TruncatedMessage) {
			test_fail(__FILE__, __LINE__, "label %lu length %lu caps %lu: error %lu",
				  (unsigned long)cases[i].label, (unsigned long)cases[i].length,
				  (unsigned long)cases[i].caps, (unsigned long)r);
			return;
		}
	}
}
DEFINE_TEST(ERRORS0001, "every invocation checks its message length and cap arguments",
	    test_truncated_messages);

static void test_invalid_caps(void)
{
	/* Invoking a null cap: InvalidCapability, argument 0. */
	seL4_CPtr empty = alloc_slot();
	seL4_MessageInfo_t info =
	    seL4_Call(empty, seL4_MessageInfo_new(sel4_label(CNodeCopy), 0, 0, 0));
	test_eq(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
	test_eq(seL4_MessageInfo_get_length(info), 1);
	test_eq(seL4_GetMR(0), 0);
	/* Invoking through an empty slot of a deeper CNode is the same. */
	seL4_CPtr cn = alloc_cnode(2);
	test_eq(seL4_CNode_Delete(cn, 3, 2), seL4_NoError);
}
DEFINE_TEST(ERRORS0002, "invoking a null cap is InvalidCapability", test_invalid_caps);
