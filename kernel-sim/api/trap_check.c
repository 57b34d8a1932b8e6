#include "trap_check.h"

#include <sim/layout.h>

#include <linux/audit.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/syscall.h>

#ifndef __NR_uretprobe
#define __NR_uretprobe 335
#endif

#define X86_TRAP_PF 14

/* Vectors of the x86 exceptions the host reports as a signal to the thread. */
static bool host_exception(uint64_t vector)
{
	return vector < 32 && vector != X86_TRAP_PF;
}

const char *trap_malformed(const struct sim_trap *t)
{
	switch (t->kind) {
	case SIM_TRAP_SYSCALL:
		if (t->signo == SIGILL && t->host_nr == __NR_uretprobe &&
		    t->arch == AUDIT_ARCH_X86_64)
			return NULL; /* the uretprobe call the host answers with SIGILL */
		if (t->signo != SIGSYS)
			return "a system call without SIGSYS";
		if (t->arch != AUDIT_ARCH_X86_64 && t->arch != AUDIT_ARCH_I386)
			return "a system call of an unknown architecture";
		return NULL;
	case SIM_TRAP_START:
		return t->signo == 0 ? NULL : "a thread start with a signal";
	case SIM_TRAP_VM_FAULT:
		if (t->signo != SIGSEGV && t->signo != SIGBUS)
			return "a page fault without SIGSEGV or SIGBUS";
		if (t->trapno != X86_TRAP_PF)
			return "a page fault that is no #PF";
		if (t->err >> 32)
			return "a page-fault error code out of range";
		return NULL;
	case SIM_TRAP_EXCEPTION:
		if (t->signo != SIGSEGV && t->signo != SIGBUS && t->signo != SIGILL &&
		    t->signo != SIGFPE && t->signo != SIGTRAP)
			return "an exception without an exception's signal";
		if (!host_exception(t->trapno))
			return "an exception vector the CPU does not raise";
		if (t->err >> 32)
			return "an exception error code out of range";
		return NULL;
	case SIM_TRAP_PARKED:
		return t->signo == SIM_PARK_SIGNAL ? NULL : "a park without the park signal";
	default:
		return "an unknown trap kind";
	}
}
