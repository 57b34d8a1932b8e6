/*
 * The direct entry: a system call of the project's own libsel4 reaches
 * kernel-sim without the host trapping it. entry.S saves the registers as
 * a syscall would have left them; this sends kernel-sim the very trap the
 * SIGSYS handler would send (kind SYSCALL, signal SIGSYS) and leaves the
 * answer's registers for entry.S to load with iretq. What it saves is a
 * host signal delivery and its rt_sigreturn per kernel entry, and the
 * component's FPU state never leaves the registers (the runtime is built
 * without them).
 *
 * Parks: a thread in a direct entry runs runtime code with its signals
 * open. A park before the answer needs nothing: the trap that is (or is
 * about to be) on its way tells kernel-sim the thread stopped, and the
 * answer covers the park. A park once the answer is in the frame acts as
 * if the entry had returned: the thread stops with the answer's registers.
 * One that comes in between is noted and served before returning.
 */
#include "runtime.h"

/* The block of each thread id (by its low bits), as index + 1; 0 for none. */
uint16_t rt_tid_blocks[SIM_RUNTIME_MAX_THREADS];

#define X86_FLAG_TF 0x100ul

extern char rt_entry_known[], rt_entry_after_tid_ptr[];

void rt_direct_know(struct rt_block *b)
{
	rt_tid_blocks[(uint32_t)b->tid & (SIM_RUNTIME_MAX_THREADS - 1)] = (uint16_t)(b->index + 1);
}

static void frame_to_regs(seL4_UserContext *r, const struct rt_entry_frame *f)
{
	r->rip = f->rip;
	r->rsp = f->rsp;
	r->rflags = f->rflags;
	memcpy(&r->rax, &f->rax, RT_FRAME_GPRS);
}

static void regs_to_frame(struct rt_entry_frame *f, const seL4_UserContext *r)
{
	f->rip = r->rip;
	f->rsp = r->rsp;
	f->rflags = r->rflags;
	memcpy(&f->rax, &r->rax, RT_FRAME_GPRS);
	f->cs = K_USER_CS;
	f->ss = K_USER_DS;
}

/*
 * One trap and its answer, whose registers go into f. A thread that
 * continues at next_ip (the stub's NextIP, 0 for none) goes through the
 * stub's jump where its call returns, as a debugger stepping over the call
 * expects.
 */
static void exchange(struct rt_block *b, struct sim_trap *t, struct rt_entry_frame *f,
		     uint64_t next_ip)
{
	struct sim_resume r;
	t->regs.fs_base = b->fs_base;
	t->regs.gs_base = b->gs_base;
	b->entry_state = RT_ENTRY_ENTERED;
	rt_serve(b, t, &r);
	regs_to_frame(f, &r.regs);
	if (next_ip && r.regs.rip == next_ip)
		f->rip = next_ip - RT_ASM_STUB_TO_NEXT_IP;
	b->entry_frame = f;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	b->entry_state = RT_ENTRY_ANSWERED;
}

void rt_direct_syscall(struct rt_block *b, struct rt_entry_frame *f)
{
	struct sim_trap t;
	memset(&t, 0, sizeof(t));
	t.kind = SIM_TRAP_SYSCALL;
	t.signo = K_SIGSYS;
	t.arch = K_AUDIT_ARCH_X86_64;
	t.host_nr = f->rax;
	t.addr = f->rip;
	/* A debugger stepping through the stub sets TF, which its pushfq saw: not the thread's. */
	f->rflags &= ~X86_FLAG_TF;
	f->r11 = f->rflags;
	frame_to_regs(&t.regs, f);
	exchange(b, &t, f, f->rip);
	/* A park that came after the answer, before it was in the frame: stop now. */
	while (b->park_pending > b->park_done) {
		memset(&t, 0, sizeof(t));
		t.kind = SIM_TRAP_PARKED;
		t.signo = SIM_PARK_SIGNAL;
		t.si_code = K_SI_QUEUE;
		t.park_seq = b->park_pending;
		frame_to_regs(&t.regs, f);
		exchange(b, &t, f, 0);
	}
}

/* Is the thread of sc in a direct entry before it knows its block? */
static int before_block(const struct sigcontext *sc)
{
	uint64_t ip = sc->rip;
	if (ip >= (uint64_t)rt_sel4_entry && ip < (uint64_t)rt_entry_known)
		return 1;
	/* at the site for its thread id */
	return sc->rsp == (uint64_t)rt_entry_after_tid_ptr ||
	       sc->rsp == (uint64_t)rt_entry_after_tid_ptr + 8;
}

/*
 * A park (sequence number seq) that found b's thread in the runtime: 0 if
 * it is served by the entry under way, 1 if sc now holds the registers the
 * entry was about to continue with (the thread stops there), -1 if the
 * thread is in no direct entry.
 */
int rt_direct_park(struct rt_block *b, uint64_t seq, struct sigcontext *sc)
{
	if (before_block(sc) || b->entry_state == RT_ENTRY_ENTERED) {
		if (seq > b->park_pending)
			b->park_pending = seq;
		return 0;
	}
	if (b->entry_state != RT_ENTRY_ANSWERED)
		return -1;
	seL4_UserContext regs;
	frame_to_regs(&regs, b->entry_frame);
	rt_regs_to_sigcontext(sc, &regs);
	b->entry_state = RT_ENTRY_NONE;
	return 1;
}
