/*
 * The slice of the Linux x86_64 ABI the runtime uses, in the kernel's own
 * layouts (not libc's).
 */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <asm/unistd_64.h>
#include <asm/sigcontext.h>

#define K_SIGHUP  1
#define K_SIGINT  2
#define K_SIGILL  4
#define K_SIGTRAP 5
#define K_SIGBUS  7
#define K_SIGFPE  8
#define K_SIGKILL 9
#define K_SIGSEGV 11
#define K_SIGSYS  31

#define K_SA_SIGINFO  0x00000004u
#define K_SA_ONSTACK  0x08000000u
#define K_SA_RESTORER 0x04000000u

#define K_SIG_BLOCK   0
#define K_SIG_SETMASK 2

#define K_EINTR 4

#define K_SYS_SECCOMP	    1
#define K_SI_KERNEL	    0x80
#define K_SI_QUEUE	    (-1)
#define K_AUDIT_ARCH_X86_64 0xc000003eu

#ifndef __NR_uretprobe
#define __NR_uretprobe 335
#endif

#define K_CLONE_VM	       0x00000100
#define K_CLONE_FS	       0x00000200
#define K_CLONE_FILES	       0x00000400
#define K_CLONE_SIGHAND	       0x00000800
#define K_CLONE_THREAD	       0x00010000
#define K_CLONE_SYSVSEM	       0x00040000
#define K_CLONE_PARENT_SETTID  0x00100000
#define K_CLONE_CHILD_CLEARTID 0x00200000

#define K_PR_SET_NAME		       15
#define K_PR_SET_MM		       35
#define K_PR_SET_SYSCALL_USER_DISPATCH 59
#define K_PR_SYS_DISPATCH_ON	       1
#define K_PR_SET_MM_MAP		       14
#define K_PR_SET_PTRACER	       0x59616d61

#define K_ARCH_SET_GS 0x1001
#define K_ARCH_SET_FS 0x1002

#define K_SCM_RIGHTS	   1
#define K_SOL_SOCKET	   1
#define K_MSG_CMSG_CLOEXEC 0x40000000

#define K_SECCOMP_SET_MODE_FILTER	   1
#define K_SECCOMP_FILTER_FLAG_NEW_LISTENER (1ul << 3)

#define K_MAP_SHARED	0x01
#define K_MAP_PRIVATE	0x02
#define K_PROT_WRITE	0x2
#define K_MAP_FIXED	0x10
#define K_MAP_ANONYMOUS 0x20
#define K_PROT_READ	0x1

struct k_sigaction {
	void (*handler)(int, void *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

struct k_stack {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
};

struct k_ucontext {
	unsigned long uc_flags;
	struct k_ucontext *uc_link;
	struct k_stack uc_stack;
	struct sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct k_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int _pad0;
	union {
		void *addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
		struct {
			void *call_addr;
			int syscall;
			unsigned int arch;
		} sys; /* SIGSYS */
		struct {
			int pid;
			unsigned int uid;
			uint64_t value;
		} rt; /* queued with rt_tgsigqueueinfo (si_code K_SI_QUEUE) */
		char _bytes[112];
	} u;
};

struct k_iovec {
	void *base;
	size_t len;
};

struct k_msghdr {
	void *name;
	int namelen;
	struct k_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	unsigned flags;
};

struct k_cmsghdr {
	size_t len;
	int level;
	int type;
};

struct k_prctl_mm_map {
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t *auxv;
	uint32_t auxv_size;
	uint32_t exe_fd;
};

struct k_sock_fprog {
	unsigned short len;
	const void *filter;
};

/* x86 exception vectors as ucontext reports them. */
#define X86_TRAP_GP 13
#define X86_TRAP_PF 14

/* User code and data selectors of a 64-bit Linux process. */
#define K_USER_CS 0x33
#define K_USER_DS 0x2b
