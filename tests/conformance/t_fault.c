/* Faults: the messages fault handlers receive on x86_64, and their replies. */
#include "test.h"

#define FAULT_BADGE 0xfa

/* A helper whose faults go to a fresh endpoint, badged FAULT_BADGE. */
static seL4_CPtr helper_with_fault_ep(struct helper *h)
{
	seL4_CPtr ep = alloc_endpoint(), badged = alloc_slot();
	cnode_mint(ep, badged, seL4_AllRights, FAULT_BADGE);
	helper_create(h);
	if (helper_set_fault_ep(h, badged) != seL4_NoError)
		test_fail(__FILE__, __LINE__, "SetSpace");
	return ep;
}

static long invoke_bad_cptr(seL4_Word cptr, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Call(cptr, seL4_MessageInfo_new(0, 0, 0, 0));
	return 1;
}

static void test_cap_fault(void)
{
	struct helper h;
	seL4_CPtr ep = helper_with_fault_ep(&h);
	const seL4_Word cptr = 1ul << 63; /* misses the root CNode's guard */
	helper_start(&h, invoke_bad_cptr, cptr, 0, 0, 0);
	seL4_Word badge;
	seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
	test_eq(badge, FAULT_BADGE);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
	test_eq(seL4_GetMR(seL4_CapFault_Addr), cptr);
	test_eq(seL4_GetMR(seL4_CapFault_InRecvPhase), 0);
	test_eq(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_GuardMismatch);
	test_eq(seL4_GetMR(seL4_CapFault_BitsLeft), 64);
	test_eq(seL4_GetMR(seL4_CapFault_GuardMismatch_GuardFound), 0);
	test_eq(seL4_GetMR(seL4_CapFault_GuardMismatch_BitsFound), 52);
	seL4_Word ip = seL4_GetMR(seL4_CapFault_IP);
	test_check(ip >= (seL4_Word)invoke_bad_cptr && ip < (seL4_Word)invoke_bad_cptr + 128);
	test_eq(sim_DebugThreadState(h.tcb), 5 /* BlockedOnReply */);
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0001, "a cap fault: address, phase and lookup failure", test_cap_fault);

static long unknown_syscall(seL4_Word unused0, seL4_Word unused1, seL4_Word unused2,
			    seL4_Word unused3)
{
	(void)unused0, (void)unused1, (void)unused2, (void)unused3;
	long rax = 0x77;
	register seL4_Word r15 __asm__("r15") = 0xf15;
	__asm__ volatile("syscall"
			 : "+a"(rax), "+r"(r15)
			 : "d"(0x1234ul), "D"(0xd1ul)
			 : "rcx", "r11", "memory");
	return rax;
}

static void test_unknown_syscall_fault(void)
{
	struct helper h;
	seL4_CPtr ep = helper_with_fault_ep(&h);
	helper_start(&h, unknown_syscall, 0, 0, 0, 0);
	seL4_Word badge;
	seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
	test_eq(badge, FAULT_BADGE);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
	test_eq(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length);
	test_eq(seL4_GetMR(seL4_UnknownSyscall_RAX), 0x77);
	test_eq(seL4_GetMR(seL4_UnknownSyscall_RDX), 0x1234);
	test_eq(seL4_GetMR(seL4_UnknownSyscall_RDI), 0xd1);
	test_eq(seL4_GetMR(seL4_UnknownSyscall_R15), 0xf15);
	test_eq(seL4_GetMR(seL4_UnknownSyscall_Syscall), 0x1234);
	seL4_Word ip = seL4_GetMR(seL4_UnknownSyscall_FaultIP);
	/* FaultIP is the syscall instruction itself. */
	test_eq(*(const unsigned short *)ip, 0x050f);
	test_eq(seL4_GetMR(seL4_UnknownSyscall_RCX), ip + 2);
	/* Reply: skip the instruction and return 99 in rax. */
	seL4_SetMR(seL4_UnknownSyscall_RAX, 99);
	seL4_SetMR(seL4_UnknownSyscall_FaultIP, ip + 2);
	seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UnknownSyscall_Length));
	test_eq(helper_wait(&h), 99);
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0002, "UnknownSyscall: x86_64 registers, reply rewrites and resumes",
	    test_unknown_syscall_fault);

static long undefined_instruction(seL4_Word unused0, seL4_Word unused1, seL4_Word unused2,
				  seL4_Word unused3)
{
	(void)unused0, (void)unused1, (void)unused2, (void)unused3;
	__asm__ volatile("ud2");
	return 5;
}

static void test_user_exception_fault(void)
{
	struct helper h;
	seL4_CPtr ep = helper_with_fault_ep(&h);
	helper_start(&h, undefined_instruction, 0, 0, 0, 0);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
	test_eq(seL4_MessageInfo_get_length(info), seL4_UserException_Length);
	test_eq(seL4_GetMR(seL4_UserException_Number), 6); /* #UD */
	test_eq(seL4_GetMR(seL4_UserException_Code), 0);
	seL4_Word ip = seL4_GetMR(seL4_UserException_FaultIP);
	test_eq(*(const unsigned short *)ip, 0x0b0f); /* ud2 */
	test_check(seL4_GetMR(seL4_UserException_SP) < h.stack_top);
	/* A reply with a non-zero label leaves the thread stopped. */
	seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
	test_assert(wait_for_state(h.tcb, 0 /* Inactive */));
	/* Restart it at the instruction after ud2, this time by reply. */
	seL4_UserContext ctx;
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	test_eq(ctx.rip, ip);
	ctx.rip = ip + 2;
	test_eq(seL4_TCB_WriteRegisters(h.tcb, 1, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	test_eq(helper_wait(&h), 5);
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0003, "UserException: vector, code, and the label of the reply",
	    test_user_exception_fault);

static long touch(seL4_Word address, seL4_Word write, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	volatile seL4_Word *p = (volatile seL4_Word *)address;
	if (write)
		*p = 1;
	return (long)*p;
}

static void test_vm_fault(void)
{
	struct helper h;
	seL4_CPtr ep = helper_with_fault_ep(&h);
	const seL4_Word address = 0x200000; /* below the image, never mapped */
	helper_start(&h, touch, address, 1, 0, 0);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
	test_eq(seL4_MessageInfo_get_length(info), seL4_VMFault_Length);
	test_eq(seL4_GetMR(seL4_VMFault_Addr), address);
	test_eq(seL4_GetMR(seL4_VMFault_PrefetchFault), 0);
	test_eq(seL4_GetMR(seL4_VMFault_FSR), 0x6); /* user, write, not present */
	seL4_Word ip = seL4_GetMR(seL4_VMFault_IP);
	test_check(ip >= (seL4_Word)touch && ip < (seL4_Word)touch + 64);
	/* The reply restarts the instruction: the same fault again. */
	seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
	info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
	test_eq(seL4_GetMR(seL4_VMFault_IP), ip);
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0004, "VMFault on a data write, restarted by the reply", test_vm_fault);

static void test_vm_fault_execute(void)
{
	struct helper h;
	seL4_CPtr ep = helper_with_fault_ep(&h);
	helper_start(&h, (helper_fn_t)0x300000, 0, 0, 0, 0);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
	test_eq(seL4_GetMR(seL4_VMFault_IP), 0x300000);
	test_eq(seL4_GetMR(seL4_VMFault_Addr), 0x300000);
	test_eq(seL4_GetMR(seL4_VMFault_PrefetchFault), 1);
	test_eq(seL4_GetMR(seL4_VMFault_FSR), 0x14); /* user, instruction fetch */
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0005, "VMFault on an instruction fetch", test_vm_fault_execute);

static void test_read_only_text(void)
{
	struct helper h;
	seL4_CPtr ep = helper_with_fault_ep(&h);
	helper_start(&h, touch, (seL4_Word)test_read_only_text, 1, 0, 0);
	seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
	test_eq(seL4_GetMR(seL4_VMFault_Addr), (seL4_Word)test_read_only_text);
	test_eq(seL4_GetMR(seL4_VMFault_FSR), 0x7); /* user, write, present */
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0006, "the root task's text is mapped read-only", test_read_only_text);

static void test_double_fault(void)
{
	/* No fault handler: seL4 reports a double fault and stops the thread. */
	struct helper h;
	helper_create(&h);
	helper_start(&h, touch, 0x200000, 0, 0, 0);
	test_assert(wait_for_state(h.tcb, 0 /* Inactive */));
	seL4_UserContext ctx;
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	test_check(ctx.rip >= (seL4_Word)touch && ctx.rip < (seL4_Word)touch + 64);
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0007, "a fault without handler stops the thread", test_double_fault);

static void test_fault_handler_without_grant(void)
{
	/* A fault endpoint cap needs Grant or GrantReply; without, a double fault. */
	seL4_CPtr ep = alloc_endpoint(), weak = alloc_slot();
	test_eq(cnode_mint(ep, weak, seL4_ReadWrite, 0), seL4_NoError);
	struct helper h;
	helper_create(&h);
	test_eq(seL4_TCB_SetSpace(h.tcb, weak, ROOT_CNODE, 0, ROOT_VSPACE, 0), seL4_NoError);
	helper_start(&h, touch, 0x200000, 0, 0, 0);
	test_assert(wait_for_state(h.tcb, 0 /* Inactive */));
	seL4_Word badge = 1;
	seL4_NBRecv(ep, &badge);
	test_eq(badge, 0);
	helper_cleanup(&h);
}
DEFINE_TEST(FAULT0008, "a fault endpoint without Grant or GrantReply is no handler",
	    test_fault_handler_without_grant);

static long privileged_and_traps(seL4_Word which, seL4_Word unused1, seL4_Word unused2,
				 seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	if (which == 0)
		__asm__ volatile("hlt");
	else if (which == 1)
		__asm__ volatile("int3");
	else {
		volatile long zero = 0, one = 1;
		__asm__ volatile("cqo; idivq %2" : "+a"(one) : "d"(0l), "r"(zero));
	}
	return 0;
}

static void test_exception_vectors(void)
{
	/* hlt is privileged (#GP, 13), int3 a breakpoint (#BP, 3), idiv by 0 #DE (0). */
	static const seL4_Word vectors[] = {13, 3, 0};
	for (seL4_Word i = 0; i < 3; i++) {
		struct helper h;
		seL4_CPtr ep = helper_with_fault_ep(&h);
		helper_start(&h, privileged_and_traps, i, 0, 0, 0);
		seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
		test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
		test_eq(seL4_GetMR(seL4_UserException_Number), vectors[i]);
		seL4_Word ip = seL4_GetMR(seL4_UserException_FaultIP);
		test_check(ip >= (seL4_Word)privileged_and_traps &&
			   ip < (seL4_Word)privileged_and_traps + 128);
		helper_cleanup(&h);
	}
}
DEFINE_TEST(FAULT0009, "privileged instruction, breakpoint and divide error vectors",
	    test_exception_vectors);

/* Receive on ep (a cap in the thread's own CSpace); the badge and MR0 as one value. */
static long receive_once(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_Word badge = 0;
	seL4_Recv(ep, &badge);
	return (long)(badge << 16 | seL4_GetMR(0));
}

/*
 * A thread blocked in Recv loses its VSpace, then receives: on seL4 it runs
 * on the kernel's page tables (setVMRoot's fallback) and faults fetching
 * NextIP, the instruction after its syscall. After the handler gives it a
 * VSpace and replies, its Recv returns the message it was given.
 */
static void test_restart_point(void)
{
	struct child_pd *a = child_pd_create(seL4_CapInitThreadASIDPool);
	struct child_pd *b = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(a && b);
	struct helper h;
	helper_create_in(&h, a);
	seL4_CPtr fault_ep = alloc_endpoint(), ep = alloc_endpoint(), badged = alloc_slot();
	test_eq(helper_set_fault_ep(&h, fault_ep), seL4_NoError);
	test_eq(cnode_mint(ep, badged, seL4_AllRights, 0x7), seL4_NoError);
	helper_start(&h, receive_once, child_pd_copy(a, ep), 0, 0, 0);
	test_assert(wait_for_state(h.tcb, 3 /* BlockedOnReceive */));
	seL4_UserContext regs = {0};
	test_eq(seL4_TCB_ReadRegisters(h.tcb, false, 0, 1, &regs), seL4_NoError);
	seL4_Word fault_ip = regs.rip; /* the syscall instruction */

	/* Its VSpace goes: every capability to the PML4, the thread's too. */
	test_eq(cnode_revoke(child_pd_vspace(a)), seL4_NoError);
	test_eq(cnode_delete(child_pd_vspace(a)), seL4_NoError);
	seL4_SetMR(0, 0x1234);
	seL4_Send(badged, seL4_MessageInfo_new(0, 0, 0, 1));

	seL4_MessageInfo_t info = seL4_Recv(fault_ep, NULL);
	test_eq(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
	test_eq(seL4_GetMR(seL4_VMFault_IP), fault_ip + 2);
	test_eq(seL4_GetMR(seL4_VMFault_Addr), fault_ip + 2);
	test_eq(seL4_GetMR(seL4_VMFault_PrefetchFault), 1);
	/* A VSpace holding the same image, and the reply restarts it at NextIP. */
	test_eq(seL4_TCB_SetSpace(h.tcb, child_pd_copy(a, fault_ep), child_pd_cspace(a),
				  child_cspace_data(), child_pd_vspace(b), 0),
		seL4_NoError);
	seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
	test_eq(helper_wait(&h), 0x7 << 16 | 0x1234);
	helper_cleanup(&h);
	release_slot(badged);
	release_slot(ep);
	release_slot(fault_ep);
	child_pd_destroy(b);
	child_pd_destroy(a);
}
DEFINE_TEST(FAULT0010, "a receiver without a VSpace faults at NextIP and keeps its message",
	    test_restart_point);
