/*
 * test-hostile: a root task that attacks the host the way a hostile PD
 * would, and reports every attempt as `DENIED <how>` or `ESCAPED
 * <evidence>` (tests/system/hostile.sh fails on any ESCAPED).
 *
 * Each attempt runs in a thread whose fault endpoint the root task waits
 * on: in the root task's own VSpace when what stops it is a fault, in a
 * child PD (a VSpace, CSpace and PD process of its own) when what stops it
 * ends the PD. An attempt function that returns got past what should have
 * stopped it: its thread reports the value with a made-up system call, and
 * the attempt's judge decides (a few attempts return their findings). What
 * only the host can see (a file created, a sentinel process killed or
 * traced, the threads and memory of a PD process, the raw output) is
 * listed as `HOSTCHECK` lines for the script.
 *
 * Boot module "hostile.args": "SENTINEL_PID DIRECTORY". Without it the
 * initial thread faults itself (what core's death looks like); with
 * "outlive" it does so while a second thread can still run.
 */
#include "../conformance/test.h"
#include "../hostile/attempts.h"
#include <sim/debug.h>
#include <sim/faults.h>

void env_init(const seL4_BootInfo *bi);

const char *env_program = "test-hostile";

/* The report of an attempt that returned: a system call seL4 does not have. */
#define REPORT_SYSCALL (-0x7e57l)

/* Shared with child PDs (they map the root task's image). */
static long sentinel;
static char dir[200];
static char path_buf[256];
static volatile seL4_Word shared_flag, shared_value;

static const char *path(const char *name)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir, name);
	return path_buf;
}

/* --- system calls as data ----------------------------------------------------- */

/*
 * Most attempts are one system call: from component code (trapped, however
 * it is made), through the runtime's own site (ends the PD), or a debug
 * call. FILE stands for a path in the test's directory named after the
 * attempt, which the host checks is never created.
 */
enum how { RAW, SITE, DEBUG };
struct call {
	enum how how;
	long nr;
	long arg[6];
};
#define FILE	 0x7e57f11el
#define SENTINEL (-2) /* stands for the sentinel process's pid */

static char clone_stack[4096] __attribute__((aligned(16)));
static const char unix_addr[110] = {1, 0, 0, 'x'};
static uint64_t clone3_args[11];
static const uint64_t no_limit[2] = {~0ul, ~0ul};
static char buffer[128];
static const struct {
	void *base;
	unsigned long len;
} iov = {buffer, 8};
static const uint64_t sig_ignore[4] = {1 /* SIG_IGN */, 0, 0, 0};
static const uint64_t all_signals = ~0ul;
static const uint64_t no_altstack[3] = {0, 2 /* SS_DISABLE */, 0};
static const char tiocsti_char = 'x';
static const uint32_t allow_all[2] = {0x06, 0x7fff0000}; /* BPF: ret ALLOW */
static const struct {
	unsigned short len;
	const void *filter;
} allow_all_prog = {1, allow_all};
static const char comm_init[16] = "init";

static long make_call(const char *name, const struct call *c)
{
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = c->arg[i] == FILE       ? (long)path(name)
		       : c->arg[i] == SENTINEL ? sentinel
					       : c->arg[i];
	if (c->how == DEBUG) {
		register seL4_Word rdx __asm__("rdx") = (seL4_Word)c->nr;
		register seL4_Word rdi __asm__("rdi") = (seL4_Word)a[0];
		__asm__ volatile("syscall" : "+r"(rdx), "+r"(rdi) : : "rcx", "r11", "memory");
		return (long)rdi;
	}
	if (c->how == SITE)
		return hostile_site_syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	return hostile_syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* The argument vector of a shell that would create the attempt's file. */
static long touch_argv(const char *name)
{
	static char sh[] = "/bin/sh", c[] = "-c", cmd[300];
	static char *argv[4] = {sh, c, cmd, 0};
	snprintf(cmd, sizeof(cmd), "touch %s", path(name));
	return (long)argv;
}
static long raw_execve(void)
{
	return hostile_syscall(LX_EXECVE, (long)"/bin/sh", touch_argv("raw-execve"), 0, 0, 0, 0);
}

/* --- the other gates ------------------------------------------------------ */

static long gate_int80(void)
{
	long r = 20; /* getpid in the i386 table */
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r;
}
static long gate_int80_open(void)
{
	long r = 5; /* open in the i386 table */
	__asm__ volatile("int $0x80"
			 : "+a"(r)
			 : "b"(path("gate-int80-open")), "c"(0101), "d"(0644)
			 : "memory");
	return r;
}
static long gate_sysenter(void)
{
	long r = 20;
	__asm__ volatile("sysenter" : "+a"(r) : : "rcx", "r11", "memory");
	return r;
}
/* 32-bit code: eax = 20 (getpid), int 0x80, then back to 64-bit mode would need a far return. */
__asm__(".pushsection .text\n"
	".code32\n"
	"compat_code:\n"
	"\tmovl $20, %eax\n"
	"\tint $0x80\n"
	"\tud2\n"
	".code64\n"
	".popsection\n");
extern char compat_code[];
static long gate_compat(void)
{
	/* a far return into the host's 32-bit user code segment */
	__asm__ volatile("pushq $0x23\n\tpushq %0\n\tlretq"
			 :
			 : "r"((uint64_t)compat_code)
			 : "memory");
	return 0;
}
static long gate_vsyscall(void)
{
	long (*gettimeofday)(void *, void *) = (long (*)(void *, void *))0xffffffffff600000ul;
	static char tv[16];
	return gettimeofday(tv, 0);
}
static long gate_syscall_on_stack(void)
{
	/* the syscall instruction in data: not executable memory in this PD? then a fault */
	static unsigned char code[]
	    __attribute__((aligned(16))) = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};
	return ((long (*)(void))code)();
}

/* --- through the runtime's site (each ends its PD) ------------------------ */

/* A thread bomb with the runtime's own clone flags: kernel-sim commanded none of them. */
static long site_thread_bomb(void)
{
	long made = 0;
	for (int i = 0; i < 64; i++) {
		long r = hostile_site_syscall(LX_CLONE, LX_CLONE_THREAD_FLAGS,
					      (long)(clone_stack + 4096), 0, 0, 0, 0);
		if (r == 0)
			for (;;) /* the new thread, if there were one */
				__asm__ volatile("pause");
		if (r > 0)
			made++;
	}
	return made;
}
static long site_execve(void)
{
	return hostile_site_syscall(LX_EXECVE, (long)"/bin/sh", touch_argv("site-execve"), 0, 0, 0,
				    0);
}

/* --- process titles: look like another PD to the host ----------------------- */

static long title_write(void)
{
	memcpy((void *)SIM_RUNTIME_NAMES, "[sim] init", 11);
	return 0;
}

/* --- forged traps on the thread's own channel (each ends its PD) ---------- */

static long forge(struct sim_trap *t)
{
	return hostile_forge_trap(t, sizeof(*t));
}
/* PD lost with a wait status no host gives: its fault handler must never see it. */
#define FORGED_STATUS 0x4242
static long forge_pd_lost(void)
{
	struct sim_trap t = {
	    .kind = SIM_TRAP_EXCEPTION, .signo = 11, .trapno = 0x100, .err = FORGED_STATUS};
	return forge(&t);
}
static long forge_kind(void)
{
	struct sim_trap t = {.kind = 99, .signo = 11};
	return forge(&t);
}
static long forge_vector(void)
{
	struct sim_trap t = {.kind = SIM_TRAP_EXCEPTION, .signo = 4, .trapno = 77};
	return forge(&t);
}
static long forge_arch(void)
{
	struct sim_trap t = {.kind = SIM_TRAP_SYSCALL, .signo = 31, .arch = 0x1234};
	return forge(&t);
}
static long forge_short(void)
{
	static const char junk[10] = "junk";
	return hostile_forge_trap(junk, sizeof(junk));
}
static long forge_vmfault(void)
{
	struct sim_trap t = {.kind = SIM_TRAP_VM_FAULT, .signo = 11, .trapno = 13, .addr = 0};
	return forge(&t);
}
static long forge_control_ack(void)
{
	struct sim_ctrl_msg m = {.op = SIM_CTRL_HELLO};
	long sent = 0;
	for (int i = 0; i < 64; i++)
		sent += hostile_site_send(SIM_CTRL_FD, &m, sizeof(m)) == (long)sizeof(m);
	if (!sent)
		return -1;
	shared_flag = 1; /* kernel-sim reads them with its next command to this PD */
	while (shared_flag != 2)
		__asm__ volatile("pause");
	for (long i = 0; i < 100000000; i++)
		__asm__ volatile("pause");
	return 0;
}

/* --- memory ---------------------------------------------------------------- */

#define FRAME_VA 0x40000000ul
#define MARKER	 0x5ec2e75ec2e7ul
#define THIEF_VA 0x60000000ul
#define CHILD_VA 0x30000000ul /* in a child, where its image is not */
static volatile seL4_Word *const frame_word = (volatile seL4_Word *)FRAME_VA;

static long read_frame(void)
{
	return (long)*frame_word;
}
static long write_frame(void)
{
	*frame_word = 1;
	return 0;
}

/*
 * Steal what kernel-sim sends on the control channel (a frame's file with a
 * map command), answer in the runtime's place, and keep the stolen frame
 * mapped: returns what the frame holds once the root task deleted it.
 */
static long thief(void)
{
	int stolen = -1;
	for (long spins = 0; spins < 20000000 && stolen < 0 && !shared_flag; spins++) {
		struct sim_ctrl_msg m;
		int fd;
		if (hostile_site_recv(SIM_CTRL_FD, &m, sizeof(m), &fd) != (long)sizeof(m))
			continue;
		struct sim_ctrl_msg ack = m; /* the command's number, where there is one */
		ack.op = SIM_CTRL_ACK;
		ack.status = 0;
		hostile_site_send(SIM_CTRL_FD, &ack, sizeof(ack));
		if (fd >= 0 && m.op == SIM_CTRL_MAP &&
		    hostile_site_syscall(LX_MMAP, THIEF_VA, 4096, 3, LX_MAP_SHARED_FIXED, fd, 0) ==
			(long)THIEF_VA)
			stolen = fd;
	}
	shared_value = stolen >= 0;
	while (shared_flag != 2)
		__asm__ volatile("pause");
	return stolen < 0 ? -1 : (long)*(volatile seL4_Word *)THIEF_VA;
}

/*
 * Take over the control channel and never answer: everything kernel-sim
 * sends the PD is read and dropped. kernel-sim must end the PD without
 * making anyone else wait; the root task measures how long the Page_Unmap
 * it makes meanwhile takes.
 */
static long silent_control(void)
{
	shared_value = 1;
	while (shared_flag != 2) {
		struct sim_ctrl_msg m;
		int fd;
		hostile_site_recv(SIM_CTRL_FD, &m, sizeof(m), &fd);
	}
	return 0;
}

/* Block the park signal: kernel-sim cannot stop this thread, and must not wait for it. */
static long park_blocked(void)
{
	static const uint64_t urg = 1ul << (LX_SIGURG - 1);
	hostile_site_syscall(LX_RT_SIGPROCMASK, 0 /* SIG_BLOCK */, (long)&urg, 0, 8, 0, 0);
	shared_value = 1;
	while (shared_flag != 2)
		__asm__ volatile("pause");
	return 0;
}

/* The same with a forged rt_sigreturn, which the site lets through, and its signal mask. */
static __attribute__((noreturn)) void report(long r);
static char park_stack[8192] __attribute__((aligned(16)));
static __attribute__((noreturn, used)) void park_spin(void)
{
	shared_value = 1;
	while (shared_flag != 2)
		__asm__ volatile("pause");
	report(0);
}
static long park_sigreturn(void)
{
	hostile_block_park(park_spin, park_stack, sizeof(park_stack));
}

/*
 * Guess capabilities: every slot of its CSpace past the few it was given,
 * and capability addresses that mean something in the root task's CSpace
 * or play with guard and depth. An empty slot is a cap fault, which the
 * root task skips (as core does); what answers otherwise was reached.
 */
static long probe(seL4_CPtr c)
{
	seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(c);
	return r.error != seL4_InvalidCapability && r.error != seL4_FailedLookup;
}
static long guess_caps(void)
{
	long found = 0;
	for (seL4_CPtr c = 16; c < (1u << CHILD_CNODE_BITS); c++)
		found += probe(c);
	return found;
}
static long forge_caps(void)
{
	static const seL4_CPtr forged[] = {~0ul,
					   1ul << 63,
					   1ul << 10,
					   (1ul << 10) | 1,
					   (1ul << 54) | seL4_CapInitThreadTCB,
					   0xfffffffffffffc01ul,
					   0x8000000000000001ul};
	long found = 0;
	for (unsigned i = 0; i < sizeof(forged) / sizeof(forged[0]); i++)
		found += probe(forged[i]);
	/* a CNode operation with a forged depth and a huge source address */
	found += seL4_CNode_Copy(1, 20, 64, 1, ~0ul, 64, seL4_AllRights) == seL4_NoError;
	return found;
}

/* --- device time: the TSC stamps of traps (protocol/sim/trap.h) ------------ */

#define HPET_PADDR	  0xfed00000ul
#define HPET_CONFIG	  0x010
#define HPET_COUNTER	  0x0f0
#define HPET_T2_CMP	  0x148 /* comparator 2, which nothing here enables */
#define ROOT_HPET_VA	  0x48000000ul
#define STAMP_EXCHANGES	  20
#define ANSWER_SPINS	  100000000l
#define LX_AUDIT_ARCH_X86 0xc000003eu
#define LX_SIGSYS	  31
#define LX_SIGSEGV	  11
#define X86_PF		  14

/* A load from (rdi), for a forged device access to decode. */
__asm__(".pushsection .text\n"
	"hpet_load:\n"
	"\tmovq (%rdi), %rax\n"
	"\tret\n"
	".popsection\n");
extern char hpet_load[];

/* Stamps no runtime sends: the trap's handler began at 0 or at the end of time. */
static const uint64_t absurd_entry[] = {0, ~0ul, 1ul << 62};
static const uint64_t absurd_resume[] = {~0ul, 1ul << 62, 0x7ffffffffffffffful};

/*
 * A trap on the thread's own channel (*chan, found with the first one), and
 * kernel-sim's answer taken in the runtime's place: the thread goes on as if
 * the runtime had made the kernel entry. 1 if answered.
 */
static long forge_exchange(int *chan, const struct sim_trap *t)
{
	long sent = -1;
	for (int fd = 0; fd < 16 && *chan < 0; fd++)
		if (fd != SIM_CTRL_FD && (sent = hostile_site_send(fd, t, sizeof(*t))) >= 0)
			*chan = fd;
	if (sent < 0 && *chan >= 0)
		sent = hostile_site_send(*chan, t, sizeof(*t));
	if (sent != (long)sizeof(*t))
		return 0;
	struct sim_resume r;
	int fd;
	for (long i = 0; i < ANSWER_SPINS; i++) {
		if (hostile_site_recv(*chan, &r, sizeof(r), &fd) == (long)sizeof(r))
			return 1;
		__asm__ volatile("pause");
	}
	return 0;
}

/* seL4_Yield as a trap with stamps of its choosing. */
static long forge_yield(int *chan, uint64_t entry, uint64_t resume)
{
	struct sim_trap t = {.kind = SIM_TRAP_SYSCALL,
			     .signo = LX_SIGSYS,
			     .arch = LX_AUDIT_ARCH_X86,
			     .entry_tsc = entry,
			     .resume_ticks = resume};
	t.regs.rdx = (seL4_Word)seL4_SysYield;
	t.regs.rip = (seL4_Word)hpet_load; /* anywhere: the answer's registers are dropped */
	return forge_exchange(chan, &t);
}

/* A read of the HPET's counter at va as a trap with stamps of its choosing. */
static long forge_hpet_read(int *chan, seL4_Word va, uint64_t entry, uint64_t resume)
{
	struct sim_trap t = {.kind = SIM_TRAP_VM_FAULT,
			     .signo = LX_SIGSEGV,
			     .addr = va + HPET_COUNTER,
			     .err = 4, /* user read */
			     .trapno = X86_PF,
			     .entry_tsc = entry,
			     .resume_ticks = resume};
	t.regs.rip = (seL4_Word)hpet_load;
	t.regs.rdi = va + HPET_COUNTER;
	return forge_exchange(chan, &t);
}

/* The TSC's MHz, for child PDs (which do not map the boot info). */
static uint64_t tsc_mhz;

/*
 * Component code for 20 ms after the forgeries: how far the HPET is behind
 * shows only in a measurement longer than what it is measured against.
 */
static void stamps_settle(void)
{
	uint64_t t0 = __builtin_ia32_rdtsc();
	while (__builtin_ia32_rdtsc() - t0 < 20000 * tsc_mhz)
		__asm__ volatile("pause");
}

/* Ready: the root task reads the HPET and the TSC, then lets the forger go. */
static void stamps_ready(void)
{
	shared_value = 1;
	while (shared_flag != 2)
		__asm__ volatile("pause");
}

/* Without the HPET mapped: absurd stamps on system calls may not move its time at all. */
static long stamps_unmapped(void)
{
	long answered = 0;
	int chan = -1;
	stamps_ready();
	for (int i = 0; i < STAMP_EXCHANGES; i++)
		answered += forge_yield(&chan, absurd_entry[i % 3], absurd_resume[i % 3]);
	stamps_settle();
	return answered;
}

/*
 * With the HPET mapped at CHILD_VA: after each access it made (a real write,
 * so that its accesses are timed, or a forged read), absurd stamps. A timed
 * access counts for 1 ms at most from its trap to its emulation and 1 ms
 * from its answer to its resumption, whatever the stamps say.
 */
static long stamps_mapped(void)
{
	long answered = 0;
	int chan = -1;
	stamps_ready();
	for (int i = 0; i < STAMP_EXCHANGES; i++) {
		*(volatile uint64_t *)(CHILD_VA + HPET_T2_CMP) = ~0ul;
		answered += forge_yield(&chan, absurd_entry[i % 3], absurd_resume[i % 3]);
		answered += forge_hpet_read(&chan, CHILD_VA, absurd_entry[i % 3], 0);
		answered += forge_yield(&chan, 0, absurd_resume[(i + 1) % 3]);
	}
	stamps_settle();
	return answered;
}

/*
 * How far the HPET fell behind the TSC during the attempt (ns; negative: it
 * caught up). The root task's own two reads are in it: on a loaded host up
 * to a few ms (each part of an access counts for 1 ms at most).
 */
static long hpet_behind_ns;
static uint64_t hpet_window_us;

static const char *judge_hpet(long v, long exchanges, long limit_ns)
{
	static char why[120];
	if (v != exchanges)
		snprintf(why, sizeof(why), "the thread got %ld of %ld answers", v, exchanges);
	else if (hpet_behind_ns > limit_ns)
		snprintf(why, sizeof(why), "the HPET fell %ld us behind", hpet_behind_ns / 1000);
	else
		return NULL;
	return why;
}
static const char *judge_stamps_unmapped(long v)
{
	return judge_hpet(v, STAMP_EXCHANGES, 5000000);
}
static const char *judge_stamps_mapped(long v)
{
	/* two timed accesses an exchange, 2 ms each, and 10 ms for the host */
	return judge_hpet(v, 3 * STAMP_EXCHANGES, 2 * STAMP_EXCHANGES * 2000000l + 10000000);
}

/* --- the table ------------------------------------------------------------ */

/*
 * The runtime's system-call entry (the way libsel4 enters kernel-sim) with
 * a stack it cannot read: the runtime faults and ends its own PD; nothing
 * goes to kernel-sim in this thread's name.
 */
static long direct_entry_bad_stack(void)
{
	__asm__ volatile("mov %0, %%rsp\n\tjmp *%1"
			 :
			 : "r"(SIM_RUNTIME_BASE + 0x20000000ul), "r"(SIM_SEL4_ENTRY)
			 : "memory");
	__builtin_unreachable();
}

enum where { ROOT_THREAD, CHILD_PD };

struct attempt {
	const char *name;
	long (*fn)(void);
	enum where where;
	const char *hostcheck; /* printed after the attempt, for the script */
	/* NULL: a return is an escape; else decides from the returned value */
	const char *(*judge)(long value);
	struct call call; /* without fn */
};

static const char *judge_zero(long v)
{
	return v == 0 ? NULL : "it succeeded";
}
/*
 * What a PD that misbehaves may cost: its invoker waits until the PD is
 * ended (PD_ANSWER_TIMEOUT_MS, 2 s) at most, with a second of slack for a
 * loaded host; everyone else goes on meanwhile (a ticker thread counts its
 * system calls during the wait).
 */
#define STALL_MS    3000
#define TICKS_PER_S 20 /* a stalled kernel-sim serves none */
static uint64_t stall_ms;
static volatile seL4_Word ticks, ticks_during;

static long ticker(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	for (;;) {
		ticks++;
		seL4_Yield();
	}
	return 0;
}

static const char *judge_stall(long v)
{
	(void)v;
	static char why[96];
	if (stall_ms >= STALL_MS)
		snprintf(why, sizeof(why), "the root task waited %lu ms for the PD",
			 (unsigned long)stall_ms);
	else if (stall_ms >= 250 && ticks_during < stall_ms * TICKS_PER_S / 1000)
		snprintf(why, sizeof(why), "another thread made %lu calls in the %lu ms wait",
			 (unsigned long)ticks_during, (unsigned long)stall_ms);
	else
		return NULL;
	return why;
}

static const char *judge_thief(long v)
{
	return v == (long)MARKER ? "read the deleted frame's data through a stolen file" : NULL;
}

#define FN(NAME, FN, WHERE, CHECK, JUDGE)                                                          \
	{                                                                                          \
		NAME, FN, WHERE, CHECK, JUDGE,                                                     \
		{                                                                                  \
			RAW, 0,                                                                    \
			{                                                                          \
				0                                                                  \
			}                                                                          \
		}                                                                                  \
	}
#define RAW_CALL(NAME, CHECK, NR, ...)                                                             \
	{                                                                                          \
		"raw-" NAME, 0, ROOT_THREAD, CHECK, 0,                                             \
		{                                                                                  \
			RAW, NR,                                                                   \
			{                                                                          \
				__VA_ARGS__                                                        \
			}                                                                          \
		}                                                                                  \
	}
#define SITE_CALL(NAME, CHECK, NR, ...)                                                            \
	{                                                                                          \
		"site-" NAME, 0, CHILD_PD, CHECK, 0,                                               \
		{                                                                                  \
			SITE, NR,                                                                  \
			{                                                                          \
				__VA_ARGS__                                                        \
			}                                                                          \
		}                                                                                  \
	}
#define DEBUG_CALL(NAME, CHECK, NR, ARG)                                                           \
	{                                                                                          \
		"debug-" NAME, 0, CHILD_PD, CHECK, 0,                                              \
		{                                                                                  \
			DEBUG, NR,                                                                 \
			{                                                                          \
				ARG                                                                \
			}                                                                          \
		}                                                                                  \
	}
#define COMPONENT_CODE SIM_COMPONENT_BASE /* a page of this program's code */

static const struct attempt attempts[] = {
    RAW_CALL("open", "nofile", LX_OPEN, FILE, LX_O_WRONLY_CREAT, 0644),
    RAW_CALL("openat", "nofile", LX_OPENAT, -100, FILE, LX_O_WRONLY_CREAT, 0644),
    RAW_CALL("creat", "nofile", LX_CREAT, FILE, 0644),
    RAW_CALL("socket", 0, LX_SOCKET, LX_AF_INET, LX_SOCK_STREAM),
    RAW_CALL("connect", 0, LX_CONNECT, 3, (long)unix_addr, sizeof(unix_addr)),
    RAW_CALL("kill", "alive", LX_KILL, SENTINEL, LX_SIGKILL),
    RAW_CALL("tgkill", "alive", LX_TGKILL, SENTINEL, SENTINEL, LX_SIGKILL),
    RAW_CALL("ptrace", "untraced", LX_PTRACE, LX_PTRACE_ATTACH, SENTINEL),
    FN("raw-execve", raw_execve, ROOT_THREAD, "nofile", 0),
    RAW_CALL("fork", 0, LX_FORK, 0),
    RAW_CALL("vfork", 0, LX_VFORK, 0),
    RAW_CALL("clone", 0, LX_CLONE, LX_CLONE_THREAD_FLAGS, (long)(clone_stack + 4096)),
    RAW_CALL("clone3", 0, LX_CLONE3, (long)clone3_args, sizeof(clone3_args)),
    RAW_CALL("mmap", 0, LX_MMAP, 0x50000000, 4096, LX_PROT_RWX, LX_MAP_PRIVATE_ANON_FIXED, -1),
    RAW_CALL("mprotect", 0, LX_MPROTECT, COMPONENT_CODE, 4096, LX_PROT_RWX),
    RAW_CALL("munmap-runtime", 0, LX_MUNMAP, SIM_RUNTIME_BASE, SIM_RUNTIME_SIZE),
    RAW_CALL("mremap", 0, LX_MREMAP, SIM_RUNTIME_BASE, 4096, 8192),
    RAW_CALL("prctl-ptracer-any", 0, LX_PRCTL, LX_PR_SET_PTRACER, -1),
    RAW_CALL("prctl-dumpable", 0, LX_PRCTL, LX_PR_SET_DUMPABLE, 0),
    RAW_CALL("seccomp-strict", 0, LX_SECCOMP, 0),
    RAW_CALL("setrlimit", 0, LX_SETRLIMIT, LX_RLIMIT_NPROC, (long)no_limit),
    RAW_CALL("unshare", 0, LX_UNSHARE, LX_CLONE_NEWUSER),
    RAW_CALL("setns", 0, LX_SETNS, 3, 0),
    RAW_CALL("mount", "nofile", LX_MOUNT, (long)"/", FILE, 0, LX_MS_BIND),
    RAW_CALL("chdir", 0, LX_CHDIR, (long)"/"),
    RAW_CALL("write-stdout", "noline raw-write-escaped", LX_WRITE, 1, (long)"raw-write-escaped\n",
	     18),
    RAW_CALL("read-stdin", 0, LX_READ, 0, (long)buffer, sizeof(buffer)),
    RAW_CALL("pidfd-open", 0, LX_PIDFD_OPEN, SENTINEL),
    RAW_CALL("process-vm-writev", "alive", LX_PROCESS_VM_WRITEV, SENTINEL, (long)&iov, 1,
	     (long)&iov, 1),
    RAW_CALL("memfd-create", 0, LX_MEMFD_CREATE, (long)"hostile"),
    RAW_CALL("io-uring", 0, LX_IO_URING_SETUP, 8, (long)buffer),
    RAW_CALL("bpf", 0, LX_BPF, 0, (long)buffer, sizeof(buffer)),
    RAW_CALL("userfaultfd", 0, LX_USERFAULTFD, 0),
    RAW_CALL("ioctl-tiocsti", 0, LX_IOCTL, 0, 0x5412 /* TIOCSTI */, (long)&tiocsti_char),
    RAW_CALL("uretprobe", 0, LX_URETPROBE, 0),
    RAW_CALL("uprobe", 0, LX_UPROBE, 0),
    RAW_CALL("getpid", 0, LX_GETPID, 0),
    RAW_CALL("rt-sigaction", 0, LX_RT_SIGACTION, 31 /* SIGSYS */, (long)sig_ignore, 0, 8),
    RAW_CALL("rt-sigprocmask", 0, LX_RT_SIGPROCMASK, 0, (long)&all_signals, 0, 8),
    RAW_CALL("sigaltstack", 0, LX_SIGALTSTACK, (long)no_altstack),
    RAW_CALL("arch-prctl", 0, LX_ARCH_PRCTL, LX_ARCH_SET_FS, 0x1234000),
    RAW_CALL("setuid", 0, LX_SETUID, 0),
    RAW_CALL("pkey-mprotect", 0, LX_PKEY_MPROTECT, COMPONENT_CODE, 4096, LX_PROT_RWX),
    RAW_CALL("x32-open", "nofile", LX_X32 | LX_OPEN, FILE, LX_O_WRONLY_CREAT, 0644),
    RAW_CALL("exit-group", 0, 231, 0),
    FN("gate-int80", gate_int80, CHILD_PD, 0, 0),
    FN("gate-int80-open", gate_int80_open, CHILD_PD, "nofile", 0),
    FN("gate-sysenter", gate_sysenter, CHILD_PD, 0, 0),
    FN("gate-compat-mode", gate_compat, CHILD_PD, 0, 0),
    FN("gate-vsyscall", gate_vsyscall, CHILD_PD, 0, 0),
    FN("gate-syscall-in-data", gate_syscall_on_stack, CHILD_PD, 0, 0),
    SITE_CALL("open", "nofile", LX_OPEN, FILE, LX_O_WRONLY_CREAT, 0644),
    SITE_CALL("socket", 0, LX_SOCKET, LX_AF_UNIX, LX_SOCK_STREAM),
    SITE_CALL("kill", "alive", LX_KILL, SENTINEL, LX_SIGKILL),
    SITE_CALL("tgkill", "alive", LX_TGKILL, SENTINEL, SENTINEL, LX_SIGURG),
    SITE_CALL("ptrace", "untraced", LX_PTRACE, LX_PTRACE_ATTACH, SENTINEL),
    SITE_CALL("fork", 0, LX_CLONE, LX_SIGCHLD),
    SITE_CALL("clone3", 0, LX_CLONE3, (long)clone3_args, sizeof(clone3_args)),
    FN("site-thread-bomb", site_thread_bomb, CHILD_PD, 0, 0),
    SITE_CALL("mmap-anonymous-1g", 0, LX_MMAP, 0x50000000, 1l << 30, LX_PROT_RWX,
	      LX_MAP_PRIVATE_ANON_FIXED, -1),
    SITE_CALL("mmap-runtime", 0, LX_MMAP, SIM_RUNTIME_BASE, 4096, LX_PROT_RWX,
	      LX_MAP_PRIVATE_ANON_FIXED, -1),
    SITE_CALL("mprotect-runtime", 0, LX_MPROTECT, SIM_RUNTIME_BASE + 0x1000, 4096, LX_PROT_RWX),
    SITE_CALL("munmap-runtime", 0, LX_MUNMAP, SIM_RUNTIME_BASE, 4096),
    SITE_CALL("munmap-odd-length", 0, LX_MUNMAP, 0x50000000, 3 * 4096),
    SITE_CALL("munmap-window", 0, LX_MUNMAP, SIM_USER_BASE, SIM_RUNTIME_BASE - SIM_USER_BASE),
    SITE_CALL("munmap-above-runtime", 0, LX_MUNMAP, SIM_RUNTIME_TOP,
	      SIM_USER_TOP - SIM_RUNTIME_TOP),
    SITE_CALL("seccomp", 0, LX_SECCOMP, 1, 0, (long)&allow_all_prog),
    SITE_CALL("prctl-ptracer-any", 0, LX_PRCTL, LX_PR_SET_PTRACER, -1),
    SITE_CALL("prctl-set-mm", 0, LX_PRCTL, LX_PR_SET_MM, LX_PR_SET_MM_ARG_START, 0x10000),
    SITE_CALL("prctl-dumpable", 0, LX_PRCTL, LX_PR_SET_DUMPABLE, 0),
    SITE_CALL("x32", 0, LX_X32 | LX_GETPID, 0),
    FN("site-execve", site_execve, CHILD_PD, "nofile", 0),
    SITE_CALL("setrlimit-core", 0, LX_SETRLIMIT, 4 /* RLIMIT_CORE */, (long)no_limit),
    SITE_CALL("memfd-create", 0, LX_MEMFD_CREATE, (long)"hostile"),
    FN("title-write", title_write, CHILD_PD, 0, 0),
    {"title-prctl-set-name",
     0,
     CHILD_PD,
     0,
     0,
     {SITE, LX_PRCTL, {LX_PR_SET_NAME, (long)comm_init}}},
    {"title-remap",
     0,
     CHILD_PD,
     0,
     0,
     {SITE, LX_MMAP, {SIM_RUNTIME_NAMES, 4096, 3, LX_MAP_PRIVATE_ANON_FIXED, -1}}},
    {"title-unmap", 0, CHILD_PD, 0, 0, {SITE, LX_MUNMAP, {SIM_RUNTIME_NAMES, 4096}}},
    FN("forge-pd-lost", forge_pd_lost, CHILD_PD, 0, 0),
    FN("forge-trap-kind", forge_kind, CHILD_PD, 0, 0),
    FN("forge-exception-vector", forge_vector, CHILD_PD, 0, 0),
    FN("forge-syscall-arch", forge_arch, CHILD_PD, 0, 0),
    FN("forge-short-message", forge_short, CHILD_PD, 0, 0),
    FN("forge-vmfault-vector", forge_vmfault, CHILD_PD, 0, 0),
    FN("forge-control-messages", forge_control_ack, CHILD_PD, 0, 0),
    FN("forge-stamps-without-hpet", stamps_unmapped, CHILD_PD, 0, judge_stamps_unmapped),
    FN("forge-stamps-with-hpet", stamps_mapped, CHILD_PD, 0, judge_stamps_mapped),
    DEBUG_CALL("halt", 0, seL4_SysDebugHalt, 0),
    DEBUG_CALL("halt-status", 0, SIM_SysDebugHaltStatus, 0),
    DEBUG_CALL("putchar", 0, seL4_SysDebugPutChar, 'Q'),
    DEBUG_CALL("putstring", 0, SIM_SysDebugPutString, 0),
    DEBUG_CALL("dump-scheduler", "noline Dumping all tcbs", seL4_SysDebugDumpScheduler, 0),
    DEBUG_CALL("snapshot", 0, seL4_SysDebugSnapshot, 0),
    DEBUG_CALL("cap-identify", 0, seL4_SysDebugCapIdentify, 1),
    DEBUG_CALL("name-thread", 0, seL4_SysDebugNameThread, 1),
    DEBUG_CALL("kill-pd", 0, SIM_SysDebugKillPD, 1),
    DEBUG_CALL("thread-state", 0, SIM_SysDebugThreadState, 1),
    DEBUG_CALL("host-resources", 0, SIM_SysDebugHostResources, 0),
    DEBUG_CALL("interrupt-after-work", 0, SIM_SysDebugInterruptAfterWork, 0),
    FN("frame-read-after-unmap", read_frame, ROOT_THREAD, 0, 0),
    FN("frame-read-after-delete", read_frame, ROOT_THREAD, 0, 0),
    FN("frame-write-read-only", write_frame, ROOT_THREAD, 0, 0),
    FN("frame-theft-control-channel", thief, CHILD_PD, 0, judge_thief),
    FN("park-signal-blocked", park_blocked, CHILD_PD, 0, judge_stall),
    FN("park-signal-sigreturn", park_sigreturn, CHILD_PD, 0, judge_stall),
    FN("control-channel-silent", silent_control, CHILD_PD, 0, judge_stall),
    FN("cap-guessing", guess_caps, CHILD_PD, 0, judge_zero),
    FN("cap-forging", forge_caps, CHILD_PD, 0, judge_zero),
    FN("direct-entry-bad-stack", direct_entry_bad_stack, CHILD_PD, 0, 0),
};

#define N_ATTEMPTS (sizeof(attempts) / sizeof(attempts[0]))

/* --- running them ---------------------------------------------------------- */

__attribute__((noreturn)) static long attempt_entry(seL4_Word attempt, seL4_Word a1, seL4_Word a2,
						    seL4_Word a3)
{
	(void)a1, (void)a2, (void)a3;
	const struct attempt *a = (const struct attempt *)attempt;
	report(a->fn ? a->fn() : make_call(a->name, &a->call));
}

/* What the attempt's function returned, to the root task as an UnknownSyscall fault. */
static void report(long r)
{
	register seL4_Word rdx __asm__("rdx") = (seL4_Word)REPORT_SYSCALL;
	register seL4_Word rdi __asm__("rdi") = (seL4_Word)r;
	for (;;)
		__asm__ volatile("syscall" : : "r"(rdx), "r"(rdi) : "rcx", "r11", "memory");
}

static unsigned denied, escaped;

static void verdict(const char *name, bool ok, const char *how)
{
	printf("%s %s: %s\n", ok ? "DENIED" : "ESCAPED", name, how);
	if (ok)
		denied++;
	else
		escaped++;
}

/* What the fault message in the IPC buffer says about attempt a. */
static void judge(const struct attempt *a, seL4_MessageInfo_t info)
{
	char how[160];
	seL4_Word label = seL4_MessageInfo_get_label(info);
	if (a->judge == judge_stall) {
		const char *bad = judge_stall(0);
		bool lost = label == seL4_Fault_UserException &&
			    seL4_GetMR(seL4_UserException_Number) == SIM_EXCEPTION_PD_LOST;
		snprintf(how, sizeof(how),
			 "PD %s (host wait status %#lx); the root task waited %lu ms, another "
			 "thread made %lu calls",
			 lost ? "ended" : "stays",
			 lost ? (unsigned long)seL4_GetMR(seL4_UserException_Code) : 0ul,
			 (unsigned long)stall_ms, (unsigned long)ticks_during);
		verdict(a->name, !bad, bad ? bad : how);
		return;
	}
	if (label == seL4_Fault_UnknownSyscall) {
		seL4_Word nr = seL4_GetMR(seL4_UnknownSyscall_Syscall);
		if ((long)nr == REPORT_SYSCALL) {
			long v = (long)seL4_GetMR(seL4_UnknownSyscall_RDI);
			const char *bad = a->judge ? a->judge(v) : "the thread went on";
			snprintf(how, sizeof(how), "%s (returned %ld)", bad ? bad : "refused", v);
			verdict(a->name, !bad, how);
			return;
		}
		snprintf(how, sizeof(how), "UnknownSyscall fault (seL4 number %ld, host call %ld)",
			 (long)nr, (long)seL4_GetMR(seL4_UnknownSyscall_RAX));
		verdict(a->name, true, how);
		return;
	}
	if (label == seL4_Fault_UserException) {
		seL4_Word number = seL4_GetMR(seL4_UserException_Number);
		seL4_Word code = seL4_GetMR(seL4_UserException_Code);
		if (number == SIM_EXCEPTION_PD_LOST && code == FORGED_STATUS) {
			verdict(a->name, false, "the fault handler got the forged PD-lost fault");
			return;
		}
		if (number == SIM_EXCEPTION_PD_LOST)
			snprintf(how, sizeof(how), "PD ended (host wait status %#lx%s)",
				 (unsigned long)code,
				 (code & 0x7f) == 31 ? ": seccomp's SIGSYS" : "");
		else
			snprintf(how, sizeof(how), "UserException vector %lu code %#lx",
				 (unsigned long)number, (unsigned long)code);
		verdict(a->name, true, how);
		return;
	}
	if (label == seL4_Fault_VMFault) {
		snprintf(how, sizeof(how), "VMFault at %#lx",
			 (unsigned long)seL4_GetMR(seL4_VMFault_Addr));
		verdict(a->name, true, how);
		return;
	}
	snprintf(how, sizeof(how), "fault type %lu", (unsigned long)label);
	verdict(a->name, true, how);
}

static seL4_CPtr fault_ep;

/* The attempt's thread has not faulted (its PD may have been ended under it). */
static bool still_runs(seL4_CPtr tcb)
{
	seL4_Word st = sim_DebugThreadState(tcb);
	return st == 1 /* Running */ || st == 2 /* Restart */;
}

/* Paging structures for vaddr in a child's VSpace (kept in tables[] for the cleanup). */
static void child_tables(struct child_pd *pd, seL4_Word vaddr, seL4_CPtr tables[3])
{
	static const seL4_Word types[3] = {seL4_X86_PDPTObject, seL4_X86_PageDirectoryObject,
					   seL4_X86_PageTableObject};
	seL4_CPtr vs = child_pd_vspace(pd);
	for (int l = 0; l < 3; l++) {
		seL4_CPtr t = alloc_object(types[l], 0);
		seL4_Error e = l == 0	? seL4_X86_PDPT_Map(t, vs, vaddr, 0)
			       : l == 1 ? seL4_X86_PageDirectory_Map(t, vs, vaddr, 0)
					: seL4_X86_PageTable_Map(t, vs, vaddr, 0);
		if (e == seL4_NoError)
			tables[l] = t;
		else
			release_slot(t);
	}
}

/* An invocation of an empty slot: go on after it with an error, as core's pager does. */
static void skip_cap_fault(seL4_CPtr tcb)
{
	seL4_UserContext regs;
	if (seL4_TCB_ReadRegisters(tcb, 0, 0, seL4_UserContext_Words, &regs) != seL4_NoError)
		return;
	regs.rip += 2;
	regs.rsi = seL4_MessageInfo_new(seL4_InvalidCapability, 0, 0, 0).words[0];
	regs.rdi = seL4_InvalidCapability;
	seL4_TCB_WriteRegisters(tcb, 1, 0, seL4_UserContext_Words, &regs);
}

/* A frame mapped at FRAME_VA holding MARKER, for the frame attempts. */
static seL4_CPtr marker_frame(seL4_CPtr tables[3])
{
	seL4_CPtr f = alloc_object(seL4_X86_4K, 0);
	if (!f || !map_in_root(f, FRAME_VA, seL4_ReadWrite, tables))
		return 0;
	*frame_word = MARKER;
	return f;
}

/* The HPET mapped in the root task (and at CHILD_VA in pd), its time against the TSC. */
struct hpet_watch {
	struct device_frame df;
	seL4_CPtr tables[3], child_copy;
	volatile uint64_t *regs;
	uint64_t c0, t0;
};

static bool hpet_watch_start(struct hpet_watch *w, struct child_pd *pd, seL4_CPtr ctables[3])
{
	*w = (struct hpet_watch){0};
	if (!device_frame_at(HPET_PADDR, &w->df) ||
	    !map_in_root(w->df.frame, ROOT_HPET_VA, seL4_ReadWrite, w->tables))
		return false;
	w->regs = (volatile uint64_t *)ROOT_HPET_VA;
	w->regs[HPET_CONFIG / 8] |= 1;
	if (pd) {
		child_tables(pd, CHILD_VA, ctables);
		w->child_copy = alloc_slot();
		if (cnode_copy(w->df.frame, w->child_copy, seL4_AllRights) != seL4_NoError ||
		    seL4_X86_Page_Map(w->child_copy, child_pd_vspace(pd), CHILD_VA, seL4_ReadWrite,
				      0) != seL4_NoError)
			return false;
	}
	return true;
}

/*
 * The forger is ready (or gone): its time starts now, once the HPET caught
 * up on any lag left from before (it does within 80 ms).
 */
static void hpet_watch_go(struct hpet_watch *w, seL4_CPtr tcb)
{
	while (!shared_value && still_runs(tcb))
		yield_to_helpers();
	uint64_t t = __builtin_ia32_rdtsc();
	while (__builtin_ia32_rdtsc() - t < 90000 * tsc_mhz)
		__asm__ volatile("pause");
	w->c0 = w->regs[HPET_COUNTER / 8];
	w->t0 = __builtin_ia32_rdtsc();
	shared_flag = 2;
}

static void hpet_watch_end(struct hpet_watch *w)
{
	uint64_t c1 = w->regs[HPET_COUNTER / 8], t1 = __builtin_ia32_rdtsc();
	long host_ns = (long)((t1 - w->t0) * 1000 / sim_tsc_mhz(boot_info));
	hpet_behind_ns = host_ns - (long)((c1 - w->c0) * 10);
	hpet_window_us = (uint64_t)host_ns / 1000;
	if (w->child_copy)
		release_slot(w->child_copy);
	unmap_in_root(w->df.frame, w->tables);
	device_frame_release(&w->df);
}

static void run(const struct attempt *a)
{
	struct child_pd *pd = 0;
	struct helper h;
	seL4_CPtr frame = 0, tables[3] = {0, 0, 0}, child_frame = 0;
	if (a->where == CHILD_PD) {
		pd = child_pd_create(seL4_CapInitThreadASIDPool);
		if (!pd) {
			printf("test-hostile: cannot create a child PD for %s\n", a->name);
			return;
		}
		helper_create_in(&h, pd);
	} else {
		helper_create(&h);
	}
	char name[40] = "hostile-";
	strlcpy(name + 8, a->name, sizeof(name) - 8);
	seL4_DebugNameThread(h.tcb, name);
	if (helper_set_fault_ep(&h, fault_ep) != seL4_NoError) {
		printf("test-hostile: cannot set the fault endpoint for %s\n", a->name);
		return;
	}

	if (a->fn == read_frame || a->fn == write_frame) {
		frame = marker_frame(tables);
		if (a->fn == write_frame) {
			seL4_X86_Page_Unmap(frame);
			seL4_X86_Page_Map(frame, ROOT_VSPACE, FRAME_VA, seL4_CanRead, 0);
		} else if (!strcmp(a->name, "frame-read-after-unmap")) {
			seL4_X86_Page_Unmap(frame);
		} else {
			cnode_delete(frame);
		}
	}
	shared_flag = 0;
	shared_value = 0;
	stall_ms = ticks_during = 0;
	seL4_CPtr ctables[3] = {0, 0, 0};
	struct hpet_watch hpet;
	bool stamps = a->fn == stamps_unmapped || a->fn == stamps_mapped;
	if (stamps && !hpet_watch_start(&hpet, a->fn == stamps_mapped ? pd : 0, ctables)) {
		verdict(a->name, false, "the HPET could not be mapped for the attempt");
		return;
	}
	helper_start(&h, attempt_entry, (seL4_Word)a, 0, 0, 0);
	if (stamps)
		hpet_watch_go(&hpet, h.tcb);

	if (pd && (a->fn == forge_control_ack || a->fn == thief))
		child_tables(pd, CHILD_VA, ctables);
	if (a->fn == forge_control_ack) {
		/* until it sent its forgeries, unless kernel-sim read them and ended it already */
		while (!shared_flag && still_runs(h.tcb))
			yield_to_helpers();
		seL4_CPtr f = alloc_object(seL4_X86_4K, 0);
		seL4_X86_Page_Map(f, child_pd_vspace(pd), CHILD_VA, seL4_ReadWrite, 0);
		shared_flag = 2;
		seL4_X86_Page_Unmap(f);
		release_slot(f);
	}
	bool parks = a->fn == park_blocked || a->fn == park_sigreturn;
	if (a->fn == silent_control || parks) {
		/* until it is ready, unless it is gone already (its PD ended: a fault) */
		while (!shared_value && still_runs(h.tcb))
			yield_to_helpers();
	}
	if ((a->fn == silent_control || parks) && shared_value) {
		seL4_CPtr f = alloc_object(seL4_X86_4K, 0);
		struct helper tick;
		helper_create(&tick);
		helper_start(&tick, ticker, 0, 0, 0, 0);
		uint64_t t0 = __builtin_ia32_rdtsc();
		seL4_Word ticks0 = ticks;
		if (a->fn == silent_control) {
			seL4_X86_Page_Map(f, child_pd_vspace(pd), CHILD_VA, seL4_ReadWrite, 0);
			seL4_X86_Page_Unmap(f);
		} else {
			seL4_TCB_Suspend(h.tcb);
		}
		ticks_during = ticks - ticks0;
		stall_ms = (__builtin_ia32_rdtsc() - t0) / 1000 / sim_tsc_mhz(boot_info);
		helper_cleanup(&tick);
		shared_flag = 2;
		release_slot(f);
		if (parks && seL4_TCB_Resume(h.tcb) != seL4_NoError) {
			/* kernel-sim ended the PD while its thread was suspended: no fault comes */
			char how[120];
			snprintf(how, sizeof(how),
				 "PD ended, the suspend took %lu ms, another thread made %lu calls",
				 (unsigned long)stall_ms, (unsigned long)ticks_during);
			verdict(a->name, !judge_stall(0), judge_stall(0) ? judge_stall(0) : how);
			goto cleanup;
		}
	}
	if (a->fn == thief) {
		/* map a marked frame into the thief's VSpace until it has stolen one */
		child_frame = alloc_object(seL4_X86_4K, 0);
		seL4_CPtr view = alloc_slot();
		cnode_copy(child_frame, view, seL4_AllRights);
		seL4_CPtr vt[3] = {0, 0, 0};
		map_in_root(view, FRAME_VA, seL4_ReadWrite, vt);
		*frame_word = MARKER;
		for (int i = 0; i < 2000 && !shared_value; i++) {
			seL4_X86_Page_Map(child_frame, child_pd_vspace(pd), CHILD_VA,
					  seL4_ReadWrite, 0);
			seL4_X86_Page_Unmap(child_frame);
			yield_to_helpers();
		}
		shared_flag = 1;
		unmap_in_root(view, vt);
		release_slot(view);
		release_slot(child_frame);
		child_frame = 0;
		shared_flag = 2;
	}

	seL4_MessageInfo_t info;
	for (;;) {
		info = seL4_Recv(fault_ep, NULL);
		if (seL4_MessageInfo_get_label(info) != seL4_Fault_CapFault || !a->judge)
			break;
		skip_cap_fault(h.tcb);
	}
	if (stamps)
		hpet_watch_end(&hpet);
	judge(a, info);
	if (stamps)
		printf("test-hostile: %s: the HPET fell %ld us behind the TSC in %lu us\n", a->name,
		       hpet_behind_ns / 1000, (unsigned long)hpet_window_us);
cleanup:
	if (a->hostcheck)
		printf("HOSTCHECK %s %s\n", a->name, a->hostcheck);

	helper_cleanup(&h);
	for (int l = 2; l >= 0; l--)
		release_slot(ctables[l]);
	if (pd)
		child_pd_destroy(pd);
	if (frame) {
		unmap_in_root(frame, tables);
		release_slot(frame);
	}
}

/* Terminal escapes from the root task, which may print: the host checks the raw output. */
static void terminal_escapes(void)
{
	static const char *const escapes[] = {
	    "\033[2J\033[H",
	    "\033]0;owned\007",
	    "\r\033[Kspoofed line",
	    "\x9b"
	    "31m",
	    "\xc2\x9b"
	    "31m",
	    "\x7f\x08\x08",
	};
	for (unsigned i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		printf("escape %u: %s\n", i, escapes[i]);
		printf("HOSTCHECK terminal-escape-%u noraw %u\n", i, i);
	}
	seL4_DebugNameThread(ROOT_TCB, "test-hostile\033[2J");
	printf("HOSTCHECK terminal-escape-thread-name noraw name\n");
	seL4_DebugNameThread(ROOT_TCB, "test-hostile");
}

static bool read_args(const seL4_BootInfo *bi)
{
	const sim_BootModule *m = sim_boot_module(bi, "hostile.args");
	if (!m)
		return false;
	const char *s = (const char *)m->vaddr;
	size_t i = 0, j = 0;
	unsigned long v = 0;
	for (; i < m->size && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	sentinel = (long)v;
	while (i < m->size && s[i] == ' ')
		i++;
	while (i < m->size && s[i] != '\n' && j < sizeof(dir) - 1)
		dir[j++] = s[i++];
	dir[j] = 0;
	return sentinel > 1 && dir[0] == '/';
}

/* A second thread that runs on after the initial thread died: seL4 leaves the system to it. */
static long outlive(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
	(void)a0, (void)a1, (void)a2, (void)a3;
	for (int i = 0; i < 100; i++)
		seL4_Yield();
	for (const char *c = "test-hostile: the second thread runs on\n"; *c; c++)
		seL4_DebugPutChar(*c);
	for (;;)
		seL4_Yield();
	return 0;
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(ROOT_TCB, "test-hostile");
	const sim_BootModule *m = sim_boot_module(bi, "hostile.args");
	if (m && m->size >= 7 && !strncmp((const char *)m->vaddr, "outlive", 7)) {
		/* the initial thread faults while a second thread can run: the system goes on */
		env_init(bi);
		static struct helper h;
		helper_create(&h);
		helper_start(&h, outlive, 0, 0, 0, 0);
		return (int)*(volatile long *)0;
	}
	if (!read_args(bi))
		return (int)*(volatile long *)0; /* the initial thread faults: the system ends */
	env_init(bi);
	tsc_mhz = sim_tsc_mhz(bi);
	fault_ep = alloc_endpoint();
	seL4_Word fds0, procs0;
	sim_DebugHostResources(&fds0, &procs0);
	for (unsigned i = 0; i < N_ATTEMPTS; i++) {
		printf("ATTEMPT %s\n", attempts[i].name);
		run(&attempts[i]);
	}
	terminal_escapes();
	seL4_Word fds1, procs1;
	sim_DebugHostResources(&fds1, &procs1);
	printf("test-hostile: kernel-sim fds %lu -> %lu, PD processes %lu -> %lu\n",
	       (unsigned long)fds0, (unsigned long)fds1, (unsigned long)procs0,
	       (unsigned long)procs1);
	printf("test-hostile: %u denied, %u escaped, %d failures\n", denied, escaped, env_failures);
	for (;;) /* for the host's checks; kernel-sim ends on SIGTERM */
		seL4_Wait(alloc_notification(), NULL);
}
