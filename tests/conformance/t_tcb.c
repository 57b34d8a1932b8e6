/* TCBs: configuration, priorities, registers, suspend and resume. */
#include "test.h"

seL4_Word regs_test_ep;
void regs_test_entry(void);

static void test_configure_null_cspace(void)
{
	struct helper h;
	helper_create(&h);
	seL4_CPtr empty = alloc_slot();
	test_eq(seL4_TCB_Configure(h.tcb, 0, empty, 0, ROOT_VSPACE, 0, 0, 0),
		seL4_IllegalOperation);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0004, "seL4_TCB_Configure with a null CSpace fails", test_configure_null_cspace);

static void test_setspace_null_cspace(void)
{
	struct helper h;
	helper_create(&h);
	seL4_CPtr empty = alloc_slot();
	test_eq(seL4_TCB_SetSpace(h.tcb, 0, empty, 0, ROOT_VSPACE, 0), seL4_IllegalOperation);
	test_eq(seL4_TCB_SetSpace(h.tcb, 0, ROOT_CNODE, 0, empty, 0), seL4_IllegalOperation);
	/* An unassigned PML4 is no VSpace either. */
	seL4_CPtr pml4 = alloc_object(seL4_X64_PML4Object, 0);
	test_eq(seL4_TCB_SetSpace(h.tcb, 0, ROOT_CNODE, 0, pml4, 0), seL4_IllegalOperation);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0005, "seL4_TCB_SetSpace with a null CSpace or VSpace fails",
	    test_setspace_null_cspace);

/* Does the counter advance while the helpers run? */
static bool counter_moves(volatile seL4_Word *c)
{
	seL4_Word before = *c;
	for (int i = 0; i < 20000; i++) {
		if (*c != before)
			return true;
		yield_to_helpers();
	}
	return false;
}

static void test_suspend_resume(void)
{
	static volatile seL4_Word counter;
	struct helper h;
	helper_create(&h);
	counter = 0;
	helper_start(&h, count_forever, (seL4_Word)&counter, 0, 0, 0);
	test_assert(counter_moves(&counter));
	test_eq(seL4_TCB_Suspend(h.tcb), seL4_NoError);
	test_eq(sim_DebugThreadState(h.tcb), 0 /* Inactive */);
	seL4_Word stopped = counter;
	for (int i = 0; i < 20; i++)
		yield_to_helpers();
	test_eq(counter, stopped); /* really stopped, not just marked */
	test_eq(seL4_TCB_Resume(h.tcb), seL4_NoError);
	test_assert(counter_moves(&counter));
	/* Resuming a running thread changes nothing. */
	test_eq(seL4_TCB_Resume(h.tcb), seL4_NoError);
	test_assert(counter_moves(&counter));
	helper_cleanup(&h);
}
DEFINE_TEST(SCHED0003, "suspend stops a running thread, resume continues it", test_suspend_resume);

static void test_write_registers(void)
{
	struct helper h;
	helper_create(&h);
	regs_test_ep = alloc_endpoint();
	seL4_UserContext ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rip = (seL4_Word)regs_test_entry;
	ctx.rax = 1, ctx.rbx = 2, ctx.rcx = 3, ctx.rdx = 4, ctx.rsi = 5, ctx.rdi = 6, ctx.rbp = 7;
	ctx.r8 = 8, ctx.r9 = 9, ctx.r10 = 10, ctx.r11 = 11, ctx.r12 = 12, ctx.r13 = 13;
	ctx.r14 = 14, ctx.r15 = 15, ctx.rsp = 16;
	ctx.rflags = 0x202;
	test_eq(seL4_TCB_WriteRegisters(h.tcb, 1, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	seL4_Word m0;
	seL4_RecvWithMRs(regs_test_ep, NULL, &m0, NULL, NULL, NULL);
	test_eq(m0, 1);
	helper_cleanup(&h);
}
DEFINE_TEST(REGRESSIONS0001, "seL4_TCB_WriteRegisters sets every register", test_write_registers);

static void test_read_registers_of_running_thread(void)
{
	static volatile seL4_Word counter;
	struct helper h;
	helper_create(&h);
	counter = 0;
	helper_start(&h, count_forever, (seL4_Word)&counter, 0, 0, 0);
	test_assert(counter_moves(&counter));
	/* Suspend and read: the registers of where it stopped. */
	seL4_UserContext a, b;
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 1, 0, seL4_UserContext_Words, &a), seL4_NoError);
	test_eq(sim_DebugThreadState(h.tcb), 0 /* Inactive */);
	test_check(a.rip >= (seL4_Word)count_forever && a.rip < (seL4_Word)count_forever + 64);
	test_eq(a.rdi, (seL4_Word)&counter);
	test_eq(a.fs_base, h.tls);
	for (int i = 0; i < 20; i++)
		yield_to_helpers();
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &b), seL4_NoError);
	test_eq(b.rip, a.rip);
	test_eq(b.rsp, a.rsp);
	/* Fewer registers, and errors. */
	seL4_UserContext c;
	memset(&c, 0, sizeof(c));
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, 2, &c), seL4_NoError);
	test_eq(c.rip, a.rip);
	test_eq(c.rsp, a.rsp);
	test_eq(c.rflags, 0);
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, 0, &c), seL4_RangeError);
	test_eq(seL4_GetMR(0), 1);
	test_eq(seL4_GetMR(1), 20);
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, 21, &c), seL4_RangeError);
	test_eq(seL4_TCB_ReadRegisters(ROOT_TCB, 0, 0, 20, &c), seL4_IllegalOperation);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0010, "ReadRegisters of a running thread, with and without suspend",
	    test_read_registers_of_running_thread);

/* Announce with 2 in *flag, then spin until *flag is 1. */
static long spin_until(seL4_Word flag, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	volatile seL4_Word *f = (volatile seL4_Word *)flag;
	*f = 2;
	while (*f != 1)
		;
	return 1;
}

static void test_write_registers_redirects_running_thread(void)
{
	/* Suspend a spinning thread, write back what was read, resume: it spins on. */
	static volatile seL4_Word flag;
	struct helper h;
	helper_create(&h);
	flag = 0;
	helper_start(&h, spin_until, (seL4_Word)&flag, 0, 0, 0);
	while (flag != 2)
		yield_to_helpers();
	test_eq(seL4_TCB_Suspend(h.tcb), seL4_NoError);
	seL4_UserContext ctx;
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	test_check(ctx.rip >= (seL4_Word)spin_until && ctx.rip < (seL4_Word)spin_until + 64);
	test_eq(seL4_TCB_WriteRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	test_eq(sim_DebugThreadState(h.tcb), 0 /* still Inactive */);
	test_eq(seL4_TCB_Resume(h.tcb), seL4_NoError);
	flag = 1;
	test_eq(helper_wait(&h), 1);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0011, "a suspended thread continues exactly where it was stopped",
	    test_write_registers_redirects_running_thread);

static void test_copy_registers(void)
{
	struct helper a, b;
	helper_create(&a);
	helper_create(&b);
	seL4_UserContext ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rip = 0x1234, ctx.rsp = 0x5678, ctx.rax = 42, ctx.r15 = 15, ctx.rflags = 0x202;
	ctx.fs_base = 0x1000;
	test_eq(seL4_TCB_WriteRegisters(a.tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	test_eq(seL4_TCB_CopyRegisters(b.tcb, a.tcb, 0, 0, 1, 0, 0), seL4_NoError);
	seL4_UserContext got;
	test_eq(seL4_TCB_ReadRegisters(b.tcb, 0, 0, seL4_UserContext_Words, &got), seL4_NoError);
	test_eq(got.rip, 0x1234);
	test_eq(got.rsp, 0x5678);
	test_eq(got.rax, 42);
	test_eq(got.fs_base, 0); /* frame registers only */
	test_eq(seL4_TCB_CopyRegisters(b.tcb, a.tcb, 0, 0, 0, 1, 0), seL4_NoError);
	test_eq(seL4_TCB_ReadRegisters(b.tcb, 0, 0, seL4_UserContext_Words, &got), seL4_NoError);
	test_eq(got.fs_base, 0x1000);
	test_eq(seL4_TCB_CopyRegisters(b.tcb, alloc_endpoint(), 0, 0, 1, 1, 0),
		seL4_InvalidCapability);
	test_eq(seL4_GetMR(0), 1);
	helper_cleanup(&a);
	helper_cleanup(&b);
}
DEFINE_TEST(THREADS0012, "seL4_TCB_CopyRegisters copies frame and integer registers",
	    test_copy_registers);

static void test_write_registers_sanitises(void)
{
	struct helper h;
	helper_create(&h);
	seL4_UserContext ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rip = 0x0000800000000000ul; /* non-canonical */
	ctx.rflags = 0x100 | 0x8;	/* TF and a must-be-zero bit */
	ctx.fs_base = 0x8000000000000000ul;
	test_eq(seL4_TCB_WriteRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &ctx), seL4_NoError);
	seL4_UserContext got;
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &got), seL4_NoError);
	test_eq(got.rip, 0);
	test_eq(got.rflags, 0x202);
	test_eq(got.fs_base, 0);
	/* A message shorter than the count it claims. */
	seL4_SetMR(0, 0);
	seL4_SetMR(1, 5);
	seL4_MessageInfo_t info =
	    seL4_Call(h.tcb, seL4_MessageInfo_new(TCBWriteRegisters, 0, 0, 4));
	test_eq(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
	test_eq(seL4_TCB_WriteRegisters(ROOT_TCB, 0, 0, 1, &ctx), seL4_IllegalOperation);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0013, "WriteRegisters sanitises as seL4 does, and its errors",
	    test_write_registers_sanitises);

static void test_priorities(void)
{
	struct helper h;
	helper_create(&h);
	seL4_CPtr other = alloc_tcb();
	/* The root thread may grant up to its MCP of 255. */
	test_eq(seL4_TCB_SetPriority(h.tcb, ROOT_TCB, 255), seL4_NoError);
	test_eq(seL4_TCB_SetPriority(h.tcb, ROOT_TCB, 256), seL4_RangeError);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_GetMR(1), 255);
	/* A new TCB has MCP 0: as authority it allows priority 0 only. */
	test_eq(seL4_TCB_SetPriority(h.tcb, other, 1), seL4_RangeError);
	test_eq(seL4_GetMR(1), 0);
	test_eq(seL4_TCB_SetPriority(h.tcb, other, 0), seL4_NoError);
	test_eq(seL4_TCB_SetMCPriority(other, ROOT_TCB, 100), seL4_NoError);
	test_eq(seL4_TCB_SetPriority(h.tcb, other, 100), seL4_NoError);
	test_eq(seL4_TCB_SetPriority(h.tcb, other, 101), seL4_RangeError);
	test_eq(seL4_GetMR(1), 100);
	test_eq(seL4_TCB_SetMCPriority(h.tcb, other, 101), seL4_RangeError);
	test_eq(seL4_TCB_SetSchedParams(h.tcb, other, 50, 60), seL4_NoError);
	test_eq(seL4_TCB_SetSchedParams(h.tcb, other, 50, 150), seL4_RangeError);
	/* The authority must be a TCB. */
	test_eq(seL4_TCB_SetPriority(h.tcb, alloc_endpoint(), 1), seL4_InvalidCapability);
	test_eq(seL4_GetMR(0), 1);
	seL4_MessageInfo_t info = seL4_Call(h.tcb, seL4_MessageInfo_new(TCBSetPriority, 0, 0, 1));
	test_eq(seL4_MessageInfo_get_label(info), seL4_TruncatedMessage);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0014, "priorities and MCPs are checked against the authority's MCP",
	    test_priorities);

static char spare_ipc[4096] __attribute__((aligned(4096)));

static void test_ipc_buffer_errors(void)
{
	struct helper h;
	helper_create(&h);
	seL4_CPtr frame = image_frame_cap(spare_ipc);
	test_eq(seL4_TCB_SetIPCBuffer(h.tcb, (seL4_Word)spare_ipc + 8, frame), seL4_AlignmentError);
	test_eq(seL4_TCB_SetIPCBuffer(h.tcb, (seL4_Word)spare_ipc, alloc_endpoint()),
		seL4_IllegalOperation);
	test_eq(seL4_TCB_SetIPCBuffer(h.tcb, (seL4_Word)spare_ipc + 1024, frame), seL4_NoError);
	test_eq(seL4_TCB_SetIPCBuffer(h.tcb, 0, 0), seL4_NoError);
	test_eq(seL4_TCB_Configure(h.tcb, 0, ROOT_CNODE, 0, ROOT_VSPACE, 0, 8, frame),
		seL4_AlignmentError);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0015, "IPC buffer address and frame checks", test_ipc_buffer_errors);

static long read_tls(seL4_Word unused0, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused0, (void)unused1, (void)unused2, (void)unused3;
	seL4_Word fs;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(fs));
	return (long)fs;
}

static void test_tls_base(void)
{
	struct helper h;
	helper_create(&h);
	/* The thread pointer of a helper points at itself (TLS variant II). */
	helper_start(&h, read_tls, 0, 0, 0, 0);
	test_eq(helper_wait(&h), h.tls);
	seL4_UserContext got;
	test_eq(seL4_TCB_SetTLSBase(h.tcb, 0x4000), seL4_NoError);
	test_eq(seL4_TCB_ReadRegisters(h.tcb, 0, 0, seL4_UserContext_Words, &got), seL4_NoError);
	test_eq(got.fs_base, 0x4000);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0016, "TLS base: loaded for the thread, set by seL4_TCB_SetTLSBase",
	    test_tls_base);

static void test_tcb_misc(void)
{
	seL4_CPtr tcb = alloc_tcb();
	seL4_MessageInfo_t info =
	    seL4_Call(tcb, seL4_MessageInfo_new(sel4_label(CNodeCopy), 0, 0, 0));
	test_eq(seL4_MessageInfo_get_label(info), seL4_IllegalOperation);
	seL4_TCB_SetFlags_t f = seL4_TCB_SetFlags(tcb, 0, 1);
	test_eq(f.error, seL4_NoError);
	test_eq(f.flags, 1);
	f = seL4_TCB_SetFlags(tcb, 1, 0x10);
	test_eq(f.flags, 0);
	test_eq(seL4_DomainSet_Set(seL4_CapDomain, 0, tcb), seL4_NoError);
	test_eq(seL4_DomainSet_Set(seL4_CapDomain, 1, tcb), seL4_InvalidArgument);
	seL4_DebugNameThread(tcb, "a-named-thread");
	seL4_Yield();
	test_eq(sim_DebugThreadState(alloc_endpoint()), SIM_ThreadStateInvalid);
}
DEFINE_TEST(THREADS0017, "TCB flags, domain, names, yield", test_tcb_misc);

static long suspend_self(seL4_Word tcb, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_TCB_Suspend(tcb);
	return 7;
}

static void test_suspend_self(void)
{
	/* A thread that suspends itself runs the Suspend again when resumed (seL4). */
	struct helper h;
	helper_create(&h);
	helper_start(&h, suspend_self, h.tcb, 0, 0, 0);
	test_assert(wait_for_state(h.tcb, 0 /* Inactive */));
	test_eq(seL4_TCB_Resume(h.tcb), seL4_NoError);
	for (int i = 0; i < 20; i++)
		yield_to_helpers();
	test_assert(wait_for_state(h.tcb, 0));
	test_check(!h.finished);
	helper_cleanup(&h);
}
DEFINE_TEST(THREADS0018, "a thread suspended in its own Suspend call suspends again on resume",
	    test_suspend_self);
