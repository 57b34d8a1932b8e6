/*
 * Threads: each TCB that runs in this VSpace is one Linux thread with a
 * runtime block. A new thread asks kernel-sim for its registers on its own
 * channel and enters component code through rt_sigreturn, which loads a
 * complete register set at once.
 */
#include "runtime.h"

/* Blocks mapped so far: a block is mapped when a thread first uses it. */
static uint8_t block_mapped[SIM_RUNTIME_MAX_THREADS];

struct rt_block *rt_block_at(uint32_t index)
{
	return (struct rt_block *)(SIM_RUNTIME_BLOCKS + index * SIM_RUNTIME_BLOCK_SIZE);
}

/* The block whose alternate stack the caller runs on, or 0. */
struct rt_block *rt_current_block(void)
{
	char here;
	uintptr_t sp = (uintptr_t)&here;
	if (sp < SIM_RUNTIME_BLOCKS || sp >= SIM_RUNTIME_BLOCKS_END)
		return 0;
	return (struct rt_block *)(sp & ~(SIM_RUNTIME_BLOCK_SIZE - 1));
}

/* Map block index (zero-filled) unless it is: 0 or a negative errno. */
static long map_block(uint32_t index)
{
	if (block_mapped[index])
		return 0;
	long r = rt_sys6(__NR_mmap, rt_block_at(index), SIM_RUNTIME_BLOCK_SIZE,
			 K_PROT_READ | K_PROT_WRITE, K_MAP_PRIVATE | K_MAP_ANONYMOUS | K_MAP_FIXED,
			 -1, 0);
	if (r < 0)
		return r;
	block_mapped[index] = 1;
	return 0;
}

#define THREAD_CLONE_FLAGS                                                                         \
	(K_CLONE_VM | K_CLONE_FS | K_CLONE_FILES | K_CLONE_SIGHAND | K_CLONE_THREAD |              \
	 K_CLONE_SYSVSEM | K_CLONE_PARENT_SETTID | K_CLONE_CHILD_CLEARTID)

long rt_pid;

/* Start a host thread for runtime block index, talking on chan. */
long rt_thread_start(uint32_t index, int chan)
{
	if (index >= SIM_RUNTIME_MAX_THREADS)
		return -22;
	long err = map_block(index);
	if (err)
		return err;
	struct rt_block *b = rt_block_at(index);
	if (b->tid != 0)
		return -16; /* the block's previous thread has not ended yet */
	b->chan = chan;
	b->index = index;
	b->fs_base = 0;
	b->gs_base = 0;
	b->park_done = 0;
	b->park_pending = 0;
	b->entry_state = RT_ENTRY_NONE;

	uint64_t *sp = (uint64_t *)((char *)b + RT_ALTSTACK_OFFSET);
	*--sp = 0;
	*--sp = (uint64_t)rt_thread_entry;
	return rt_sys5(__NR_clone, THREAD_CLONE_FLAGS, sp, &b->tid, &b->tid, 0);
}

__attribute__((noreturn)) static void enter_user(struct rt_block *b, const struct sim_resume *r)
{
	struct frame {
		struct k_ucontext uc;
	} f;
	memset(&f, 0, sizeof(f));
	struct sigcontext *sc = &f.uc.uc_mcontext;
	sc->rip = r->regs.rip;
	sc->rsp = r->regs.rsp;
	sc->eflags = r->regs.rflags;
	sc->rax = r->regs.rax;
	sc->rbx = r->regs.rbx;
	sc->rcx = r->regs.rcx;
	sc->rdx = r->regs.rdx;
	sc->rsi = r->regs.rsi;
	sc->rdi = r->regs.rdi;
	sc->rbp = r->regs.rbp;
	sc->r8 = r->regs.r8;
	sc->r9 = r->regs.r9;
	sc->r10 = r->regs.r10;
	sc->r11 = r->regs.r11;
	sc->r12 = r->regs.r12;
	sc->r13 = r->regs.r13;
	sc->r14 = r->regs.r14;
	sc->r15 = r->regs.r15;
	sc->cs = K_USER_CS;
	sc->ss = K_USER_DS;
	sc->fpstate = 0; /* a fresh FPU state */
	f.uc.uc_stack.ss_sp = (char *)b + RT_ALTSTACK_OFFSET;
	f.uc.uc_stack.ss_size = RT_ALTSTACK_SIZE;
	f.uc.uc_sigmask = 0;
	rt_enter_user(&f.uc);
}

/* First code of a new thread, on its start stack. */
__attribute__((noreturn)) void rt_thread_main(void *sp)
{
	struct rt_block *b = (struct rt_block *)((uintptr_t)sp & ~(SIM_RUNTIME_BLOCK_SIZE - 1));
	struct k_stack ss = {(char *)b + RT_ALTSTACK_OFFSET, 0, RT_ALTSTACK_SIZE};
	if (rt_sys2(__NR_sigaltstack, &ss, 0) != 0)
		rt_die("sigaltstack");
	/*
	 * Syscall user dispatch: every system call of component code raises
	 * SIGSYS whatever rax holds, ahead of the host's own handling (which
	 * passes the uprobe calls before seccomp). Real libsel4 leaves rax to
	 * chance. A host without it (before Linux 5.11) has seccomp alone.
	 */
	rt_sys5(__NR_prctl, K_PR_SET_SYSCALL_USER_DISPATCH, K_PR_SYS_DISPATCH_ON, rt_syscall_return,
		1, 0);

	rt_direct_know(b);
	struct sim_trap t;
	struct sim_resume r;
	memset(&t, 0, sizeof(t));
	t.kind = SIM_TRAP_START;
	t.tid = (uint32_t)b->tid;
	rt_serve(b, &t, &r);
	enter_user(b, &r);
}
