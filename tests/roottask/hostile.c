/*
 * test-hostile: a root task that tries to reach the host behind the
 * kernel's back with raw Linux system calls. Its boot module "attempt"
 * names one attempt and its argument, e.g. "open /tmp/x/created". Each
 * attempt must be trapped: the thread never gets past it.
 */
#include <base/format.h>
#include <base/roottask.h>
#include <base/string.h>

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
	long r = attempt(what);
	printf("test-hostile: %s was not trapped (returned %ld)\n", what, r);
	return 1;
}
