/*
 * test-hostile-component: a Genode component that attacks the host as hostile
 * component code would (run/hostile.run). Without a config attribute it
 * makes every attempt that must stop with a fault of one thread in a
 * thread of its own, watches that thread's state at its CPU session and
 * logs `DENIED <how>` (the thread faulted) or `ESCAPED <evidence>` (it got
 * past the attempt). <config attempt="NAME"/> makes one attempt that must
 * end the whole component (through the runtime's own system-call site, a
 * forged trap): init's crash report says how, and the run script judges.
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>
#include <component/thread.h>
#include <component/timer.h>
#include <genode/cpu_session.h>
#include <sim/debug.h>
#include "../../tests/hostile/attempts.h"

/* --- attempts that stop one thread ----------------------------------------- */

struct attempt {
	const char *name;
	long (*fn)(const struct attempt *a);
	long nr; /* the system call, for raw ones */
	long arg;
	bool returns; /* the attempt returns a count of what it reached (0 to be denied) */
};

static long raw(const struct attempt *a)
{
	return hostile_syscall(a->nr, a->arg, 0, 0, 0, 0, 0);
}

static long debug_call(const struct attempt *a)
{
	register seL4_Word rdx __asm__("rdx") = (seL4_Word)a->nr;
	register seL4_Word rdi __asm__("rdi") = (seL4_Word)a->arg;
	register seL4_Word rax __asm__("rax") = 0xdeb; /* what core reports as the host call */
	__asm__ volatile("syscall" : "+r"(rdx), "+r"(rdi), "+r"(rax) : : "rcx", "r11", "memory");
	return (long)rdi;
}

static long gate_int80(const struct attempt *a)
{
	long r = a->nr;
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r;
}

static long gate_sysenter(const struct attempt *a)
{
	long r = a->nr;
	__asm__ volatile("sysenter" : "+a"(r) : : "rcx", "r11", "memory");
	return r;
}

__asm__(".pushsection .text\n"
	".code32\n"
	"hostile_compat_code:\n"
	"\tmovl $20, %eax\n"
	"\tint $0x80\n"
	"\tud2\n"
	".code64\n"
	".popsection\n");
extern char hostile_compat_code[];

static long gate_compat(const struct attempt *a)
{
	(void)a;
	__asm__ volatile("pushq $0x23\n\tpushq %0\n\tlretq"
			 :
			 : "r"((uint64_t)hostile_compat_code)
			 : "memory");
	return 0;
}

static long gate_vsyscall(const struct attempt *a)
{
	(void)a;
	static char tv[16];
	return ((long (*)(void *, void *))0xffffffffff600000ul)(tv, 0);
}

/* Memory never attached: a fault that no region map resolves. */
static long read_unattached(const struct attempt *a)
{
	return *(volatile long *)a->arg;
}

/* Write into the runtime's names (the process title): read-only. */
static long write_title(const struct attempt *a)
{
	(void)a;
	memcpy((void *)SIM_RUNTIME_NAMES, "[sim] init", 11);
	return 0;
}

/*
 * Invoke capability selectors it was never given: core's pager turns each
 * cap fault into an IPC error; count what answered otherwise.
 */
static long guess_caps(const struct attempt *a)
{
	(void)a;
	long found = 0;
	for (seL4_CPtr c = 0x3000; c < 0x3400; c++) {
		seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(c);
		found += r.error == seL4_NoError;
	}
	static const seL4_CPtr forged[] = {~0ul, 1ul << 63, seL4_CapInitThreadTCB,
					   seL4_CapIRQControl, seL4_CapIOPortControl};
	for (unsigned i = 0; i < sizeof(forged) / sizeof(forged[0]); i++)
		found += seL4_X86_IOPort_In8(forged[i], 0x3f8).error == seL4_NoError;
	return found;
}

/* Terminal escapes and another component's label in its own log lines. */
static long log_escapes(const struct attempt *a)
{
	(void)a;
	log("escape \033[2J\033[H \033]0;owned\007 \r\033[K \x9b"
	    "31m \xc2\x9b"
	    "31m");
	log("two lines\n[init -> timer] spoofed line");
	return 0;
}

#define RAW(NAME, NR, ARG)                                                                         \
	{                                                                                          \
		"raw-" NAME, raw, NR, ARG, false                                                   \
	}
#define DEBUG(NAME, NR)                                                                            \
	{                                                                                          \
		"debug-" NAME, debug_call, NR, 1, false                                            \
	}

static const struct attempt attempts[] = {
    /* harmless arguments: an escape must show as going on, never hurt the host */
    RAW("open", LX_OPEN, (long)"/"),
    RAW("openat", LX_OPENAT, -100),
    RAW("creat", LX_CREAT, 0),
    RAW("socket", LX_SOCKET, LX_AF_UNIX),
    RAW("connect", LX_CONNECT, -1),
    RAW("kill", LX_KILL, 0x3fffffff),
    RAW("tgkill", LX_TGKILL, 0x3fffffff),
    RAW("ptrace", LX_PTRACE, 0),
    RAW("execve", LX_EXECVE, 0),
    RAW("fork", LX_FORK, 0),
    RAW("vfork", LX_VFORK, 0),
    RAW("clone", LX_CLONE, LX_CLONE_THREAD_FLAGS),
    RAW("clone3", LX_CLONE3, 0),
    RAW("mmap", LX_MMAP, 0x50000000),
    RAW("mprotect", LX_MPROTECT, 0x1000000),
    RAW("munmap", LX_MUNMAP, SIM_RUNTIME_BASE),
    RAW("mremap", LX_MREMAP, 0),
    RAW("prctl", LX_PRCTL, LX_PR_SET_PTRACER),
    RAW("seccomp", LX_SECCOMP, 0),
    RAW("setrlimit", LX_SETRLIMIT, LX_RLIMIT_NPROC),
    RAW("unshare", LX_UNSHARE, LX_CLONE_NEWUSER),
    RAW("setns", LX_SETNS, -1),
    RAW("mount", LX_MOUNT, 0),
    RAW("chdir", LX_CHDIR, 0),
    RAW("write", LX_WRITE, -1),
    RAW("read", LX_READ, -1),
    RAW("pidfd-open", LX_PIDFD_OPEN, 0x3fffffff),
    RAW("process-vm-writev", LX_PROCESS_VM_WRITEV, 0x3fffffff),
    RAW("memfd-create", LX_MEMFD_CREATE, 0),
    RAW("io-uring-setup", LX_IO_URING_SETUP, 0),
    RAW("bpf", LX_BPF, -1),
    RAW("userfaultfd", LX_USERFAULTFD, 0),
    RAW("ioctl", LX_IOCTL, -1),
    RAW("uretprobe", LX_URETPROBE, 0),
    RAW("uprobe", LX_UPROBE, 0),
    RAW("getpid", LX_GETPID, 0),
    RAW("rt-sigaction", LX_RT_SIGACTION, 0),
    RAW("rt-sigprocmask", LX_RT_SIGPROCMASK, 0),
    RAW("arch-prctl", LX_ARCH_PRCTL, 0),
    RAW("setuid", LX_SETUID, 0),
    RAW("x32-getpid", LX_X32 | LX_GETPID, 0),
    RAW("exit-group", 231, 0),
    {"gate-int80", gate_int80, 20, 0, false},
    {"gate-sysenter", gate_sysenter, 20, 0, false},
    {"gate-compat-mode", gate_compat, 0, 0, false},
    {"gate-vsyscall", gate_vsyscall, 0, 0, false},
    DEBUG("halt", seL4_SysDebugHalt),
    DEBUG("halt-status", SIM_SysDebugHaltStatus),
    DEBUG("putchar", seL4_SysDebugPutChar),
    DEBUG("putstring", SIM_SysDebugPutString),
    DEBUG("dump-scheduler", seL4_SysDebugDumpScheduler),
    DEBUG("snapshot", seL4_SysDebugSnapshot),
    DEBUG("cap-identify", seL4_SysDebugCapIdentify),
    DEBUG("name-thread", seL4_SysDebugNameThread),
    DEBUG("kill-pd", SIM_SysDebugKillPD),
    DEBUG("thread-state", SIM_SysDebugThreadState),
    DEBUG("host-resources", SIM_SysDebugHostResources),
    DEBUG("interrupt-after-work", SIM_SysDebugInterruptAfterWork),
    {"frame-unattached", read_unattached, 0, 0x6000000000l, false},
    {"title-write", write_title, 0, 0, false},
    {"cap-guessing", guess_caps, 0, 0, true},
    {"log-escapes", log_escapes, 0, 0, true},
};

#define N_ATTEMPTS (sizeof(attempts) / sizeof(attempts[0]))

static volatile long result;
static volatile bool returned;

static void run_attempt(void *arg)
{
	const struct attempt *a = arg;
	result = a->fn(a);
	returned = true;
}

static unsigned denied, escaped;

static void verdict(const char *name, bool ok, const char *how)
{
	log("%s %s: %s", ok ? "DENIED" : "ESCAPED", name, how);
	if (ok)
		denied++;
	else
		escaped++;
}

static void watch(struct env *env, struct timer *timer, const struct attempt *a)
{
	static struct thread t;
	returned = false;
	if (thread_start(env, &t, a->name, 16 * 1024, run_attempt, (void *)a)) {
		error("cannot start a thread for %s", a->name);
		return;
	}
	struct cpu_thread_state s = {0};
	for (int i = 0; i < 300 && !returned; i++) {
		cpu_thread_state(t.cap, 0, &s, 0, 0);
		if (s.state == THREAD_FAULTED || s.state == THREAD_DEAD)
			break;
		timer_msleep(timer, 10);
	}
	char how[120];
	bool ok = true;
	if (returned && a->returns) {
		ok = result == 0;
		snprintf(how, sizeof(how), "reached %ld things it was not given", result);
	} else if (returned) {
		ok = false;
		snprintf(how, sizeof(how), "the thread went on (returned %ld)", result);
	} else if (s.state == THREAD_FAULTED && s.exception) {
		snprintf(how, sizeof(how),
			 "the thread faulted (exception or host call %lu at ip %#lx)",
			 (unsigned long)s.exception, (unsigned long)s.ip);
	} else if (s.state == THREAD_FAULTED) {
		snprintf(how, sizeof(how),
			 "the thread faulted (unresolvable fault at %#lx, ip %#lx)",
			 (unsigned long)s.fault_addr, (unsigned long)s.ip);
	} else {
		ok = false;
		snprintf(how, sizeof(how), "the thread neither faulted nor returned (state %lu)",
			 (unsigned long)s.state);
	}
	verdict(a->name, ok, how);
	thread_destroy(env, &t);
}

/* --- attempts that end the component ---------------------------------------- */

static long site(long nr, long a, long b, long c, long d, long e, long f)
{
	return hostile_site_syscall(nr, a, b, c, d, e, f);
}

static long fatal(const char *what)
{
	static char stack[4096] __attribute__((aligned(16)));
	static const char name[16] = "init";
	if (!strcmp(what, "site-open"))
		return site(LX_OPEN, (long)"/tmp", 0, 0, 0, 0, 0);
	if (!strcmp(what, "site-socket"))
		return site(LX_SOCKET, LX_AF_UNIX, LX_SOCK_STREAM, 0, 0, 0, 0);
	if (!strcmp(what, "site-thread-bomb")) {
		for (int i = 0; i < 64; i++)
			if (site(LX_CLONE, LX_CLONE_THREAD_FLAGS, (long)(stack + 4096), 0, 0, 0,
				 0) == 0)
				for (;;)
					__asm__ volatile("pause");
		return 0;
	}
	if (!strcmp(what, "site-mmap"))
		return site(LX_MMAP, 0x50000000, 1ul << 30, LX_PROT_RWX, LX_MAP_PRIVATE_ANON_FIXED,
			    -1, 0);
	if (!strcmp(what, "site-munmap-runtime"))
		return site(LX_MUNMAP, SIM_RUNTIME_BASE, 4096, 0, 0, 0, 0);
	if (!strcmp(what, "site-seccomp"))
		return site(LX_SECCOMP, 1, 0, 0, 0, 0, 0);
	if (!strcmp(what, "site-prctl-set-name"))
		return site(LX_PRCTL, LX_PR_SET_NAME, (long)name, 0, 0, 0, 0);
	if (!strcmp(what, "site-x32"))
		return site(LX_X32 | LX_GETPID, 0, 0, 0, 0, 0, 0);
	if (!strcmp(what, "forge-pd-lost")) {
		struct sim_trap t = {
		    .kind = SIM_TRAP_EXCEPTION, .signo = 11, .trapno = 0x100, .err = 0x4242};
		return hostile_forge_trap(&t, sizeof(t));
	}
	if (!strcmp(what, "forge-trap-kind")) {
		struct sim_trap t = {.kind = 99};
		return hostile_forge_trap(&t, sizeof(t));
	}
	return -1;
}

void component_construct(struct env *env)
{
	char what[64] = "";
	struct rom_connection rom;
	struct xml_node config;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0))
		xml_attr_string(&config, "attempt", what, sizeof(what));
	if (what[0]) {
		long r = fatal(what);
		/* the PD should be gone; give kernel-sim time to end it, then say it was not */
		for (volatile long i = 0; i < 200000000; i++)
			;
		log("ESCAPED %s: the component went on (returned %ld)", what, r);
		env_exit(env, 1);
		return;
	}
	static struct timer timer;
	if (timer_connect(env, &timer)) {
		error("no Timer session");
		env_exit(env, 2);
		return;
	}
	for (unsigned i = 0; i < N_ATTEMPTS; i++)
		watch(env, &timer, &attempts[i]);
	log("test-hostile-component: %u denied, %u escaped", denied, escaped);
	env_exit(env, escaped ? 1 : 0);
}
