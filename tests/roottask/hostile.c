/*
 * test-hostile: a root task that tries to reach the host behind the
 * kernel's back with raw Linux system calls. Its boot module "attempt"
 * names one attempt and its argument, e.g. "open /tmp/x/created". Each
 * attempt must be trapped: the thread never gets past it. The attempt runs
 * in a second thread: a fault of the initial thread without a handler and
 * no other thread to run ends the system, and the test looks at the PD
 * afterwards. "initial-fault" and "initial-fault-outlived" fault the initial
 * thread itself, alone or while a second thread can still run.
 */
#include <base/format.h>
#include <base/roottask.h>
#include <base/string.h>
#include <stdbool.h>

/* Linux x86_64 numbers and flags, spelled out: this task does not use the host ABI. */
enum {
	LINUX_OPEN = 2,
	LINUX_MMAP = 9,
	LINUX_SOCKET = 41,
	LINUX_EXECVE = 59,
	LINUX_KILL = 62,
	LINUX_PTRACE = 101,
	LINUX_O_WRONLY_CREAT = 01 | 0100,
	LINUX_SIGKILL = 9,
	LINUX_PTRACE_ATTACH = 16,
	LINUX_AF_INET = 2,
	LINUX_SOCK_STREAM = 1,
	LINUX_PROT_RW = 3,
	LINUX_MAP_PRIVATE_ANON_FIXED = 0x02 | 0x20 | 0x10,
};

static long linux_syscall(long nr, long a, long b, long c, long d, long e, long f)
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

static char arg[256];

static long attempt(const char *what)
{
	unsigned long n = 0;
	if (!strcmp(what, "open"))
		return linux_syscall(LINUX_OPEN, (long)arg, LINUX_O_WRONLY_CREAT, 0644, 0, 0, 0);
	if (!strcmp(what, "socket"))
		return linux_syscall(LINUX_SOCKET, LINUX_AF_INET, LINUX_SOCK_STREAM, 0, 0, 0, 0);
	if (!strcmp(what, "kill") && parse_ulong(arg, &n))
		return linux_syscall(LINUX_KILL, (long)n, LINUX_SIGKILL, 0, 0, 0, 0);
	if (!strcmp(what, "execve")) {
		static char sh[] = "/bin/sh", c[] = "-c";
		static char *argv[4] = {sh, c, arg, 0};
		return linux_syscall(LINUX_EXECVE, (long)sh, (long)argv, 0, 0, 0, 0);
	}
	if (!strcmp(what, "ptrace") && parse_ulong(arg, &n))
		return linux_syscall(LINUX_PTRACE, LINUX_PTRACE_ATTACH, (long)n, 0, 0, 0, 0);
	if (!strcmp(what, "mmap") && parse_ulong(arg, &n))
		return linux_syscall(LINUX_MMAP, (long)n, 4096, LINUX_PROT_RW,
				     LINUX_MAP_PRIVATE_ANON_FIXED, -1, 0);
	if (!strcmp(what, "int80")) {
		long r = 20; /* getpid in the i386 table */
		__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
		return r;
	}
	printf("test-hostile: unknown attempt '%s'\n", what);
	return -1;
}

static char attempt_stack[16384] __attribute__((aligned(16)));
static const char *attempt_what;

/*
 * Runs on after the initial thread died: seL4 leaves the system to it. It
 * has no IPC buffer or TLS, so it prints with seL4_DebugPutChar alone.
 */
static void outlive(void)
{
	for (int i = 0; i < 100; i++)
		seL4_Yield();
	for (const char *c = "test-hostile: the second thread runs on\n"; *c; c++)
		seL4_DebugPutChar(*c);
}

static void attempt_thread(void)
{
	if (!strcmp(attempt_what, "outlive")) {
		outlive();
		for (;;)
			seL4_Yield();
	}
	long r = attempt(attempt_what);
	printf("test-hostile: %s was not trapped (returned %ld)\n", attempt_what, r);
	for (;;)
		seL4_TCB_Suspend(seL4_CapInitThreadTCB);
}

/* A thread of the same address space and CSpace, without a fault handler, runs the attempt. */
static bool start_attempt(const seL4_BootInfo *bi, const char *what)
{
	seL4_CPtr tcb = bi->empty.start, ut = 0;
	for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start && !ut; i++)
		if (!bi->untypedList[i].isDevice && bi->untypedList[i].sizeBits >= seL4_TCBBits)
			ut = bi->untyped.start + i;
	attempt_what = what;
	seL4_UserContext regs = {.rip = (seL4_Word)attempt_thread,
				 .rsp = (seL4_Word)(attempt_stack + sizeof(attempt_stack) - 8)};
	if (!ut ||
	    seL4_Untyped_Retype(ut, seL4_TCBObject, 0, seL4_CapInitThreadCNode, 0, 0, tcb, 1) ||
	    seL4_TCB_Configure(tcb, seL4_CapNull, seL4_CapInitThreadCNode, 0,
			       seL4_CapInitThreadVSpace, 0, 0, seL4_CapNull) ||
	    seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 255)) {
		printf("test-hostile: cannot create the attempt's thread\n");
		return false;
	}
	seL4_DebugNameThread(tcb, "test-hostile");
	return seL4_TCB_WriteRegisters(tcb, 1, 0, 2, &regs) == seL4_NoError;
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(seL4_CapInitThreadTCB, "test-hostile");
	const sim_BootModule *m = sim_boot_module(bi, "attempt");
	if (!m) {
		printf("test-hostile: no 'attempt' module\n");
		return 2;
	}
	char what[32];
	size_t len = m->size < sizeof(what) + sizeof(arg) - 2 ? m->size : 0;
	const char *text = (const char *)m->vaddr;
	size_t i = 0, j = 0;
	while (i < len && text[i] != ' ' && text[i] != '\n' && j < sizeof(what) - 1)
		what[j++] = text[i++];
	what[j] = 0;
	if (i < len && text[i] == ' ')
		i++;
	j = 0;
	while (i < len && text[i] != '\n' && j < sizeof(arg) - 1)
		arg[j++] = text[i++];
	arg[j] = 0;

	printf("test-hostile: attempting %s\n", what);
	if (!strcmp(what, "initial-fault"))
		return (int)*(volatile long *)0; /* the initial thread itself */
	if (!strcmp(what, "initial-fault-outlived")) {
		if (!start_attempt(bi, "outlive"))
			return 2;
		return (int)*(volatile long *)0; /* while the second thread can run */
	}
	if (!start_attempt(bi, what))
		return 2;
	seL4_TCB_Suspend(seL4_CapInitThreadTCB);
	return 1;
}
