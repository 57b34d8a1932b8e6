#include "pd.h"
#include "channel.h"
#include "confine.h"
#include "filter.h"
#include "names.h"
#include "resources.h"
#include "thread.h"
#include "../kernel/delete.h"
#include "../kernel/log.h"
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

int (*pd_mapping_of)(struct pd_proc *p, uint64_t vaddr, struct pd_mapping *m);

static const char *runtime_path;
static struct pd_proc *all_procs;

/* Processes forgotten but not yet reaped: their pidfds stay in the loop until they exit. */
struct reaped {
	struct event_source exit_event;
	pid_t pid;
	struct reaped *next;
};
static struct reaped *all_reaped;

static void unlink_reaped(struct reaped *r)
{
	for (struct reaped **rp = &all_reaped; *rp; rp = &(*rp)->next)
		if (*rp == r) {
			*rp = r->next;
			return;
		}
}

void pd_set_runtime_path(const char *path)
{
	runtime_path = path;
}

/* A /proc file of a PD process, read at once: the descriptor reserve may help. */
static FILE *open_proc(pid_t pid, const char *file)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	FILE *f = fopen(path, "re");
	if (!f && fd_reserve_yield(errno)) {
		f = fopen(path, "re");
		fd_reserve_fill();
	}
	return f;
}

/* The state letter of a stat file of pid ("stat", "task/TID/stat"), 0 if unknown. */
static char proc_state(pid_t pid, const char *file)
{
	char buf[512];
	FILE *f = open_proc(pid, file);
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *s = strrchr(buf, ')'); /* the name may hold anything */
	return s && s[1] == ' ' ? s[2] : 0;
}

/* Stopped by a debugger or job control (state t or T in /proc/PID/stat)? */
static bool process_stopped(pid_t pid)
{
	char state = proc_state(pid, "stat");
	return state == 't' || state == 'T';
}

bool host_past_grace(uint64_t since)
{
	return since && loop_now_ns() - since > (uint64_t)HOST_GRACE_MS * 1000000ull;
}

bool pd_proc_is_stopped(struct pd_proc *p)
{
	return process_stopped(p->pid);
}

uint64_t pd_proc_cpu_ns(struct pd_proc *p)
{
	struct timespec ts;
	if (p->lost || clock_gettime(p->cpu_clock, &ts) != 0)
		return p->cpu_seen_ns;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int pd_proc_thread_sched(struct pd_proc *p, pid_t tid, char *state, uint64_t *ran_ns)
{
	char file[64];
	snprintf(file, sizeof(file), "task/%d/stat", (int)tid);
	if (!(*state = proc_state(p->pid, file)))
		return -1;
	snprintf(file, sizeof(file), "task/%d/schedstat", (int)tid);
	unsigned long long ran = 0;
	FILE *f = open_proc(p->pid, file);
	if (!f)
		return -1;
	int got = fscanf(f, "%llu", &ran);
	fclose(f);
	*ran_ns = ran;
	return got == 1 ? 0 : -1;
}

int pd_proc_kill(struct pd_proc *p)
{
	if (p->exit_event.fd < 0)
		return -1;
	return (int)syscall(SYS_pidfd_send_signal, p->exit_event.fd, SIGKILL, NULL, 0);
}

int pd_proc_broken(struct pd_proc *p, const char *why)
{
	if (!p->lost)
		kprintf("kernel-sim: PD process %d (%s) %s; ending it\n", (int)p->pid, p->name,
			why);
	p->lost = true;
	pd_proc_kill(p);
	return -EPIPE;
}

/* --- The command queue --------------------------------------------------- */

/* NULL: no host memory for the command; its PD is ended (it cannot follow its tables). */
static struct pd_cmd *queue_push(struct pd_proc *p)
{
	if (p->q_len == p->q_cap) {
		size_t cap = p->q_cap ? p->q_cap * 2 : 64;
		struct pd_cmd *q = malloc(cap * sizeof(*q));
		if (!q) {
			host_resource_exhausted(HOST_MEMORY, ENOMEM, "queueing a PD command");
			pd_proc_broken(p, "cannot be given its commands");
			return NULL;
		}
		for (size_t i = 0; i < p->q_len; i++)
			q[i] = p->queue[(p->q_head + i) % p->q_cap];
		free(p->queue);
		p->queue = q;
		p->q_cap = cap;
		p->q_head = 0;
	}
	struct pd_cmd *c = &p->queue[(p->q_head + p->q_len++) % p->q_cap];
	memset(c, 0, sizeof(*c));
	c->seq = ++p->queued_seq;
	c->fd = -1;
	return c;
}

static void set_out_interest(struct pd_proc *p, bool out)
{
	if (p->out_blocked == out)
		return;
	p->out_blocked = out;
	loop_mod(&p->ctrl, EPOLLIN | (out ? EPOLLOUT : 0));
}

static uint32_t map_prot(bool writable)
{
	return PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0);
}

/*
 * A MAP without a file takes the shadow's truth when it is sent (a replay,
 * a fault filled from the shadow): 1 with *fd to close after sending.
 */
static int build_map(struct pd_proc *p, struct pd_cmd *c, struct sim_ctrl_msg *m, int *fd)
{
	if (c->fd >= 0)
		return 0;
	struct pd_mapping map;
	int found = pd_mapping_of ? pd_mapping_of(p, c->vaddr, &map) : 0;
	if (found < 0)
		host_resource_exhausted(host_resource_of(-found), -found, "mapping a frame");
	if (found <= 0) {
		/* gone meanwhile, or no file for it now: make sure nothing stays (a touch faults)
		 */
		m->op = SIM_CTRL_UNMAP;
		return 0;
	}
	m->size = map.size;
	m->prot = map_prot(map.writable);
	*fd = map.fd;
	return 1;
}

/* Send one command; 0 sent, -EAGAIN the channel is full, other: broken. */
static int send_cmd(struct pd_proc *p, struct pd_cmd *c)
{
	struct sim_ctrl_msg m;
	memset(&m, 0, sizeof(m));
	m.op = c->op;
	m.seq = c->seq;
	m.vaddr = c->vaddr;
	m.size = c->size;
	m.index = c->index;
	m.prot = c->prot;
	int fd = c->fd, owned = 0;
	if (c->op == SIM_CTRL_MAP && (owned = build_map(p, c, &m, &fd)) < 0)
		return owned;
	if (c->op == SIM_CTRL_NAME)
		memcpy(m.name, p->name, sizeof(m.name));
	ssize_t n = chan_send(p->ctrl.fd, &m, sizeof(m), 0, 0, fd);
	int err = n < 0 ? errno : 0;
	if (owned)
		close(fd);
	if (n >= 0)
		return 0;
	return err == EAGAIN || err == EWOULDBLOCK ? -EAGAIN : -err;
}

/* Send queued commands while the window and the channel allow. */
static void pump(struct pd_proc *p)
{
	while (!p->lost && p->phase == PD_READY && p->q_len > 0 && p->in_count < PD_CTRL_WINDOW) {
		struct pd_cmd *c = &p->queue[p->q_head];
		int status = send_cmd(p, c);
		if (status == -EAGAIN) {
			set_out_interest(p, true);
			return;
		}
		if (status != 0) {
			pd_proc_broken(p, "does not take commands");
			return;
		}
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		if (p->in_count == 0) {
			p->waiting_since = loop_now_ns();
			host_watchdog_start();
		}
		p->inflight[(p->in_head + p->in_count++) % PD_CTRL_WINDOW] = *c;
		p->q_head = (p->q_head + 1) % p->q_cap;
		p->q_len--;
	}
	set_out_interest(p, false);
}

/*
 * Queue a command with the file it carries (fd, consumed). A map that
 * cannot go out at once drops its file and takes the shadow's truth when
 * it is sent: kernel-sim holds no descriptor for a PD that does not read
 * its channel, however many maps wait for it.
 */
static uint64_t queue_cmd(struct pd_proc *p, uint32_t op, uint64_t vaddr, uint64_t size, int fd,
			  uint32_t prot)
{
	struct pd_cmd *c = queue_push(p);
	if (!c) {
		if (fd >= 0)
			close(fd);
		return p->queued_seq;
	}
	c->op = op;
	c->vaddr = vaddr;
	c->size = size;
	c->prot = prot;
	c->fd = fd;
	uint64_t seq = c->seq;
	pump(p);
	if (fd >= 0 && p->q_len > 0) {
		struct pd_cmd *last = &p->queue[(p->q_head + p->q_len - 1) % p->q_cap];
		if (last->seq == seq) {
			close(last->fd);
			last->fd = -1;
		}
	}
	return seq;
}

uint64_t pd_proc_map(struct pd_proc *p, uint64_t vaddr, uint64_t size, int fd, bool writable)
{
	return queue_cmd(p, SIM_CTRL_MAP, vaddr, size, fd, map_prot(writable));
}

/* The span of a table may cover the runtime's window: that part stays. */
uint64_t pd_proc_unmap(struct pd_proc *p, uint64_t vaddr, uint64_t size)
{
	uint64_t end = vaddr + size, seq = p->queued_seq;
	if (vaddr < SIM_RUNTIME_BASE)
		seq = queue_cmd(p, SIM_CTRL_UNMAP, vaddr,
				(end < SIM_RUNTIME_BASE ? end : SIM_RUNTIME_BASE) - vaddr, -1, 0);
	if (end > SIM_RUNTIME_TOP) {
		uint64_t start = vaddr > SIM_RUNTIME_TOP ? vaddr : SIM_RUNTIME_TOP;
		seq = queue_cmd(p, SIM_CTRL_UNMAP, start, end - start, -1, 0);
	}
	return seq;
}

void pd_proc_set_barrier(struct pd_proc *p)
{
	p->barrier_seq = p->queued_seq;
}

void pd_proc_set_name(struct pd_proc *p, const char *name)
{
	snprintf(p->name, sizeof(p->name), "[sim] %s", name);
	pd_names_title(p, p->name);
	queue_cmd(p, SIM_CTRL_NAME, 0, 0, -1, 0);
}

void pd_proc_set_tracer(struct pd_proc *p, pid_t tracer)
{
	queue_cmd(p, SIM_CTRL_TRACER, (uint64_t)tracer, 0, -1, 0);
}

/* The process's address space in bytes (its VmSize), 0 if unknown. */
static uint64_t process_size(pid_t pid)
{
	FILE *f = open_proc(pid, "statm");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* RLIMIT_AS moves in steps of this much, so that most maps need no prlimit. */
#define AS_STEP (256ul << 10)

/* The RLIMIT_AS the process needs for mapped bytes of frames. */
static uint64_t as_wanted(const struct pd_proc *p, uint64_t mapped)
{
	uint64_t want = p->as_base + (uint64_t)p->block_high * SIM_RUNTIME_BLOCK_SIZE + mapped;
	return (want + AS_STEP - 1) & ~(AS_STEP - 1);
}

/*
 * Set the process's RLIMIT_AS to want; 0 or an errno. Its hard limit stays
 * unlimited where kernel-sim may raise it; a hard limit someone else set
 * (prlimit, as root) is kept, and a want beyond it cannot be had.
 */
static int set_as_limit(struct pd_proc *p, uint64_t want)
{
	if (want == p->as_limit)
		return 0;
	struct rlimit r = {want, RLIM_INFINITY}, old;
	if (prlimit(p->pid, RLIMIT_AS, &r, NULL) != 0) {
		int err = errno;
		if (prlimit(p->pid, RLIMIT_AS, NULL, &old) != 0 || want > old.rlim_max)
			return err;
		r.rlim_max = old.rlim_max;
		if (prlimit(p->pid, RLIMIT_AS, &r, NULL) != 0)
			return errno;
	}
	p->as_limit = want;
	return 0;
}

void pd_proc_limit_memory(struct pd_proc *p, uint64_t mapped)
{
	p->as_mapped = mapped;
	if (!p->as_base || p->lost)
		return;
	uint64_t want = as_wanted(p, mapped);
	/*
	 * Lower only once the runtime has carried out every command sent: an
	 * unmap still on its way holds its memory, and a map sent before it
	 * would fail under the lower limit (settle_limit).
	 */
	if (want < p->as_limit && (p->in_count || p->q_len))
		return;
	int err = set_as_limit(p, want);
	if (err && kernel_verbose)
		kprintf("kernel-sim: cannot limit the memory of PD process %d: %s\n", (int)p->pid,
			strerror(err));
}

/* Every command answered: a lower limit deferred by pd_proc_limit_memory applies now. */
static void settle_limit(struct pd_proc *p)
{
	if (!p->in_count && !p->q_len && p->phase == PD_READY && !p->lost &&
	    as_wanted(p, p->as_mapped) < p->as_limit)
		pd_proc_limit_memory(p, p->as_mapped);
}

int pd_proc_may_map(struct pd_proc *p, uint64_t more)
{
	if (!p->as_base || p->lost)
		return 0; /* its limit is set when it says hello, with everything mapped by then */
	uint64_t want = as_wanted(p, p->as_mapped + more);
	return want <= p->as_limit ? 0 : -set_as_limit(p, want);
}

enum { SLOT_FREE, SLOT_USED, SLOT_LEAVING };

/*
 * Runtime slots: the lowest free one, so that the runtime maps no more
 * thread blocks than the PD had threads at once (and its RLIMIT_AS allows
 * no more). A slot whose thread is still on its way out is refused by the
 * runtime (EBUSY): it is passed over until no other slot is free.
 */
static int free_slot(struct pd_proc *p)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < SIM_RUNTIME_MAX_THREADS; i++)
			if (p->thread_used[i] == SLOT_FREE)
				return i;
		for (int i = 0; i < SIM_RUNTIME_MAX_THREADS; i++)
			if (p->thread_used[i] == SLOT_LEAVING)
				p->thread_used[i] = SLOT_FREE;
	}
	return -1;
}

int pd_proc_start_thread(struct pd_proc *p, int *index_out, void *cookie)
{
	if (p->lost)
		return -EPIPE;
	int index = free_slot(p);
	if (index < 0)
		return -EAGAIN;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -errno;
	if ((unsigned)index >= p->block_high) {
		p->block_high = (unsigned)index + 1;
		pd_proc_limit_memory(p, p->as_mapped);
	}
	struct pd_cmd *c = queue_push(p);
	if (!c) {
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	p->thread_used[index] = SLOT_USED;
	p->threads++;
	c->op = SIM_CTRL_THREAD;
	c->index = (uint32_t)index;
	c->fd = sv[1];
	c->cookie = cookie;
	*index_out = index;
	pump(p);
	return sv[0];
}

void pd_proc_release_thread(struct pd_proc *p, int index, bool leaving)
{
	if (index >= 0 && index < SIM_RUNTIME_MAX_THREADS && p->thread_used[index] == SLOT_USED) {
		p->thread_used[index] = leaving ? SLOT_LEAVING : SLOT_FREE;
		p->threads--;
	}
}

/* --- Answers -------------------------------------------------------------- */

static void answered(struct pd_proc *p, const struct pd_cmd *c, int status)
{
	p->acked_seq = c->seq;
	switch (c->op) {
	case SIM_CTRL_FILTER:
		if (status == 0 && p->gate.ev.fd < 0)
			status = -EPROTO; /* no listener came with it: clones would not be ours */
		if (status != 0) {
			kprintf(
			    "kernel-sim: PD runtime could not install its seccomp filter (%s)\n",
			    strerror(-status));
			pd_proc_broken(p, "is not confined");
		}
		break;
	case SIM_CTRL_THREAD:
		host_thread_started(c->cookie, status);
		break;
	case SIM_CTRL_MAP:
		/*
		 * kernel-sim checks the limits a map could hit before it sends
		 * one: a runtime that still cannot map has run its host out of
		 * memory or hoards what it was sent. Its PD gets the fault of a
		 * lost PD; the system goes on.
		 */
		if (status != 0) {
			host_resource_exhausted(status == -EBADF || status == -EMFILE ? HOST_FDS
										      : HOST_MEMORY,
						-status, "a PD process mapped a frame");
			pd_proc_broken(p, "cannot map a frame");
		}
		break;
	case SIM_CTRL_UNMAP:
		if (status != 0 && kernel_verbose)
			kprintf("kernel-sim: PD process %d (%s) could not unmap: %s\n", (int)p->pid,
				p->name, strerror(-status));
		break;
	default:
		break;
	}
}

/* HELLO: check the runtime's facts and confine it before anything else. */
static void handshake(struct pd_proc *p, const struct sim_ctrl_msg *m)
{
	if (m->op != SIM_CTRL_HELLO || m->prot != SIM_CTRL_VERSION) {
		pd_proc_broken(p, "did not say HELLO");
		return;
	}
	if (m->vaddr < SIM_RUNTIME_BASE || m->vaddr >= SIM_RUNTIME_TOP) {
		kprintf("kernel-sim: PD runtime reports its syscall site at %#lx, outside the "
			"runtime's window\n",
			(unsigned long)m->vaddr);
		pd_proc_broken(p, "is not pd-host");
		return;
	}
	p->syscall_ip = m->vaddr;
	p->as_base = process_size(p->pid);
	pd_proc_limit_memory(p, p->as_mapped);
	/* Its names, written before the runtime points the host at them (names.h). */
	pd_names_title(p, p->name);
	static struct sim_bpf_insn prog[SIM_FILTER_MAX];
	int count = filter_build(p->syscall_ip, prog, SIM_FILTER_MAX);
	struct sim_ctrl_msg f = {.op = SIM_CTRL_FILTER, .size = (uint64_t)count};
	if (count < 0 ||
	    chan_send(p->ctrl.fd, &f, sizeof(f), prog, (size_t)count * sizeof(prog[0]), -1) < 0) {
		pd_proc_broken(p, "cannot be confined");
		return;
	}
	/* FILTER is the first command; its sequence number comes before every queued one. */
	struct pd_cmd c = {.seq = 0, .op = SIM_CTRL_FILTER, .fd = -1};
	p->inflight[p->in_head] = c;
	p->in_count = 1;
	p->waiting_since = loop_now_ns();
	host_watchdog_start();
	p->phase = PD_READY;
	p->cpu_seen_ns = pd_proc_cpu_ns(p);
	pump(p);
}

static void on_ctrl(struct event_source *s, uint32_t events)
{
	struct pd_proc *p = (struct pd_proc *)((char *)s - offsetof(struct pd_proc, ctrl));
	if (s->fd < 0)
		return; /* destroyed earlier in this batch */
	if (events & EPOLLOUT)
		pump(p);
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (int budget = 0; budget < 4 * PD_CTRL_WINDOW && !p->lost; budget++) {
		struct sim_ctrl_msg m;
		int fd;
		ssize_t n = chan_recv(p->ctrl.fd, &m, sizeof(m), &fd);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == 0 || (n < 0 && errno != EMSGSIZE)) {
			/* The runtime is gone; its exit is reported through the pidfd. */
			loop_del(&p->ctrl);
			p->lost = true;
			return;
		}
		/* A descriptor comes only with FILTER's answer: the seccomp listener. */
		bool filter = p->phase == PD_READY && p->in_count && m.op == SIM_CTRL_ACK &&
			      p->inflight[p->in_head].op == SIM_CTRL_FILTER && m.status == 0;
		if (fd >= 0) {
			if (!filter || n != (ssize_t)sizeof(m) || p->gate.ev.fd >= 0) {
				close(fd);
				pd_proc_broken(p, "sent a descriptor");
				return;
			}
			if (clone_gate_open(p, fd) != 0) { /* closes fd */
				pd_proc_broken(p, "cannot be confined");
				return;
			}
		}
		if (n != (ssize_t)sizeof(m)) {
			pd_proc_broken(p, "sent a malformed answer");
			return;
		}
		if (p->phase == PD_HELLO) {
			handshake(p, &m);
			continue;
		}
		if (m.op != SIM_CTRL_ACK || p->in_count == 0 ||
		    m.seq != p->inflight[p->in_head].seq) {
			pd_proc_broken(p, "answered what was not asked");
			return;
		}
		struct pd_cmd c = p->inflight[p->in_head];
		p->in_head = (p->in_head + 1) % PD_CTRL_WINDOW;
		p->in_count--;
		p->waiting_since = p->in_count ? loop_now_ns() : 0;
		answered(p, &c, m.status);
	}
	pump(p);
	settle_limit(p);
}

/* --- Life and death ------------------------------------------------------ */

static void on_reaped_exit(struct event_source *s, uint32_t events)
{
	(void)events;
	struct reaped *r = (struct reaped *)s;
	if (s->fd < 0 || waitpid(r->pid, NULL, WNOHANG) == 0)
		return;
	loop_del(&r->exit_event);
	close(r->exit_event.fd);
	r->exit_event.fd = -1;
	unlink_reaped(r);
	release_later(r, free);
}

static void on_process_exit(struct event_source *s, uint32_t events)
{
	(void)events;
	struct pd_proc *p = (struct pd_proc *)((char *)s - offsetof(struct pd_proc, exit_event));
	if (s->fd < 0)
		return;
	int wstatus = 0;
	if (waitpid(p->pid, &wstatus, WNOHANG) == 0)
		return;
	if (p->phase == PD_HELLO && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0)
		kprintf("kernel-sim: PD process %s\n", confine_status_string(WEXITSTATUS(wstatus)));
	p->lost = true;
	loop_del(&p->exit_event);
	close(p->exit_event.fd);
	p->exit_event.fd = -1;
	if (p->on_exit)
		p->on_exit(p, wstatus);
}

/* Descriptors left to the running PDs when a new one starts (see fd_headroom). */
#define PD_START_FD_HEADROOM 8

struct pd_proc *pd_proc_create(const char *name)
{
	int sv[2];
	if (!fd_headroom(PD_START_FD_HEADROOM) || !task_reserve_whole() ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		host_resource_exhausted(host_resource_of(errno), errno, "starting a PD process");
		return NULL;
	}
	struct pd_proc *p = NULL;
	if (release_reserve(1) && !(p = calloc(1, sizeof(*p))))
		release_unreserve(1);
	if (!p) {
		host_resource_exhausted(HOST_MEMORY, ENOMEM, "starting a PD process");
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
		release_unreserve(1);
		return NULL;
	}
	if (pid == 0)
		confine_and_exec(sv[1], parent, runtime_path, argv);

	close(sv[1]);
	p->pid = pid;
	p->ctrl.fd = sv[0];
	p->ctrl.ready = on_ctrl;
	p->gate.ev.fd = -1;
	p->exit_event.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	p->exit_event.ready = on_process_exit;
	if (clock_getcpuclockid(pid, &p->cpu_clock) != 0)
		p->cpu_clock = CLOCK_MONOTONIC;
	if (p->exit_event.fd < 0 || loop_add(&p->exit_event, EPOLLIN) != 0 ||
	    loop_add(&p->ctrl, EPOLLIN) != 0) {
		host_resource_exhausted(host_resource_of(errno), errno, "starting a PD process");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (p->exit_event.fd >= 0) {
			loop_del(&p->exit_event);
			close(p->exit_event.fd);
		}
		close(p->ctrl.fd);
		free(p);
		release_unreserve(1);
		return NULL;
	}
	p->waiting_since = loop_now_ns(); /* for HELLO */
	p->next = all_procs;
	all_procs = p;
	host_watchdog_start();
	return p;
}

static void drop_queue(struct pd_proc *p)
{
	for (size_t i = 0; i < p->q_len; i++) {
		struct pd_cmd *c = &p->queue[(p->q_head + i) % p->q_cap];
		if (c->fd >= 0)
			close(c->fd);
	}
	free(p->queue);
	p->queue = NULL;
	p->q_len = p->q_cap = p->q_head = 0;
}

void pd_proc_destroy(struct pd_proc *p)
{
	for (struct pd_proc **pp = &all_procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	host_thread_forget_proc(p);
	if (p->exit_event.fd >= 0) {
		pd_proc_kill(p);
		struct reaped *r = malloc(sizeof(*r));
		if (r && waitpid(p->pid, NULL, WNOHANG) == 0) {
			/* Dying: reap it when it is gone, without waiting here. */
			loop_del(&p->exit_event);
			r->pid = p->pid;
			r->exit_event.fd = p->exit_event.fd;
			r->exit_event.ready = on_reaped_exit;
			if (loop_add(&r->exit_event, EPOLLIN) == 0) {
				r->next = all_reaped;
				all_reaped = r;
				r = NULL, p->exit_event.fd = -1;
			}
		}
		free(r);
		if (p->exit_event.fd >= 0) {
			loop_del(&p->exit_event);
			close(p->exit_event.fd);
			p->exit_event.fd = -1;
		}
	}
	loop_del(&p->ctrl);
	close(p->ctrl.fd);
	p->ctrl.fd = -1;
	clone_gate_close(p);
	drop_queue(p);
	release_later(p, free);
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
	for (struct pd_proc *p = all_procs; p; p = p->next) {
		pd_proc_kill(p);
		p->on_exit = NULL;
	}
	while (all_procs) {
		struct pd_proc *p = all_procs;
		if (p->exit_event.fd >= 0)
			waitpid(p->pid, NULL, 0);
		pd_proc_destroy(p);
	}
	/* those still dying when the system ends: killed already, reaped here */
	while (all_reaped) {
		struct reaped *r = all_reaped;
		all_reaped = r->next;
		waitpid(r->pid, NULL, 0);
		loop_del(&r->exit_event);
		close(r->exit_event.fd);
		free(r);
	}
}

bool pd_proc_any_waiting(void)
{
	for (struct pd_proc *p = all_procs; p; p = p->next)
		if (!p->lost && (p->waiting_since || p->q_len))
			return true;
	return false;
}

void pd_proc_check_timeouts(uint64_t now)
{
	const uint64_t limit = (uint64_t)PD_ANSWER_TIMEOUT_MS * 1000000ull;
	for (struct pd_proc *p = all_procs; p; p = p->next) {
		if (p->lost || !p->waiting_since || now - p->waiting_since < limit)
			continue;
		if (chan_pending(p->ctrl.fd))
			continue; /* its answer is there: read before any verdict */
		/* A PD held by a debugger answers when it is let go. */
		if (process_stopped(p->pid)) {
			p->waiting_since = now;
			continue;
		}
		pd_proc_broken(p, p->phase == PD_HELLO ? "did not start"
						       : "does not answer its control channel");
	}
}
