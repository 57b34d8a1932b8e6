/*
 * sim gdb and sim strace: the host's debuggers on one component, found by
 * its label.
 *
 * gdb attaches with the runtime's symbols (the process's executable,
 * pd-host) and the component's (the ELF file its code frames come from),
 * passes the simulation's own signals silently (SIGSYS: a trapped seL4
 * call; SIGSEGV: a page fault the pager resolves; SIGURG: kernel-sim
 * parking a thread) and keeps the threads' names.
 *
 * strace's view of a component is the runtime's traffic: each seL4 call is
 * the runtime's direct entry finding its thread (a gettid) or a trapped
 * `syscall` (a SIGSYS), one sendmsg of the trap's registers to kernel-sim
 * (struct sim_trap) and one recvmsg of the answer (struct sim_resume).
 * sim strace shows that as the seL4 call with its arguments and, when the
 * answer arrives, the registers the thread returns with.
 */
#include "sim.h"
#include <sel4/message_info.h>
#include <sel4/syscall.h>
#include <sim/debug.h>
#include <sim/trap.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The pid and ELF file of the component with that label. */
static int where(const char *path, const char *label, int *pid, char *file, size_t size)
{
	char req[600], *text;
	snprintf(req, sizeof(req), "where %s", label);
	if (sim_fetch(path, req, &text) != 0)
		return -1;
	char f[4096];
	if (sscanf(text, "%d %4095s", pid, f) != 2)
		return -1;
	snprintf(file, size, "%s", f);
	return 0;
}

int sim_gdb(const char *path, int argc, char **argv)
{
	int pid;
	char file[4096], pidstr[16], symbols[4200];
	if (where(path, argv[0], &pid, file, sizeof(file)) != 0)
		return 1;
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	snprintf(symbols, sizeof(symbols), "add-symbol-file %s", file);
	char **av = calloc((size_t)argc + 24, sizeof(*av));
	if (!av)
		return 1;
	int n = 0;
	av[n++] = "gdb";
	av[n++] = "-q";
	av[n++] = "-p";
	av[n++] = pidstr;
	/* the simulation's own signals, passed on silently */
	static char *const quiet[] = {"handle SIGSYS nostop noprint pass",
				      "handle SIGSEGV nostop noprint pass",
				      "handle SIGURG nostop noprint pass", "set confirm off"};
	for (unsigned i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		av[n++] = "-ex";
		av[n++] = quiet[i];
	}
	if (strcmp(file, "-")) {
		av[n++] = "-ex";
		av[n++] = symbols;
	}
	av[n++] = "-ex";
	av[n++] = "set confirm on";
	for (int i = 1; i < argc; i++)
		av[n++] = argv[i];
	av[n] = NULL;
	execvp("gdb", av);
	perror("sim: gdb");
	return 1;
}

/* --- strace ------------------------------------------------------------------ */

static const char *call_name(long sysno)
{
	static const char *const names[] = {
	    [-seL4_SysCall] = "seL4_Call",
	    [-seL4_SysReplyRecv] = "seL4_ReplyRecv",
	    [-seL4_SysSend] = "seL4_Send",
	    [-seL4_SysNBSend] = "seL4_NBSend",
	    [-seL4_SysRecv] = "seL4_Recv",
	    [-seL4_SysReply] = "seL4_Reply",
	    [-seL4_SysYield] = "seL4_Yield",
	    [-seL4_SysNBRecv] = "seL4_NBRecv",
	    [-seL4_SysDebugPutChar] = "seL4_DebugPutChar",
	    [-seL4_SysDebugDumpScheduler] = "seL4_DebugDumpScheduler",
	    [-seL4_SysDebugHalt] = "seL4_DebugHalt",
	    [-seL4_SysDebugCapIdentify] = "seL4_DebugCapIdentify",
	    [-seL4_SysDebugSnapshot] = "seL4_DebugSnapshot",
	    [-seL4_SysDebugNameThread] = "seL4_DebugNameThread",
	};
	if (sysno == SIM_SysDebugPutString)
		return "sim_DebugPutString";
	if (sysno == SIM_SysDebugThreadState)
		return "sim_DebugThreadState";
	if (sysno == SIM_SysDebugKillPD)
		return "sim_DebugKillPD";
	if (sysno == SIM_SysDebugHostResources)
		return "sim_DebugHostResources";
	if (sysno < 0 && -sysno < (long)(sizeof(names) / sizeof(names[0])) && names[-sysno])
		return names[-sysno];
	return NULL;
}

static void info(char *buf, size_t size, unsigned long w)
{
	seL4_MessageInfo_t m = {{w}};
	snprintf(buf, size, "label=0x%lx len=%lu caps=%lu",
		 (unsigned long)seL4_MessageInfo_get_label(m),
		 (unsigned long)seL4_MessageInfo_get_length(m),
		 (unsigned long)seL4_MessageInfo_get_extraCaps(m));
}

/* The hex of a recvmsg's first iov ("\x01\x00...") as bytes; their number. */
static size_t hex_bytes(const char *s, unsigned char *out, size_t max)
{
	const char *p = strstr(s, "iov_base=\"");
	size_t n = 0;
	if (!p)
		return 0;
	for (p += 10; n < max && p[0] == '\\' && p[1] == 'x'; p += 4) {
		unsigned v;
		if (sscanf(p + 2, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
	}
	return n;
}

/* kernel-sim's answer to a trap: the registers the thread continues with. */
static bool decode_answer(const char *pre, const char *s)
{
	char size[32];
	snprintf(size, sizeof(size), "= %zu", sizeof(struct sim_resume));
	if (!(strstr(s, "recvmsg(") || strstr(s, "recvmsg resumed>")) || !strstr(s, size))
		return false;
	struct sim_resume r;
	unsigned char bytes[sizeof(r)];
	size_t n = hex_bytes(s, bytes, sizeof(bytes));
	if (n < offsetof(struct sim_resume, regs) + offsetof(seL4_UserContext, r11))
		return false;
	memset(&r, 0, sizeof(r));
	memcpy(&r, bytes, n);
	if (r.kind != SIM_RESUME_CONTINUE)
		return false;
	char msg[96];
	info(msg, sizeof(msg), r.regs.rsi);
	printf("%s... = badge=0x%lx, %s, mr0=0x%lx, mr1=0x%lx, mr2=0x%lx\n", pre,
	       (unsigned long)r.regs.rdi, msg, (unsigned long)r.regs.r10, (unsigned long)r.regs.r8,
	       (unsigned long)r.regs.r9);
	return true;
}

/* The runtime's message to kernel-sim: a trap, shown as the seL4 call or fault it is. */
static bool decode_trap(const char *pre, const char *s)
{
	char size[32];
	snprintf(size, sizeof(size), "iov_len=%zu", sizeof(struct sim_trap));
	if (strncmp(s, "sendmsg(", 8) || !strstr(s, size))
		return false;
	struct sim_trap t;
	unsigned char bytes[sizeof(t)];
	size_t n = hex_bytes(s, bytes, sizeof(bytes));
	if (n < offsetof(struct sim_trap, regs) + offsetof(seL4_UserContext, r11))
		return false;
	memset(&t, 0, sizeof(t));
	memcpy(&t, bytes, n);
	const char *name = call_name((long)t.regs.rdx);
	char msg[96];
	switch (t.kind) {
	case SIM_TRAP_SYSCALL:
		if (!name) {
			printf("%sunknown syscall: rax=%lu rdx=0x%lx at 0x%lx\n", pre,
			       (unsigned long)t.regs.rax, (unsigned long)t.regs.rdx,
			       (unsigned long)t.regs.rip - 2);
			return true;
		}
		info(msg, sizeof(msg), t.regs.rsi);
		printf("%s%s(cap=0x%lx, %s, mr0=0x%lx, mr1=0x%lx, mr2=0x%lx) ...\n", pre, name,
		       (unsigned long)t.regs.rdi, msg, (unsigned long)t.regs.r10,
		       (unsigned long)t.regs.r8, (unsigned long)t.regs.r9);
		return true;
	case SIM_TRAP_VM_FAULT:
		printf("%spage fault at 0x%lx, ip 0x%lx (error code 0x%lx) ...\n", pre,
		       (unsigned long)t.addr, (unsigned long)t.regs.rip, (unsigned long)t.err);
		return true;
	case SIM_TRAP_EXCEPTION:
		printf("%sexception %lu at 0x%lx ...\n", pre, (unsigned long)t.trapno,
		       (unsigned long)t.regs.rip);
		return true;
	default:
		return false;
	}
}

/*
 * The runtime's own traffic, shown by decode as what it stands for: the
 * simulation's signals and their returns, the direct entry's gettid, the
 * trap's sendmsg finishing and a recvmsg still waiting. With several
 * threads strace splits a call in two lines ("NAME( <unfinished ...>" and
 * "<... NAME resumed>"): both halves are plumbing.
 */
static bool plumbing(const char *s)
{
	static const char *const starts[] = {"--- SIGSYS ",  "--- SIGSEGV ",	   "--- SIGURG ",
					     "syscall_0x",   "rt_sigreturn(",	   "gettid(",
					     "<... gettid ", "<... rt_sigreturn ", "<... sendmsg "};
	for (unsigned i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (!strncmp(s, starts[i], strlen(starts[i])))
			return true;
	return !strncmp(s, "recvmsg(", 8) && strstr(s, "<unfinished");
}

/* One line of strace's output, decoded or passed on. */
static void decode(const char *line)
{
	char pre[32] = "";
	const char *s = line;
	if (!strncmp(s, "[pid ", 5)) {
		const char *end = strchr(s, ']');
		if (end && (size_t)(end - s) < sizeof(pre) - 2) {
			memcpy(pre, s, (size_t)(end - s) + 2);
			pre[end - s + 2] = 0;
			s = end + 2;
		}
	}
	if (decode_trap(pre, s) || decode_answer(pre, s))
		return;
	if (!plumbing(s))
		fputs(line, stdout);
}

int sim_strace(const char *path, int argc, char **argv)
{
	int pid;
	char file[4096], cmd[8192];
	if (where(path, argv[0], &pid, file, sizeof(file)) != 0)
		return 1;
	int len = snprintf(cmd, sizeof(cmd), "strace -f -p %d -s 256 -xx -qq", pid);
	for (int i = 1; i < argc && len < (int)sizeof(cmd) - 1; i++) {
		/* extra strace options, quoted for the shell */
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, " '");
		for (const char *c = argv[i]; *c && len < (int)sizeof(cmd) - 8; c++)
			len += *c == '\''
				   ? snprintf(cmd + len, sizeof(cmd) - (size_t)len, "'\\''")
				   : snprintf(cmd + len, sizeof(cmd) - (size_t)len, "%c", *c);
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, "'");
	}
	snprintf(cmd + len, sizeof(cmd) - (size_t)len, " 2>&1");
	FILE *f = popen(cmd, "r");
	if (!f) {
		perror("sim: strace");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	char line[8192];
	while (fgets(line, sizeof(line), f))
		decode(line);
	return pclose(f) == 0 ? 0 : 1;
}
