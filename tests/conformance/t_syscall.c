/*
 * The system calls of the default x86_64 debug kernel as real libsel4
 * issues them: seL4_SetTLSBase, and every call whatever rax holds (real
 * libsel4 never sets it).
 */
#include "test.h"

/* Read the word at fs:0, the first word of the thread's TLS block. */
static seL4_Word read_fs0(void)
{
	seL4_Word v;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static seL4_Word probe_a = 0xa11ce, probe_b = 0xb0b;

/* In a helper thread: point fs at each probe in turn, read through it, restore. */
static long tls_switch(seL4_Word own_base, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	seL4_SetTLSBase((seL4_Word)&probe_a);
	seL4_Word a = read_fs0();
	seL4_SetTLSBase((seL4_Word)&probe_b);
	seL4_Word b = read_fs0();
	/* A non-canonical base changes nothing. */
	seL4_SetTLSBase(0x0000800000000000ul);
	seL4_Word still_b = read_fs0();
	seL4_SetTLSBase(own_base);
	return a == probe_a && b == probe_b && still_b == probe_b ? 0 : -1;
}

static void test_set_tls_base(void)
{
	struct helper h;
	helper_create(&h);
	helper_start(&h, tls_switch, h.tls, 0, 0, 0);
	test_eq(helper_wait(&h), 0);
	/* The kernel's copy follows: ReadRegisters sees the restored base. */
	seL4_UserContext regs;
	test_eq(seL4_TCB_ReadRegisters(h.tcb, false, 0, sizeof(regs) / sizeof(seL4_Word), &regs),
		seL4_NoError);
	test_eq(regs.fs_base, h.tls);
	helper_cleanup(&h);
}
DEFINE_TEST(SYSCALL0001, "seL4_SetTLSBase sets the calling thread's TLS base", test_set_tls_base);

/* seL4_DebugCapIdentify with rax as given: the cap type comes back in rdi. */
static seL4_Word identify_with_rax(seL4_CPtr cap, seL4_Word rax)
{
	seL4_Word rdi = cap;
	__asm__ volatile("syscall"
			 : "+D"(rdi), "+a"(rax)
			 : "d"((seL4_Word)seL4_SysDebugCapIdentify)
			 : "rcx", "rsi", "r11", "memory");
	return rdi;
}

/* seL4_Signal with rax as given. */
static void signal_with_rax(seL4_CPtr ntfn, seL4_Word rax)
{
	seL4_Word info = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
	__asm__ volatile("syscall"
			 : "+D"(ntfn), "+S"(info), "+a"(rax)
			 : "d"((seL4_Word)seL4_SysSend)
			 : "rcx", "r11", "memory");
}

static void test_any_rax(void)
{
	/*
	 * Host system calls that end or change a process, the two Linux passes
	 * before seccomp (uretprobe 335, uprobe 336), x32 and out-of-range
	 * numbers, and what a compiler might leave behind.
	 */
	static const seL4_Word raxes[] = {
	    0,	 15,	     56,	 59,	     60,	 231,  334,	 335,	  336,
	    337, 0x40000001, 0x4000000f, 0x7fffffff, 0x80000000, ~0ul, ~0ul - 1, 0x400000};
	seL4_CPtr ntfn = alloc_notification();
	seL4_CPtr badged = alloc_slot();
	test_assert(ntfn && badged);
	test_eq(cnode_mint(ntfn, badged, seL4_AllRights, 1), seL4_NoError);
	for (unsigned i = 0; i < sizeof(raxes) / sizeof(raxes[0]); i++) {
		test_eq(identify_with_rax(ROOT_TCB, raxes[i]), seL4_CapType_Thread);
		test_eq(identify_with_rax(ntfn, raxes[i]), seL4_CapType_Notification);
		signal_with_rax(badged, raxes[i]);
		seL4_Word badge = 0;
		seL4_Poll(ntfn, &badge);
		test_eq(badge, 1);
	}
	release_slot(badged);
	release_slot(ntfn);
}
DEFINE_TEST(SYSCALL0002, "a system call means the same whatever rax holds", test_any_rax);
