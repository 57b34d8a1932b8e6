/*
 * Wire format of a thread's channel to kernel-sim (SOCK_SEQPACKET).
 *
 * Every entry into the simulated kernel is one sim_trap message carrying the
 * thread's full register set as it was at the trap; the thread then blocks
 * until kernel-sim answers with one sim_resume message whose registers it
 * continues with. Message registers beyond the four in registers and all
 * capability-transfer fields live in the thread's IPC buffer, which
 * kernel-sim maps itself.
 *
 * kernel-sim parks a running thread by queueing SIM_PARK_SIGNAL to it with a
 * sequence number (si_value). The thread traps SIM_TRAP_PARKED with that
 * number; a park signal whose number an answer already covered (park_seq)
 * is stale and the runtime ignores it.
 *
 * Device time: an access to a memory-mapped device register is a trap
 * (VM_FAULT) that kernel-sim emulates. A device whose accesses take no
 * device time (the HPET, kernel-sim's extension) must not see the host time
 * from the trap to the thread's resumption, of which kernel-sim sees only
 * the middle. So the runtime stamps the TSC when its trap handler begins
 * (entry_tsc) and, when the answer carried an answer_tsc, again just before
 * the thread resumes; the ticks in between travel with the thread's next
 * trap (resume_ticks). kernel-sim trusts neither: it clamps each part and
 * counts resume_ticks only after an answer it stamped itself.
 */
#pragma once

#include "../sel4/user_context.h"

enum sim_trap_kind {
	SIM_TRAP_SYSCALL = 1, /* the thread executed the syscall instruction */
	SIM_TRAP_START,	      /* a new thread asks for its first register set */
	SIM_TRAP_VM_FAULT,    /* SIGSEGV or SIGBUS in component code */
	SIM_TRAP_EXCEPTION,   /* SIGILL, SIGFPE or SIGTRAP in component code */
	SIM_TRAP_PARKED,      /* stopped at kernel-sim's request */
};

struct sim_trap {
	uint32_t kind;
	uint32_t signo;	   /* host signal behind the trap, 0 for START */
	int32_t si_code;   /* its si_code */
	uint32_t arch;	   /* AUDIT_ARCH_* of a trapped system call */
	uint64_t host_nr;  /* host system-call number (si_syscall) */
	uint64_t addr;	   /* faulting data address (si_addr); SYSCALL: si_call_addr */
	uint64_t err;	   /* x86 error code of the exception */
	uint64_t trapno;   /* x86 exception vector */
	uint64_t park_seq; /* PARKED: the park's sequence number */
	uint32_t tid;	   /* START: the host thread id, where parks are sent */
	uint32_t reserved;
	uint64_t entry_tsc;    /* the TSC when the runtime's trap handler began (0: none) */
	uint64_t resume_ticks; /* TSC ticks from the last answer_tsc to the resumption after it */
	seL4_UserContext regs; /* rip is the address after the syscall instruction */
};

enum sim_resume_kind {
	SIM_RESUME_CONTINUE = 1, /* load regs and continue */
	SIM_RESUME_EXIT,	 /* the thread's TCB is gone: end the host thread */
};

enum sim_resume_flags {
	SIM_RESUME_SET_FS = 1 << 0, /* load regs.fs_base */
	SIM_RESUME_SET_GS = 1 << 1, /* load regs.gs_base */
	SIM_RESUME_YIELD = 1 << 2,  /* give up the host CPU before continuing */
	SIM_RESUME_NAME = 1 << 3,   /* set the host thread's name */
};

struct sim_resume {
	uint32_t kind;
	uint32_t flags;
	uint64_t park_seq;   /* every park up to this number is answered */
	uint64_t answer_tsc; /* kernel-sim's TSC as it answered a device access, else 0 */
	seL4_UserContext regs;
	char name[16]; /* host thread name (comm), NUL terminated */
};
