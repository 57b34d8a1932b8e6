/*
 * Traps: every signal that component code raises (the seccomp trap of a
 * syscall instruction, page faults, exceptions) arrives here on the thread's
 * alternate stack and becomes one sim_trap message. The thread then waits
 * for kernel-sim's answer and continues with the registers it carries.
 */
#include "runtime.h"

extern char __executable_start[], etext[];

static void regs_from_ucontext(seL4_UserContext *r, const struct sigcontext *sc)
{
	r->rip = sc->rip;
	r->rsp = sc->rsp;
	r->rflags = sc->eflags;
	r->rax = sc->rax;
	r->rbx = sc->rbx;
	r->rcx = sc->rcx;
	r->rdx = sc->rdx;
	r->rsi = sc->rsi;
	r->rdi = sc->rdi;
	r->rbp = sc->rbp;
	r->r8 = sc->r8;
	r->r9 = sc->r9;
	r->r10 = sc->r10;
	r->r11 = sc->r11;
	r->r12 = sc->r12;
	r->r13 = sc->r13;
	r->r14 = sc->r14;
	r->r15 = sc->r15;
}

void rt_regs_to_sigcontext(struct sigcontext *sc, const seL4_UserContext *r)
{
	sc->rip = r->rip;
	sc->rsp = r->rsp;
	sc->eflags = r->rflags;
	sc->rax = r->rax;
	sc->rbx = r->rbx;
	sc->rcx = r->rcx;
	sc->rdx = r->rdx;
	sc->rsi = r->rsi;
	sc->rdi = r->rdi;
	sc->rbp = r->rbp;
	sc->r8 = r->r8;
	sc->r9 = r->r9;
	sc->r10 = r->r10;
	sc->r11 = r->r11;
	sc->r12 = r->r12;
	sc->r13 = r->r13;
	sc->r14 = r->r14;
	sc->r15 = r->r15;
	sc->cs = K_USER_CS;
}

/*
 * One round trip with kernel-sim; 0 on success, -1 if kernel-sim is gone.
 * A direct entry waits with its signals open: a park interrupts the wait.
 */
int rt_exchange(struct rt_block *b, const struct sim_trap *t, struct sim_resume *r)
{
	long n;
	while ((n = rt_send(b->chan, t, sizeof(*t), 0, 0)) == -K_EINTR)
		;
	if (n != (long)sizeof(*t))
		return -1;
	for (;;) {
		n = rt_recv(b->chan, r, sizeof(*r), 0);
		if (n == (long)sizeof(*r))
			return 0;
		if (n <= 0 && n != -K_EINTR)
			return -1;
	}
}

/*
 * Trap t to kernel-sim and take its answer r with what it asks of the host
 * thread; returns only if the thread continues (with r's registers). The
 * trap reports how long the resumption after the last answer took.
 */
void rt_serve(struct rt_block *b, struct sim_trap *t, struct sim_resume *r)
{
	t->resume_ticks = b->resume_ticks;
	b->resume_ticks = 0;
	if (rt_exchange(b, t, r) != 0)
		rt_sys1(__NR_exit_group, 0);
	if (r->kind == SIM_RESUME_EXIT)
		rt_sys1(__NR_exit, 0);
	b->park_done = r->park_seq;
	rt_apply_bases(b, r);
	rt_apply_name(b, r);
	if (r->flags & SIM_RESUME_YIELD)
		rt_sys0(__NR_sched_yield);
}

void rt_apply_bases(struct rt_block *b, const struct sim_resume *r)
{
	if ((r->flags & SIM_RESUME_SET_FS) && r->regs.fs_base != b->fs_base) {
		rt_sys2(__NR_arch_prctl, K_ARCH_SET_FS, r->regs.fs_base);
		b->fs_base = r->regs.fs_base;
	}
	if ((r->flags & SIM_RESUME_SET_GS) && r->regs.gs_base != b->gs_base) {
		rt_sys2(__NR_arch_prctl, K_ARCH_SET_GS, r->regs.gs_base);
		b->gs_base = r->regs.gs_base;
	}
}

/* The thread's name as kernel-sim wrote it into the names file for this slot. */
void rt_apply_name(struct rt_block *b, const struct sim_resume *r)
{
	if (r->flags & SIM_RESUME_NAME)
		rt_sys2(__NR_prctl, K_PR_SET_NAME,
			SIM_RUNTIME_NAMES + SIM_NAMES_THREADS + SIM_NAMES_COMM * b->index);
}

/* Does the instruction before ip read "syscall" (0f 05)? */
static int after_syscall_insn(uint64_t ip)
{
	const unsigned char *p = (const unsigned char *)ip - 2;
	return ip >= SIM_USER_BASE + 2 && ip < SIM_USER_TOP && p[0] == 0x0f && p[1] == 0x05;
}

static int in_runtime(uint64_t ip)
{
	return ip >= (uint64_t)__executable_start && ip < (uint64_t)etext;
}

/*
 * The thread resumes after r: if kernel-sim stamped r (it ends a device
 * access), the ticks since then go with the next trap (protocol/sim/trap.h).
 */
static void stamp_resume(struct rt_block *b, const struct sim_resume *r)
{
	if (!r->answer_tsc)
		return;
	uint64_t now = __builtin_ia32_rdtsc();
	b->resume_ticks = now > r->answer_tsc ? now - r->answer_tsc : 0;
}

static void on_trap(int sig, void *siv, void *ucv)
{
	uint64_t entry_tsc = __builtin_ia32_rdtsc(); /* first: the device-time stamps */
	struct k_siginfo *si = siv;
	struct k_ucontext *uc = ucv;
	struct sigcontext *sc = &uc->uc_mcontext;
	struct rt_block *b = rt_current_block();

	/* A fault of the runtime itself, or of a thread it does not know. */
	if (!b)
		rt_die("trap in the runtime");
	if (in_runtime(sc->rip)) {
		/* Only a park can find a thread there: in a direct entry (direct.c). */
		uint64_t seq = si->si_code == K_SI_QUEUE ? si->u.rt.value : 0;
		if (sig != SIM_PARK_SIGNAL)
			rt_die("trap in the runtime");
		if (seq && seq <= b->park_done)
			return;
		int served = rt_direct_park(b, seq, sc);
		if (served == 0)
			return;
		if (served < 0)
			rt_die("trap in the runtime");
	}

	struct sim_trap t;
	memset(&t, 0, sizeof(t));
	t.entry_tsc = entry_tsc;
	t.signo = (uint32_t)sig;
	t.si_code = si->si_code;
	t.err = sc->err;
	t.trapno = sc->trapno;
	regs_from_ucontext(&t.regs, sc);
	t.regs.fs_base = b->fs_base;
	t.regs.gs_base = b->gs_base;

	switch (sig) {
	case K_SIGSYS:
		rt_direct_know(b); /* its next system calls go the direct way */
		t.kind = SIM_TRAP_SYSCALL;
		t.host_nr = (uint64_t)(int64_t)si->u.sys.syscall;
		t.arch = si->u.sys.arch;
		t.addr = (uint64_t)si->u.sys.call_addr; /* the host's vsyscall page tells apart */
		break;
	case SIM_PARK_SIGNAL:
		/* A park that an answer already covered: continue as if none came. */
		if (si->si_code == K_SI_QUEUE && si->u.rt.value <= b->park_done)
			return;
		t.kind = SIM_TRAP_PARKED;
		t.park_seq = si->si_code == K_SI_QUEUE ? si->u.rt.value : 0;
		break;
	case K_SIGSEGV:
	case K_SIGBUS:
		/* Only a page fault is a VM fault; #GP (privileged instructions) is not. */
		t.kind = sc->trapno == X86_TRAP_PF ? SIM_TRAP_VM_FAULT : SIM_TRAP_EXCEPTION;
		t.addr = (uint64_t)si->u.addr;
		break;
	case K_SIGILL:
		if (si->si_code == K_SI_KERNEL && after_syscall_insn(sc->rip)) {
			/*
			 * Linux passes uretprobe past seccomp and answers it from
			 * outside a uprobe trampoline with SIGILL, rax set to -1:
			 * it is a trapped system call like any other.
			 */
			t.kind = SIM_TRAP_SYSCALL;
			t.arch = K_AUDIT_ARCH_X86_64;
			t.host_nr = __NR_uretprobe;
			t.regs.rax = __NR_uretprobe;
			break;
		}
		t.kind = SIM_TRAP_EXCEPTION;
		t.addr = (uint64_t)si->u.addr;
		break;
	default:
		t.kind = SIM_TRAP_EXCEPTION;
		t.addr = (uint64_t)si->u.addr;
		break;
	}

	struct sim_resume r;
	rt_serve(b, &t, &r);
	rt_regs_to_sigcontext(sc, &r.regs);
	stamp_resume(b, &r);
}

/*
 * Every trap is handled with all signals blocked but SIGINT, which the
 * runtime ignores: a debugger's Ctrl-C (SIGINT to the process) then stops
 * a thread even while all of them wait for kernel-sim, and without a
 * debugger it is dropped.
 */
void rt_install_trap_handlers(void)
{
	struct k_sigaction ignore;
	memset(&ignore, 0, sizeof(ignore));
	ignore.handler = (void (*)(int, void *, void *))1; /* SIG_IGN */
	ignore.flags = K_SA_RESTORER;
	ignore.restorer = __restore_rt;
	ignore.mask = ~0ull;
	if (rt_sys4(__NR_rt_sigaction, K_SIGINT, &ignore, 0, 8) != 0)
		rt_die("rt_sigaction");
	static const int sigs[] = {K_SIGSYS, K_SIGSEGV, K_SIGBUS,	K_SIGILL,
				   K_SIGFPE, K_SIGTRAP, SIM_PARK_SIGNAL};
	struct k_sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.handler = on_trap;
	sa.flags = K_SA_SIGINFO | K_SA_ONSTACK | K_SA_RESTORER;
	sa.restorer = __restore_rt;
	sa.mask = ~(1ull << (K_SIGINT - 1));
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (rt_sys4(__NR_rt_sigaction, sigs[i], &sa, 0, 8) != 0)
			rt_die("rt_sigaction");
}
