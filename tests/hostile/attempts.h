/*
 * What a hostile PD tries on the host, shared by the hostile root task
 * (tests/roottask/hostile.c) and the hostile Genode component
 * (components/test/hostile.c). Each attempt is a function that returns only
 * if the thread got past what must stop it; how it was stopped (a fault,
 * the end of the PD) is judged by whoever watches the thread.
 *
 * Linux numbers and flags are spelled out: these programs do not use the
 * host ABI, they attack it.
 */
#pragma once

#include <sim/ctrl.h>
#include <sim/layout.h>
#include <sim/trap.h>
#include <stdint.h>

enum {
	LX_READ = 0,
	LX_WRITE = 1,
	LX_OPEN = 2,
	LX_MMAP = 9,
	LX_MPROTECT = 10,
	LX_MUNMAP = 11,
	LX_RT_SIGACTION = 13,
	LX_RT_SIGPROCMASK = 14,
	LX_IOCTL = 16,
	LX_MREMAP = 25,
	LX_GETPID = 39,
	LX_SOCKET = 41,
	LX_CONNECT = 42,
	LX_SENDMSG = 46,
	LX_RECVMSG = 47,
	LX_CLONE = 56,
	LX_FORK = 57,
	LX_VFORK = 58,
	LX_EXECVE = 59,
	LX_EXIT = 60,
	LX_KILL = 62,
	LX_CHDIR = 80,
	LX_CREAT = 85,
	LX_PTRACE = 101,
	LX_SETUID = 105,
	LX_SIGALTSTACK = 131,
	LX_PRCTL = 157,
	LX_ARCH_PRCTL = 158,
	LX_SETRLIMIT = 160,
	LX_MOUNT = 165,
	LX_TGKILL = 234,
	LX_OPENAT = 257,
	LX_UNSHARE = 272,
	LX_SETNS = 308,
	LX_PROCESS_VM_WRITEV = 311,
	LX_SECCOMP = 317,
	LX_MEMFD_CREATE = 319,
	LX_BPF = 321,
	LX_USERFAULTFD = 323,
	LX_PKEY_MPROTECT = 329,
	LX_URETPROBE = 335,
	LX_UPROBE = 336,
	LX_IO_URING_SETUP = 425,
	LX_PIDFD_OPEN = 434,
	LX_CLONE3 = 435,
	LX_X32 = 0x40000000,

	LX_O_WRONLY_CREAT = 01 | 0100,
	LX_SIGKILL = 9,
	LX_SIGURG = 23,
	LX_PTRACE_ATTACH = 16,
	LX_AF_INET = 2,
	LX_AF_UNIX = 1,
	LX_SOCK_STREAM = 1,
	LX_PROT_RWX = 7,
	LX_MAP_PRIVATE_ANON_FIXED = 0x02 | 0x20 | 0x10,
	LX_MAP_SHARED_FIXED = 0x01 | 0x10,
	LX_CLONE_THREAD_FLAGS = 0x00010000 | 0x00000100 | 0x00000200 | 0x00000400 | 0x00000800 |
				0x00040000 | 0x00100000 | 0x00200000,
	LX_SIGCHLD = 17,
	LX_PR_SET_DUMPABLE = 4,
	LX_PR_SET_NAME = 15,
	LX_PR_SET_MM = 35,
	LX_PR_SET_MM_ARG_START = 8,
	LX_PR_SET_PTRACER = 0x59616d61,
	LX_CLONE_NEWUSER = 0x10000000,
	LX_MS_BIND = 4096,
	LX_RLIMIT_NPROC = 6,
	LX_ARCH_SET_FS = 0x1002,
	LX_MSG_DONTWAIT = 0x40,
	LX_RT_SIGRETURN = 15,
};

/* A system call from component code: trapped, whatever its number. */
static inline long hostile_syscall(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "+a"(nr)
			 : "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return nr;
}

/*
 * The runtime's single syscall instruction, followed by its ret, found in
 * the runtime's code (component code can read it: same address space).
 */
static inline const unsigned char *hostile_find_site(void)
{
	const unsigned char *p = (const unsigned char *)SIM_RUNTIME_BASE + 0x1000;
	for (unsigned i = 0; i < 0x10000; i++)
		if (p[i] == 0x0f && p[i + 1] == 0x05 && p[i + 2] == 0xc3)
			return p + i;
	return 0;
}

/*
 * A system call through the runtime's site, as component code that took
 * over the runtime's code would make it: only the seccomp program's
 * argument checks stand in the way. Below the red zone, as a call must be.
 */
static inline long hostile_site_syscall(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	register const unsigned char *site __asm__("r12") = hostile_find_site();
	if (!site)
		return -38;
	__asm__ volatile("sub $128, %%rsp\n\tcall *%%r12\n\tadd $128, %%rsp"
			 : "+a"(nr)
			 : "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9), "r"(site)
			 : "rcx", "r11", "memory");
	return nr;
}

/* The host's struct msghdr and iovec, spelled out. */
struct hostile_iovec {
	void *base;
	unsigned long len;
};
struct hostile_msghdr {
	void *name;
	int namelen;
	struct hostile_iovec *iov;
	unsigned long iovlen;
	void *control;
	unsigned long controllen;
	unsigned flags;
};

/* sendmsg of one buffer on fd through the site. */
static inline long hostile_site_send(int fd, const void *buf, unsigned long len)
{
	struct hostile_iovec iov = {(void *)buf, len};
	struct hostile_msghdr m = {0, 0, &iov, 1, 0, 0, 0};
	return hostile_site_syscall(LX_SENDMSG, fd, (long)&m, LX_MSG_DONTWAIT, 0, 0, 0);
}

/* recvmsg on fd through the site, keeping a descriptor that came with it in *fd_out. */
static inline long hostile_site_recv(int fd, void *buf, unsigned long len, int *fd_out)
{
	struct hostile_iovec iov = {buf, len};
	union {
		struct {
			unsigned long len;
			int level, type;
			int fd;
		} c;
		char space[32];
	} cm;
	struct hostile_msghdr m = {0, 0, &iov, 1, &cm, sizeof(cm), 0};
	cm.c.len = 0;
	*fd_out = -1;
	long n = hostile_site_syscall(LX_RECVMSG, fd, (long)&m, LX_MSG_DONTWAIT, 0, 0, 0);
	if (n > 0 && m.controllen >= 20 && cm.c.level == 1 && cm.c.type == 1)
		*fd_out = cm.c.fd;
	return n;
}

/*
 * A forged trap on the first thread channel of this process (any descriptor
 * but the control channel that takes a sim_trap): a runtime never sends it.
 */
static inline long hostile_forge_trap(const void *msg, unsigned long len)
{
	long r = -9;
	for (int fd = 0; fd < 16; fd++)
		if (fd != SIM_CTRL_FD && (r = hostile_site_send(fd, msg, len)) >= 0)
			return r;
	return r;
}

/* Linux's struct ucontext on x86_64, as rt_sigreturn reads it. */
struct hostile_ucontext {
	unsigned long flags;
	void *link;
	void *ss_sp;
	int ss_flags;
	unsigned long ss_size;
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
	unsigned long rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	unsigned long eflags;
	unsigned short cs, gs, fs, ss;
	unsigned long err, trapno, oldmask, cr2;
	void *fpstate;
	unsigned long reserved[8];
	unsigned long sigmask;
};

/*
 * Block the park signal without rt_sigprocmask: an rt_sigreturn through the
 * site with a forged frame whose signal mask holds SIGURG, continuing in fn
 * on stack. kernel-sim can then not stop this thread and must not wait for it.
 */
static inline __attribute__((noreturn)) void hostile_block_park(void (*fn)(void), char *stack,
								unsigned long stack_size)
{
	struct {
		void *pretcode;
		struct hostile_ucontext uc;
	} frame __attribute__((aligned(16)));
	__builtin_memset(&frame, 0, sizeof(frame));
	frame.uc.rip = (unsigned long)fn;
	frame.uc.rsp = (unsigned long)(stack + stack_size - 8);
	frame.uc.eflags = 0x202;
	frame.uc.cs = 0x33;
	frame.uc.ss = 0x2b;
	frame.uc.sigmask = 1ul << (LX_SIGURG - 1);
	const unsigned char *site = hostile_find_site();
	__asm__ volatile("mov %0, %%rsp\n"
			 "mov %1, %%eax\n"
			 "jmp *%2\n"
			 :
			 : "r"(&frame.uc), "i"(LX_RT_SIGRETURN), "r"(site)
			 : "memory");
	__builtin_unreachable();
}
