/*
 * PAGEFAULT: a faulting thread and its handler, in one VSpace (000x) or each
 * in a PD of its own (100x), as sel4test pairs them. The handler checks the
 * fault message, rewrites the faulter's registers past the faulting
 * instruction, and, in half of the rounds, restarts it by its reply.
 */
#include "test.h"

/*
 * High in the component window, so a truncated address would show. (sel4test
 * uses 0x7EDCBA987650, above the window kernel-sim gives components.)
 */
#define BAD_VADDR      0x7dcba9876540ul
#define GOOD_MAGIC     0x15831851
#define BAD_MAGIC      (~GOOD_MAGIC)
#define BAD_SYSCALL    0xc1
#define EXPECTED_BADGE 0xabababa

enum fault_kind { READ_FAULT = 1, WRITE_FAULT, EXECUTE_FAULT, BAD_SYSCALL_FAULT, BAD_INSN_FAULT };
enum { FLAG_BADGED = 1, FLAG_RESTART = 2 };

/* Labels inside the faulting code, where the handler checks and resumes. */
extern char pf_read_at[], pf_read_resume[], pf_write_at[], pf_write_resume[];
extern char pf_exec_resume[], pf_syscall_at[], pf_syscall_resume[];
extern char pf_insn_at[], pf_insn_resume[];

static __attribute__((noinline, noclone)) void do_read_fault(void)
{
	int val = BAD_MAGIC;
	__asm__ volatile("mov %[val], %%eax\n"
			 "pf_read_at: mov (%[addr]), %%eax\n"
			 "pf_read_resume: mov %%eax, %[val]\n"
			 : [val] "+r"(val)
			 : [addr] "r"(BAD_VADDR)
			 : "rax", "memory");
	check_eq(val, GOOD_MAGIC);
}

static __attribute__((noinline, noclone)) void do_write_fault(void)
{
	int val = BAD_MAGIC;
	__asm__ volatile("mov %[val], %%eax\n"
			 "pf_write_at: mov %%eax, (%[addr])\n"
			 "pf_write_resume: mov %%eax, %[val]\n"
			 : [val] "+r"(val)
			 : [addr] "r"(BAD_VADDR)
			 : "rax", "memory");
	check_eq(val, GOOD_MAGIC);
}

static __attribute__((noinline, noclone)) void do_execute_fault(void)
{
	int val = BAD_MAGIC;
	__asm__ volatile("mov %[val], %%eax\n"
			 "jmp *%[addr]\n"
			 "pf_exec_resume: mov %%eax, %[val]\n"
			 : [val] "+r"(val)
			 : [addr] "r"(BAD_VADDR)
			 : "rax", "memory");
	check_eq(val, GOOD_MAGIC);
}

static __attribute__((noinline, noclone)) void do_bad_syscall(void)
{
	int val = BAD_MAGIC;
	__asm__ volatile("mov %[val], %%ebx\n"
			 "mov %%rsp, %%r12\n"
			 "xor %%eax, %%eax\n"
			 "pf_syscall_at: syscall\n"
			 "pf_syscall_resume: mov %%r12, %%rsp\n"
			 "mov %%ebx, %[val]\n"
			 : [val] "+r"(val)
			 : "d"((seL4_Word)BAD_SYSCALL)
			 : "rax", "rbx", "rcx", "r11", "r12", "memory");
	check_eq(val, GOOD_MAGIC);
}

static seL4_Word bad_insn_sp, bad_insn_flags;

static __attribute__((noinline, noclone)) void do_bad_instruction(void)
{
	volatile int val = BAD_MAGIC;
	/* The stack pointer points at val while ud2 faults; the handler restores it. */
	__asm__ volatile("mov %%rsp, (%[sp])\n"
			 "pushf\n"
			 "pop %%rax\n"
			 "mov %%rax, (%[flags])\n"
			 "mov %[valptr], %%rsp\n"
			 "pf_insn_at: ud2\n"
			 "pf_insn_resume:\n"
			 :
			 : [sp] "r"(&bad_insn_sp), [flags] "r"(&bad_insn_flags), [valptr] "r"(&val)
			 : "rax", "memory");
	check_eq(val, GOOD_MAGIC);
}

static long cause_fault(seL4_Word kind, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	switch (kind) {
	case READ_FAULT:
		do_read_fault();
		break;
	case WRITE_FAULT:
		do_write_fault();
		break;
	case EXECUTE_FAULT:
		do_execute_fault();
		break;
	case BAD_SYSCALL_FAULT:
		do_bad_syscall();
		break;
	case BAD_INSN_FAULT:
		do_bad_instruction();
		break;
	}
	return 0;
}

/* Put GOOD_MAGIC where the faulter expects it and move its IP past the fault. */
static void set_good_magic_and_pc(seL4_CPtr tcb, seL4_Word pc)
{
	seL4_UserContext ctx;
	check_eq(seL4_TCB_ReadRegisters(tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	check_eq((int)ctx.rax, BAD_MAGIC);
	ctx.rax = GOOD_MAGIC;
	ctx.rip = pc;
	check_eq(seL4_TCB_WriteRegisters(tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
}

static void check_vm_fault(seL4_MessageInfo_t tag, seL4_Word ip, bool write, bool prefetch)
{
	check_eq(seL4_MessageInfo_get_label(tag), seL4_Fault_VMFault);
	check_eq(seL4_MessageInfo_get_length(tag), seL4_VMFault_Length);
	check_eq(seL4_GetMR(seL4_VMFault_IP), ip);
	check_eq(seL4_GetMR(seL4_VMFault_Addr), BAD_VADDR);
	check_eq(seL4_GetMR(seL4_VMFault_PrefetchFault), prefetch);
	/* x86 error code: user mode, not present, write and instruction-fetch bits. */
	check_eq(seL4_GetMR(seL4_VMFault_FSR), 0x4 | (write ? 0x2 : 0) | (prefetch ? 0x10 : 0));
}

static long handle_fault(seL4_Word ep, seL4_Word tcb, seL4_Word kind, seL4_Word flags)
{
	seL4_Word badge = ~0ul;
	bool restart = flags & FLAG_RESTART;
	seL4_MessageInfo_t tag = seL4_Recv(ep, &badge);
	check_eq(badge, (flags & FLAG_BADGED) ? EXPECTED_BADGE : 0);
	switch (kind) {
	case READ_FAULT:
	case WRITE_FAULT:
	case EXECUTE_FAULT: {
		seL4_Word ip = kind == READ_FAULT    ? (seL4_Word)pf_read_at
			       : kind == WRITE_FAULT ? (seL4_Word)pf_write_at
						     : BAD_VADDR;
		seL4_Word resume = kind == READ_FAULT	 ? (seL4_Word)pf_read_resume
				   : kind == WRITE_FAULT ? (seL4_Word)pf_write_resume
							 : (seL4_Word)pf_exec_resume;
		check_vm_fault(tag, ip, kind == WRITE_FAULT, kind == EXECUTE_FAULT);
		/* The jump left no return address: resume where it would have gone. */
		set_good_magic_and_pc(tcb, resume);
		if (restart)
			seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
		break;
	}
	case BAD_SYSCALL_FAULT:
		check_eq(seL4_MessageInfo_get_label(tag), seL4_Fault_UnknownSyscall);
		check_eq(seL4_MessageInfo_get_length(tag), seL4_UnknownSyscall_Length);
		check_eq(seL4_GetMR(seL4_UnknownSyscall_FaultIP), (seL4_Word)pf_syscall_at);
		check_eq(seL4_GetMR(seL4_UnknownSyscall_Syscall), BAD_SYSCALL);
		check_eq((int)seL4_GetMR(seL4_UnknownSyscall_RBX), BAD_MAGIC);
		seL4_SetMR(seL4_UnknownSyscall_FaultIP, (seL4_Word)pf_syscall_resume);
		seL4_SetMR(seL4_UnknownSyscall_RBX, GOOD_MAGIC);
		seL4_Reply(seL4_MessageInfo_new(restart ? 0 : 1, 0, 0, seL4_UnknownSyscall_Length));
		break;
	case BAD_INSN_FAULT: {
		check_eq(seL4_MessageInfo_get_label(tag), seL4_Fault_UserException);
		check_eq(seL4_MessageInfo_get_length(tag), seL4_UserException_Length);
		check_eq(seL4_GetMR(seL4_UserException_FaultIP), (seL4_Word)pf_insn_at);
		volatile int *valptr = (volatile int *)seL4_GetMR(seL4_UserException_SP);
		check_eq(*valptr, BAD_MAGIC);
		/* The resume flag (bit 16) may differ; the rest of FLAGS is the faulter's. */
		check_eq((seL4_GetMR(seL4_UserException_FLAGS) ^ bad_insn_flags) & ~(1ul << 16), 0);
		check_eq(seL4_GetMR(seL4_UserException_Number), 6); /* #UD */
		*valptr = GOOD_MAGIC;
		seL4_SetMR(seL4_UserException_FaultIP, (seL4_Word)pf_insn_resume);
		seL4_SetMR(seL4_UserException_SP, bad_insn_sp);
		seL4_Reply(seL4_MessageInfo_new(restart ? 0 : 1, 0, 0, 2));
		break;
	}
	}
	return 0;
}

/*
 * One round: a fresh faulter and handler, in the root task or each in its
 * child PD; the fault endpoint badged or not; the faulter restarted or not.
 */
static void fault_round(enum fault_kind kind, struct child_pd *faulter_pd,
			struct child_pd *handler_pd, seL4_Word prio, seL4_Word flags)
{
	seL4_CPtr ep = alloc_endpoint(), fault_ep = ep, minted = 0;
	if (flags & FLAG_BADGED) {
		minted = alloc_slot();
		cnode_mint(ep, minted, seL4_AllRights, EXPECTED_BADGE);
		fault_ep = minted;
	}
	struct helper handler, faulter;
	if (faulter_pd) {
		helper_create_in(&faulter, faulter_pd);
		helper_create_in(&handler, handler_pd);
	} else {
		helper_create(&faulter);
		helper_create(&handler);
	}
	/* The handler names the endpoint and the faulter's TCB in its own CSpace. */
	seL4_CPtr handler_ep = handler_pd ? child_pd_copy(handler_pd, ep) : ep;
	seL4_CPtr handler_tcb = handler_pd ? child_pd_copy(handler_pd, faulter.tcb) : faulter.tcb;
	seL4_TCB_SetPriority(handler.tcb, ROOT_TCB, 101);
	seL4_TCB_SetPriority(faulter.tcb, ROOT_TCB, prio);
	test_eq(helper_set_fault_ep(&faulter, fault_ep), seL4_NoError);
	helper_start(&handler, handle_fault, handler_ep, handler_tcb, kind, flags);
	helper_start(&faulter, cause_fault, kind, 0, 0, 0);
	helper_wait(&handler);
	if (flags & FLAG_RESTART)
		helper_wait(&faulter);
	else
		test_check(!faulter.finished);
	helper_cleanup(&handler);
	helper_cleanup(&faulter);
	release_slot(minted);
	release_slot(ep);
}

/* sel4test's rounds: restarted or not, three faulter priorities, badged or not. */
static void test_fault(enum fault_kind kind, bool inter_as)
{
	struct child_pd *faulter_pd = NULL, *handler_pd = NULL;
	if (inter_as) {
		faulter_pd = child_pd_create(seL4_CapInitThreadASIDPool);
		handler_pd = child_pd_create(seL4_CapInitThreadASIDPool);
		test_assert(faulter_pd && handler_pd);
	}
	for (seL4_Word restart = 0; restart <= 1; restart++)
		for (seL4_Word prio = 100; prio <= 102; prio++)
			for (seL4_Word badged = 0; badged <= 1; badged++)
				fault_round(kind, faulter_pd, handler_pd, prio,
					    (badged ? FLAG_BADGED : 0) |
						(restart ? FLAG_RESTART : 0));
	child_pd_destroy(faulter_pd);
	child_pd_destroy(handler_pd);
}

static void test_read_fault(void)
{
	test_fault(READ_FAULT, false);
}
DEFINE_TEST(PAGEFAULT0001, "read page fault", test_read_fault);

static void test_write_fault(void)
{
	test_fault(WRITE_FAULT, false);
}
DEFINE_TEST(PAGEFAULT0002, "write page fault", test_write_fault);

static void test_execute_fault(void)
{
	test_fault(EXECUTE_FAULT, false);
}
DEFINE_TEST(PAGEFAULT0003, "execute page fault", test_execute_fault);

static void test_bad_syscall(void)
{
	test_fault(BAD_SYSCALL_FAULT, false);
}
DEFINE_TEST(PAGEFAULT0004, "unknown system call", test_bad_syscall);

static void test_bad_instruction(void)
{
	test_fault(BAD_INSN_FAULT, false);
}
DEFINE_TEST(PAGEFAULT0005, "undefined instruction", test_bad_instruction);

static void test_read_fault_interas(void)
{
	test_fault(READ_FAULT, true);
}
DEFINE_TEST(PAGEFAULT1001, "read page fault (inter-AS)", test_read_fault_interas);

static void test_write_fault_interas(void)
{
	test_fault(WRITE_FAULT, true);
}
DEFINE_TEST(PAGEFAULT1002, "write page fault (inter-AS)", test_write_fault_interas);

static void test_execute_fault_interas(void)
{
	test_fault(EXECUTE_FAULT, true);
}
DEFINE_TEST(PAGEFAULT1003, "execute page fault (inter-AS)", test_execute_fault_interas);

static void test_bad_syscall_interas(void)
{
	test_fault(BAD_SYSCALL_FAULT, true);
}
DEFINE_TEST(PAGEFAULT1004, "unknown system call (inter-AS)", test_bad_syscall_interas);

static void test_bad_instruction_interas(void)
{
	test_fault(BAD_INSN_FAULT, true);
}
DEFINE_TEST(PAGEFAULT1005, "undefined instruction (inter-AS)", test_bad_instruction_interas);
