/*
 * pd-host main: confinement handshake, then the control loop that carries
 * out kernel-sim's commands for this PD process.
 */
#include "runtime.h"
#include <sim/ctrl.h>

extern char __executable_start[], etext[], _end[], rt_boot_stack_top[];

/*
 * Point the host's idea of this process (argument area, stack) into the
 * runtime: the title is the first part of the names file kernel-sim writes
 * (mapped read-only at SIM_RUNTIME_NAMES). Without PR_SET_MM_MAP (a kernel
 * without checkpoint/restore) the host shows only the thread names.
 */
static void move_title(void)
{
	struct k_prctl_mm_map mm;
	memset(&mm, 0, sizeof(mm));
	mm.start_code = (uint64_t)__executable_start;
	mm.end_code = (uint64_t)etext;
	mm.start_data = (uint64_t)etext;
	mm.end_data = (uint64_t)_end;
	mm.start_brk = mm.brk = (uint64_t)rt_sys1(__NR_brk, 0);
	mm.start_stack = (uint64_t)rt_boot_stack_top;
	mm.arg_start = SIM_RUNTIME_NAMES;
	mm.arg_end = mm.env_start = mm.env_end = SIM_RUNTIME_NAMES + SIM_NAMES_TITLE_SIZE;
	mm.exe_fd = ~0u;
	rt_sys5(__NR_prctl, K_PR_SET_MM, K_PR_SET_MM_MAP, &mm, sizeof(mm), 0);
}

/*
 * Leave nothing of the host in the component window: the initial stack,
 * the vDSO and vvar go, wherever address randomisation put them, and only
 * the runtime's own image remains.
 */
static void release_host_mappings(void)
{
	uint64_t image_end = ((uint64_t)_end + 0xfff) & ~0xffful;
	if ((uint64_t)__executable_start != SIM_RUNTIME_BASE || image_end > SIM_RUNTIME_TOP)
		rt_die("runtime image outside its window");
	if (rt_sys2(__NR_munmap, 0, SIM_RUNTIME_BASE) != 0 ||
	    rt_sys2(__NR_munmap, image_end, SIM_USER_TOP - image_end) != 0)
		rt_die("cannot remove the host's mappings");
}

/* Host thread name of the control thread: the short form of the PD name kernel-sim wrote. */
static void set_comm(void)
{
	rt_sys2(__NR_prctl, K_PR_SET_NAME, SIM_RUNTIME_NAMES + SIM_NAMES_CONTROL);
}

static void ack(uint64_t seq, long status)
{
	struct sim_ctrl_msg m;
	memset(&m, 0, sizeof(m));
	m.op = SIM_CTRL_ACK;
	m.seq = seq;
	m.status = (int32_t)status;
	rt_send(SIM_CTRL_FD, &m, sizeof(m), 0, 0);
}

static struct sim_bpf_insn filter[SIM_FILTER_MAX];

/* Say hello, receive the seccomp program and install it. */
static void confine(void)
{
	struct sim_ctrl_msg m;
	memset(&m, 0, sizeof(m));
	m.op = SIM_CTRL_HELLO;
	m.prot = SIM_CTRL_VERSION;
	m.vaddr = (uint64_t)rt_syscall_return;
	if (rt_send(SIM_CTRL_FD, &m, sizeof(m), 0, 0) != (long)sizeof(m))
		rt_die("hello");

	static char buf[sizeof(struct sim_ctrl_msg) + sizeof(filter)];
	long n = rt_recv(SIM_CTRL_FD, buf, sizeof(buf), 0);
	struct sim_ctrl_msg h;
	if (n < (long)sizeof(h))
		rt_die("filter");
	memcpy(&h, buf, sizeof(h));
	if (h.op != SIM_CTRL_FILTER || h.size == 0 || h.size > SIM_FILTER_MAX ||
	    (size_t)n != sizeof(h) + h.size * sizeof(struct sim_bpf_insn))
		rt_die("filter");
	memcpy(filter, buf + sizeof(h), h.size * sizeof(struct sim_bpf_insn));

	/* kernel-sim wrote the names before it sent the filter */
	move_title();
	set_comm();

	/*
	 * With a listener, which goes to kernel-sim: every clone of a thread
	 * waits for kernel-sim's answer (host/clone_gate.c).
	 */
	struct k_sock_fprog prog = {(unsigned short)h.size, filter};
	long listener = rt_sys3(__NR_seccomp, K_SECCOMP_SET_MODE_FILTER,
				K_SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	/* Commands may follow at once: none may run unconfined. */
	if (listener < 0) {
		ack(h.seq, listener);
		rt_die("seccomp");
	}
	struct sim_ctrl_msg a;
	memset(&a, 0, sizeof(a));
	a.op = SIM_CTRL_ACK;
	a.seq = h.seq;
	rt_send_fd(SIM_CTRL_FD, &a, sizeof(a), (int)listener);
	rt_sys1(__NR_close, listener);
}

/*
 * A read-only frame is mapped privately: the component sees the frame as
 * it is (and every later write through a writable mapping elsewhere), but
 * a debugger's breakpoint (ptrace writes through copy-on-write) stays in
 * this process instead of changing the frame for every PD that maps it.
 */
static long do_map(const struct sim_ctrl_msg *m, int fd)
{
	if (fd < 0)
		return -9;
	long share = (m->prot & K_PROT_WRITE) ? K_MAP_SHARED : K_MAP_PRIVATE;
	long r = rt_sys6(__NR_mmap, m->vaddr, m->size, m->prot, share | K_MAP_FIXED, fd, m->offset);
	rt_sys1(__NR_close, fd);
	return r < 0 ? r : 0;
}

static void control_loop(void)
{
	for (;;) {
		struct sim_ctrl_msg m;
		int fd;
		long n = rt_recv(SIM_CTRL_FD, &m, sizeof(m), &fd);
		if (n <= 0)
			rt_sys1(__NR_exit_group, 0); /* kernel-sim is gone */
		if (n != (long)sizeof(m)) {
			if (fd >= 0)
				rt_sys1(__NR_close, fd);
			ack(0, -22);
			continue;
		}
		long status;
		switch (m.op) {
		case SIM_CTRL_MAP:
			status = do_map(&m, fd);
			fd = -1;
			break;
		case SIM_CTRL_UNMAP:
			status = rt_sys2(__NR_munmap, m.vaddr, m.size);
			break;
		case SIM_CTRL_THREAD:
			status = rt_thread_start(m.index, fd);
			if (status < 0)
				rt_sys1(__NR_close, fd);
			else
				status = 0;
			fd = -1;
			break;
		case SIM_CTRL_TRACER:
			/* Yama scope 1: this debugger may attach (kernel-sim, an ancestor, always
			 * may) */
			status = rt_sys2(__NR_prctl, K_PR_SET_PTRACER, m.vaddr);
			break;
		case SIM_CTRL_NAME:
			set_comm(); /* the title changed with the file */
			status = 0;
			break;
		default:
			status = -22;
			break;
		}
		if (fd >= 0)
			rt_sys1(__NR_close, fd);
		ack(m.seq, status);
	}
}

__attribute__((noreturn)) void rt_main(uint64_t *sp)
{
	(void)
	    sp; /* argv[0], the title until kernel-sim's names are in place, goes with the stack */
	release_host_mappings();
	if ((uint64_t)rt_sel4_entry != SIM_SEL4_ENTRY)
		rt_die("the system-call entry is not at SIM_SEL4_ENTRY");

	/*
	 * The names the host shows: anonymous memory (the host reads a title
	 * from nothing else), read-only, which kernel-sim writes from outside.
	 */
	if (rt_sys6(__NR_mmap, SIM_RUNTIME_NAMES, SIM_NAMES_SIZE, K_PROT_READ,
		    K_MAP_PRIVATE | K_MAP_ANONYMOUS | K_MAP_FIXED, -1,
		    0) != (long)SIM_RUNTIME_NAMES)
		rt_die("names");

	rt_pid = rt_sys0(__NR_getpid);

	/* The control thread takes no signals; component threads unblock theirs. */
	uint64_t all = ~0ull;
	rt_sys4(__NR_rt_sigprocmask, K_SIG_SETMASK, &all, 0, 8);
	rt_install_trap_handlers();

	confine();
	control_loop();
	__builtin_unreachable();
}
