#include "pd.h"
#include "channel.h"
#include "confine.h"
#include "filter.h"
#include "resources.h"
#include "../kernel/log.h"
#include "../kernel/object.h"
#include <sim/ctrl.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A PD runtime that does not answer a command within this time is lost. */
#define CTRL_TIMEOUT_MS 10000

static const char *runtime_path;
static struct pd_proc *all_procs;

void pd_set_runtime_path(const char *path)
{
	runtime_path = path;
}

/* Stopped by a debugger or job control (state t or T in /proc/PID/stat)? */
static bool process_stopped(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *s = strrchr(buf, ')');
	return s && (s[2] == 't' || s[2] == 'T');
}

int pd_proc_kill(struct pd_proc *p)
{
	if (p->exit_event.fd < 0)
		return -1;
	return (int)syscall(SYS_pidfd_send_signal, p->exit_event.fd, SIGKILL, NULL, 0);
}

/* A PD whose runtime no longer follows the protocol is ended. */
int pd_proc_broken(struct pd_proc *p)
{
	if (!p->lost && kernel_verbose)
		kprintf("kernel-sim: PD process %d (%s) does not answer; ending it\n", (int)p->pid,
			p->name);
	p->lost = true;
	pd_proc_kill(p);
	return -EPIPE;
}

/* Wait for the runtime's answer to the last command. */
static int ctrl_wait_ack(struct pd_proc *p)
{
	struct sim_ctrl_msg m;
	for (;;) {
		ssize_t n = chan_recv_timeout(p->ctrl, &m, sizeof(m), 0, CTRL_TIMEOUT_MS);
		if (n < 0 && errno == EAGAIN)
			continue;
		/* A PD held by a debugger answers when it is let go. */
		if (n < 0 && errno == ETIMEDOUT && process_stopped(p->pid))
			continue;
		if (n != (ssize_t)sizeof(m) || m.op != SIM_CTRL_ACK)
			return pd_proc_broken(p);
		return m.status;
	}
}

/* Collect the answers of pipelined commands; a failed map shows in verbose mode. */
static int ctrl_drain(struct pd_proc *p)
{
	while (p->unacked) {
		p->unacked--;
		int status = ctrl_wait_ack(p);
		if (status == -EPIPE && p->lost)
			return status;
		if (status != 0) {
			/*
			 * kernel-sim checks the limits a map could hit before it
			 * sends one: a runtime that still cannot map has run its
			 * host out of memory or hoards what it was sent. Its PD
			 * gets the fault of a lost PD; the system goes on.
			 */
			host_resource_exhausted(status == -EBADF || status == -EMFILE ? HOST_FDS
										      : HOST_MEMORY,
						-status, "a PD process mapped a frame");
			return pd_proc_broken(p);
		}
	}
	return 0;
}

static int ctrl_command(struct pd_proc *p, const struct sim_ctrl_msg *m, const void *payload,
			size_t plen, int fd)
{
	if (p->lost)
		return -EPIPE;
	if (chan_send(p->ctrl, m, sizeof(*m), payload, plen, fd) < 0)
		return pd_proc_broken(p);
	int status = ctrl_drain(p);
	return status ? status : ctrl_wait_ack(p);
}

/*
 * Few enough in flight that neither side's socket buffer fills (the runtime
 * would block on its answers while kernel-sim blocks on its commands).
 */
#define CTRL_PIPELINE 32

static int ctrl_command_pipelined(struct pd_proc *p, const struct sim_ctrl_msg *m, int fd)
{
	if (p->lost)
		return -EPIPE;
	if (p->unacked >= CTRL_PIPELINE && ctrl_drain(p) != 0)
		return -EPIPE;
	if (chan_send(p->ctrl, m, sizeof(*m), 0, 0, fd) < 0)
		return pd_proc_broken(p);
	p->unacked++;
	return 0;
}

static void on_process_exit(struct event_source *s, uint32_t events)
{
	(void)events;
	struct pd_proc *p = (struct pd_proc *)((char *)s - offsetof(struct pd_proc, exit_event));
	int wstatus = 0;
	if (waitpid(p->pid, &wstatus, WNOHANG) == 0)
		return;
	p->lost = true;
	loop_del(&p->exit_event);
	close(p->exit_event.fd);
	p->exit_event.fd = -1;
	if (p->on_exit)
		p->on_exit(p, wstatus);
}

/* The process's address space in bytes (its VmSize), 0 if unknown. */
static uint64_t process_size(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	FILE *f = fopen(path, "re");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Receive HELLO, answer with the seccomp program, wait until it is installed. */
static int handshake(struct pd_proc *p)
{
	struct sim_ctrl_msg m;
	ssize_t n = chan_recv_timeout(p->ctrl, &m, sizeof(m), 0, CTRL_TIMEOUT_MS);
	if (n != (ssize_t)sizeof(m) || m.op != SIM_CTRL_HELLO || m.prot != SIM_CTRL_VERSION)
		return -1;
	if (m.vaddr < SIM_RUNTIME_BASE || m.vaddr >= SIM_RUNTIME_TOP) {
		kprintf("kernel-sim: PD runtime reports its syscall site at %#lx, outside the "
			"runtime's window\n",
			(unsigned long)m.vaddr);
		return -1;
	}
	p->syscall_ip = m.vaddr;
	p->as_base = process_size(p->pid);

	static struct sim_bpf_insn prog[SIM_FILTER_MAX];
	int count = filter_build(p->syscall_ip, p->pid, prog, SIM_FILTER_MAX);
	if (count < 0)
		return -1;
	struct sim_ctrl_msg f = {.op = SIM_CTRL_FILTER, .size = (uint64_t)count};
	int status = ctrl_command(p, &f, prog, (size_t)count * sizeof(prog[0]), -1);
	if (status != 0) {
		kprintf("kernel-sim: PD runtime could not install its seccomp filter (%s)\n",
			strerror(-status));
		return -1;
	}
	return 0;
}

/* RLIMIT_AS moves in steps of this much, so that most maps need no prlimit. */
#define AS_STEP (256ul << 10)

void pd_proc_limit_memory(struct pd_proc *p, uint64_t mapped)
{
	p->as_mapped = mapped;
	if (!p->as_base || p->lost)
		return;
	uint64_t want = p->as_base + (uint64_t)p->block_high * SIM_RUNTIME_BLOCK_SIZE + mapped;
	want = (want + AS_STEP - 1) & ~(AS_STEP - 1);
	if (want == p->as_limit)
		return;
	struct rlimit r = {want, RLIM_INFINITY};
	if (prlimit(p->pid, RLIMIT_AS, &r, NULL) == 0)
		p->as_limit = want;
	else if (kernel_verbose)
		kprintf("kernel-sim: cannot limit the memory of PD process %d: %s\n", (int)p->pid,
			strerror(errno));
}

static void report_start_failure(pid_t pid)
{
	int wstatus;
	if (waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus))
		kprintf("kernel-sim: PD process %s\n", confine_status_string(WEXITSTATUS(wstatus)));
	else
		kprintf("kernel-sim: PD process did not start\n");
}

struct pd_proc *pd_proc_create(const char *name)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		host_resource_exhausted(host_resource_of(errno), errno, "starting a PD process");
		return NULL;
	}
	struct pd_proc *p = calloc(1, sizeof(*p));
	if (!p) {
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	snprintf(p->name, sizeof(p->name), "[sim] %s", name);

	char *argv[] = {p->name, NULL};

	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		host_resource_exhausted(host_resource_of(errno), errno, "starting a PD process");
		close(sv[0]);
		close(sv[1]);
		free(p);
		return NULL;
	}
	if (pid == 0)
		confine_and_exec(sv[1], parent, runtime_path, argv);

	close(sv[1]);
	p->pid = pid;
	p->ctrl = sv[0];
	p->exit_event.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	p->exit_event.ready = on_process_exit;
	if (p->exit_event.fd < 0)
		host_resource_exhausted(host_resource_of(errno), errno, "starting a PD process");
	if (p->exit_event.fd < 0 || handshake(p) != 0) {
		kill(pid, SIGKILL);
		report_start_failure(pid);
		if (p->exit_event.fd >= 0)
			close(p->exit_event.fd);
		close(p->ctrl);
		free(p);
		return NULL;
	}
	loop_add(&p->exit_event, EPOLLIN);
	p->next = all_procs;
	all_procs = p;
	return p;
}

int pd_proc_map(struct pd_proc *p, uint64_t vaddr, uint64_t size, int fd, bool writable)
{
	struct sim_ctrl_msg m = {.op = SIM_CTRL_MAP, .vaddr = vaddr, .size = size};
	m.prot = PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0);
	return ctrl_command_pipelined(p, &m, fd);
}

int pd_proc_sync(struct pd_proc *p)
{
	return p->lost ? -EPIPE : ctrl_drain(p);
}

static int unmap_range(struct pd_proc *p, uint64_t start, uint64_t end)
{
	struct sim_ctrl_msg m = {.op = SIM_CTRL_UNMAP, .vaddr = start, .size = end - start};
	return start < end ? ctrl_command(p, &m, 0, 0, -1) : 0;
}

/* The span of a table may cover the runtime's window: that part stays. */
int pd_proc_unmap(struct pd_proc *p, uint64_t vaddr, uint64_t size)
{
	uint64_t end = vaddr + size;
	if (end <= SIM_RUNTIME_BASE || vaddr >= SIM_RUNTIME_TOP)
		return unmap_range(p, vaddr, end);
	int status = unmap_range(p, vaddr, SIM_RUNTIME_BASE);
	return status ? status : unmap_range(p, SIM_RUNTIME_TOP, end);
}

/*
 * Runtime slots: the lowest free one, so that the runtime maps no more
 * thread blocks than the PD had threads at once (and its RLIMIT_AS allows
 * no more); a slot whose thread is still on its way out (the runtime
 * answers EBUSY) is skipped.
 */
int pd_proc_start_thread(struct pd_proc *p, int *index_out)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -errno;
	int status = -EAGAIN;
	for (int index = 0; index < SIM_RUNTIME_MAX_THREADS; index++) {
		if (p->thread_used[index])
			continue;
		if ((unsigned)index >= p->block_high) {
			p->block_high = (unsigned)index + 1;
			pd_proc_limit_memory(p, p->as_mapped);
		}
		struct sim_ctrl_msg m = {.op = SIM_CTRL_THREAD, .index = (uint32_t)index};
		status = ctrl_command(p, &m, 0, 0, sv[1]);
		if (status == -EBUSY)
			continue;
		if (status != 0)
			break;
		close(sv[1]);
		p->thread_used[index] = 1;
		p->threads++;
		*index_out = index;
		return sv[0];
	}
	close(sv[0]);
	close(sv[1]);
	return status;
}

void pd_proc_release_thread(struct pd_proc *p, int index)
{
	if (index >= 0 && index < SIM_RUNTIME_MAX_THREADS && p->thread_used[index]) {
		p->thread_used[index] = 0;
		p->threads--;
	}
}

int pd_proc_park_thread(struct pd_proc *p, int index)
{
	struct sim_ctrl_msg m = {.op = SIM_CTRL_PARK, .index = (uint32_t)index};
	return ctrl_command(p, &m, 0, 0, -1);
}

bool pd_proc_is_stopped(struct pd_proc *p)
{
	return process_stopped(p->pid);
}

int pd_proc_set_name(struct pd_proc *p, const char *name)
{
	struct sim_ctrl_msg m = {.op = SIM_CTRL_NAME};
	snprintf(p->name, sizeof(p->name), "[sim] %s", name);
	memcpy(m.name, p->name, sizeof(m.name));
	return ctrl_command(p, &m, 0, 0, -1);
}

void pd_proc_destroy(struct pd_proc *p)
{
	for (struct pd_proc **pp = &all_procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	if (p->exit_event.fd >= 0) {
		loop_del(&p->exit_event);
		pd_proc_kill(p);
		waitpid(p->pid, 0, 0);
		close(p->exit_event.fd);
	}
	close(p->ctrl);
	free(p);
}

struct pd_proc *pd_proc_first(void)
{
	return all_procs;
}

unsigned pd_proc_count(void)
{
	unsigned n = 0;
	for (struct pd_proc *p = all_procs; p; p = p->next)
		n++;
	return n;
}

void pd_proc_kill_all(void)
{
	for (struct pd_proc *p = all_procs; p; p = p->next)
		pd_proc_kill(p);
	while (all_procs)
		pd_proc_destroy(all_procs);
}
