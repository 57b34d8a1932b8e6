/*
 * The control socket of a running kernel-sim: the `sim` tool's counterpart.
 *
 * kernel-sim never waits for a client. Each connection has its own slot:
 * its request line is read as it arrives, its answer is queued in the
 * slot's buffer and written as the socket takes it. A client that sends no
 * request within REQUEST_TIMEOUT_MS, or takes nothing of its answer for
 * WRITE_TIMEOUT_MS, is dropped. A follower (`log -f`, `trace -f`) that
 * falls more than FOLLOW_MAX bytes behind loses output, and is told how
 * much. Only the user kernel-sim runs as (and root) may connect.
 */
#include "control.h"
#include "loop.h"
#include "pd.h"
#include "resources.h"
#include "thread.h"
#include "../boot/boot.h"
#include "../devices/bus.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../object/vspace.h"
#include "sim/unix_address.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LOG_KEEP	   (256 * 1024) /* bytes of output `sim log` shows */
#define TRACE_KEEP	   4096		/* trace lines `sim trace` shows */
#define MAX_CLIENTS	   64
#define MAX_ACCOUNTS	   4096
#define REQUEST_TIMEOUT_MS 1000
#define WRITE_TIMEOUT_MS   10000
#define REPORT_TIMEOUT_MS  2000 /* how long `ps` waits for core's accounts */
#define ANSWER_MAX	   (16u << 20)
#define FOLLOW_MAX	   (1u << 20)
#define TICK_MS		   100
#define WHERE_SPAN	   (64u << 20) /* where a component's image is looked for */
#define MAX_STATES	   256	       /* inits whose state reports `graph` collects */
#define STATE_MAX	   (64u << 10) /* bytes of one report */

enum client_state {
	CLIENT_FREE,
	CLIENT_READING,	      /* its request has not arrived yet */
	CLIENT_ANSWERING,     /* writing the answer; closed once written */
	CLIENT_WAITING_PS,    /* `ps`: waits for core's accounts */
	CLIENT_WAITING_GRAPH, /* `graph`: waits for every init's state report */
	CLIENT_FOLLOW_LOG,    /* `log -f` */
	CLIENT_FOLLOW_TRACE,  /* `trace -f` */
};

static struct client {
	struct event_source ev;
	enum client_state state;
	char in[512];
	size_t in_len;
	char *out;
	size_t out_start, out_len, out_size;
	size_t dropped;	   /* follower output lost since it was last told */
	uint64_t deadline; /* ms; 0: none */
	bool writable;	   /* EPOLLOUT is wanted */
	bool eof;	   /* it sent all it will send: no more EPOLLIN */
	char filter[256];  /* trace -f LABEL */
} clients[MAX_CLIENTS];

static struct event_source listener = {.fd = -1}, timer = {.fd = -1};
static bool listener_paused; /* out of descriptors: listening again at the next tick */

/*
 * A descriptor kept for the sim tool, so that a system whose descriptors
 * ran out still answers one client at a time; never the PDs' reserve
 * (resources.h), which a loop of clients would drain.
 */
static int spare_fd = -1;

static void take_spare(void)
{
	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}
static char socket_path[PATH_MAX];
static dev_t socket_dev;
static ino_t socket_ino;
static char *ring;
static size_t ring_start, ring_len;
static unsigned trace_followers;

/* --- output kept for `log`, accounts kept for `ps` -------------------------------- */

/*
 * The last accounts core reported (kill -USR2, `sim report`, `sim ps`):
 * label -> text. A report is "core: totals: ..., N PDs" and N PD lines.
 */
static struct account {
	char label[128], text[160];
} accounts[MAX_ACCOUNTS];
static unsigned account_count, report_expected;
static bool report_open;
static char partial[512];
static size_t partial_len;

static void reports_done(void);
static void states_done(void);

/*
 * The state reports of inits (`sim graph`): "[LABEL] <state>" up to
 * "[LABEL] </state>" in the output, the last complete one per init.
 */
static struct state_report {
	char label[128];
	char *text;
	size_t len;
	bool open;
	unsigned long serial; /* the graph request it answers */
} states[MAX_STATES];
static unsigned long state_serial;
static unsigned states_expected, states_complete;

static struct state_report *state_of(const char *label, size_t len, bool create)
{
	struct state_report *free_slot = NULL;
	for (unsigned i = 0; i < MAX_STATES; i++) {
		if (states[i].label[0] && strlen(states[i].label) == len &&
		    !strncmp(states[i].label, label, len))
			return &states[i];
		if (!states[i].label[0] && !free_slot)
			free_slot = &states[i];
	}
	if (!create || !free_slot || len >= sizeof(free_slot->label))
		return NULL;
	memcpy(free_slot->label, label, len);
	free_slot->label[len] = 0;
	return free_slot;
}

static void note_state_line(const char *line)
{
	const char *end = line[0] == '[' ? strstr(line, "] ") : NULL;
	if (!end)
		return;
	const char *msg = end + 2, *label = line + 1;
	size_t len = (size_t)(end - label);
	bool begins = !strncmp(msg, "<state>", 7) || !strncmp(msg, "<state/>", 8);
	struct state_report *r = state_of(label, len, begins);
	if (!r || (!begins && !r->open))
		return;
	if (begins) {
		r->len = 0;
		r->open = true;
	}
	size_t n = strlen(msg);
	char *p = r->len + n + 1 <= STATE_MAX ? realloc(r->text, r->len + n + 1) : NULL;
	if (p) {
		r->text = p;
		memcpy(r->text + r->len, msg, n);
		r->len += n;
		r->text[r->len] = 0;
	}
	if (!strncmp(msg, "</state>", 8) || !strncmp(msg, "<state/>", 8)) {
		r->open = false;
		r->serial = state_serial;
		states_complete++;
		if (states_complete >= states_expected)
			states_done();
	}
}

static void note_line(const char *line)
{
	const char *pd = "core:   PD '", *totals = "core: totals:";
	if (!strncmp(line, totals, strlen(totals))) {
		const char *n = strstr(line, " PDs");
		while (n && n > line && n[-1] >= '0' && n[-1] <= '9')
			n--;
		report_expected = n ? (unsigned)strtoul(n, NULL, 10) : 0;
		account_count = 0;
		report_open = true;
		if (!report_expected)
			reports_done();
		return;
	}
	if (strncmp(line, pd, strlen(pd)) || account_count == MAX_ACCOUNTS)
		return;
	const char *label = line + strlen(pd), *end = strstr(label, "': ");
	if (!end || (size_t)(end - label) >= sizeof(accounts[0].label))
		return;
	struct account *a = &accounts[account_count++];
	memcpy(a->label, label, (size_t)(end - label));
	a->label[end - label] = 0;
	snprintf(a->text, sizeof(a->text), "%s", end + 3);
	a->text[strcspn(a->text, "\n")] = 0;
	if (report_open && account_count >= report_expected)
		reports_done();
}

static void keep_output(const char *text, size_t len)
{
	if (ring) {
		for (size_t i = 0; i < len; i++) {
			ring[(ring_start + ring_len) % LOG_KEEP] = text[i];
			if (ring_len < LOG_KEEP)
				ring_len++;
			else
				ring_start = (ring_start + 1) % LOG_KEEP;
		}
	}
	for (size_t i = 0; i < len; i++) {
		if (partial_len < sizeof(partial) - 1)
			partial[partial_len++] = text[i];
		if (text[i] == '\n') {
			partial[partial_len] = 0;
			note_line(partial);
			note_state_line(partial);
			partial_len = 0;
		}
	}
}

/* Trace lines kept for `sim trace`: "label\0peer\0line". */
static char *trace_kept[TRACE_KEEP];
static unsigned trace_next;

/* --- clients --------------------------------------------------------------------- */

static void on_client(struct event_source *s, uint32_t events);

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void arm_timer(void)
{
	bool any = false;
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		any |= clients[i].state != CLIENT_FREE && clients[i].deadline != 0;
	any |= listener_paused;
	struct itimerspec its = {0};
	if (any)
		its.it_value.tv_nsec = its.it_interval.tv_nsec = TICK_MS * 1000000l;
	if (timer.fd >= 0)
		timerfd_settime(timer.fd, 0, &its, NULL);
}

static void drop(struct client *c)
{
	if (c->state == CLIENT_FREE)
		return;
	if (c->state == CLIENT_FOLLOW_TRACE && --trace_followers == 0)
		trace_live(false);
	loop_del(&c->ev);
	close(c->ev.fd);
	free(c->out);
	*c = (struct client){.ev = {-1, on_client}};
	take_spare();
}

static void want_write(struct client *c, bool on)
{
	if (c->writable == on)
		return;
	c->writable = on;
	loop_mod(&c->ev, (c->eof ? 0 : EPOLLIN) | (on ? EPOLLOUT : 0));
}

/* Write what the socket takes; an answered client goes once all is written. */
static void flush(struct client *c)
{
	while (c->out_len) {
		ssize_t n =
		    send(c->ev.fd, c->out + c->out_start, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			drop(c);
			return;
		}
		c->out_start += (size_t)n;
		c->out_len -= (size_t)n;
		if (c->state == CLIENT_ANSWERING)
			c->deadline = now_ms() + WRITE_TIMEOUT_MS;
	}
	if (!c->out_len) {
		c->out_start = 0;
		if (c->state == CLIENT_ANSWERING) {
			drop(c);
			return;
		}
	}
	want_write(c, c->out_len != 0);
}

/* Queue bytes for the client; a follower that is too far behind loses them. */
static void queue(struct client *c, const char *data, size_t len)
{
	bool follower = c->state == CLIENT_FOLLOW_LOG || c->state == CLIENT_FOLLOW_TRACE;
	size_t max = follower ? FOLLOW_MAX : ANSWER_MAX;
	if (c->out_len + len > max) {
		c->dropped += len;
		return;
	}
	if (c->out_start + c->out_len + len > c->out_size) {
		if (c->out_len)
			memmove(c->out, c->out + c->out_start, c->out_len);
		c->out_start = 0;
		if (c->out_len + len > c->out_size) {
			size_t size = c->out_size ? c->out_size : 4096;
			while (size < c->out_len + len)
				size *= 2;
			char *p = realloc(c->out, size);
			if (!p) {
				c->dropped += len;
				return;
			}
			c->out = p;
			c->out_size = size;
		}
	}
	memcpy(c->out + c->out_start + c->out_len, data, len);
	c->out_len += len;
}

static void say(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct client *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		queue(c, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Output for a follower: first a note of what it missed. */
static void follow(struct client *c, const char *data, size_t len)
{
	if (c->dropped && c->out_len + 128 < FOLLOW_MAX) {
		size_t lost = c->dropped;
		c->dropped = 0;
		say(c, "[sim: %zu bytes of output were lost: the reader is too slow]\n", lost);
	}
	queue(c, data, len);
	flush(c);
}

void control_output(const char *text, size_t len)
{
	keep_output(text, len);
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].state == CLIENT_FOLLOW_LOG)
			follow(&clients[i], text, len);
}

/* --- requests -------------------------------------------------------------------- */

static const char *label_of(const struct pd_proc *p)
{
	return !strncmp(p->name, "[sim] ", 6) ? p->name + 6 : p->name;
}

static struct pd_proc *find_pd(const char *label)
{
	for (struct pd_proc *p = pd_proc_first(); p; p = p->next)
		if (!strcmp(label_of(p), label))
			return p;
	return NULL;
}

/* Does an event of these PDs concern the filter (a PD and its subtree)? */
static bool concerns(const char *filter, const char *label)
{
	size_t n = strlen(filter);
	return !filter[0] ||
	       (!strncmp(label, filter, n) && (!label[n] || !strncmp(label + n, " -> ", 4)));
}

void control_trace(const char *line, size_t len, const char *label, const char *peer)
{
	size_t ll = strlen(label), lp = strlen(peer);
	char *kept = malloc(ll + lp + len + 3);
	if (kept) {
		memcpy(kept, label, ll + 1);
		memcpy(kept + ll + 1, peer, lp + 1);
		memcpy(kept + ll + lp + 2, line, len);
		kept[ll + lp + 2 + len] = 0;
		free(trace_kept[trace_next]);
		trace_kept[trace_next] = kept;
		trace_next = (trace_next + 1) % TRACE_KEEP;
	}
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->state == CLIENT_FOLLOW_TRACE &&
		    (concerns(c->filter, label) || (peer[0] && concerns(c->filter, peer))))
			follow(c, line, len);
	}
}

static void cmd_trace(struct client *c, const char *arg)
{
	bool follow_on = !strncmp(arg, "-f", 2) && (!arg[2] || arg[2] == ' ');
	if (follow_on)
		arg += arg[2] ? 3 : 2;
	snprintf(c->filter, sizeof(c->filter), "%s", arg);
	if (follow_on) {
		c->state = CLIENT_FOLLOW_TRACE;
		c->deadline = 0;
		if (trace_followers++ == 0)
			trace_live(true);
		return;
	}
	bool any = false;
	for (unsigned i = 0; i < TRACE_KEEP; i++) {
		const char *label = trace_kept[(trace_next + i) % TRACE_KEEP];
		if (!label)
			continue;
		const char *peer = label + strlen(label) + 1, *line = peer + strlen(peer) + 1;
		any = true;
		if (concerns(c->filter, label) || (peer[0] && concerns(c->filter, peer)))
			queue(c, line, strlen(line));
	}
	if (!any && !trace_on)
		say(c, "error: no trace kept: tracing is off (kernel-sim --trace FILE, or "
		       "sim trace -f)\n");
}

/* The PD tree in label order (a parent's label is a prefix of its children's). */
static int by_label(const void *a, const void *b)
{
	const struct pd_proc *x = *(struct pd_proc *const *)a, *y = *(struct pd_proc *const *)b;
	bool cx = !strcmp(label_of(x), "core"), cy = !strcmp(label_of(y), "core");
	if (cx != cy)
		return cx ? -1 : 1;
	return strcmp(label_of(x), label_of(y));
}

/*
 * One line per PD, tab-separated: pid, state, threads, priority, label,
 * core's accounts. The sim tool draws the tree from the labels.
 */
static void answer_ps(struct client *c)
{
	unsigned n = pd_proc_count(), k = 0;
	struct pd_proc **list = calloc(n ? n : 1, sizeof(*list));
	if (!list)
		return;
	for (struct pd_proc *p = pd_proc_first(); p && k < n; p = p->next)
		list[k++] = p;
	qsort(list, k, sizeof(*list), by_label);
	for (unsigned i = 0; i < k; i++) {
		struct pd_proc *p = list[i];
		unsigned prio = 0, threads = 0;
		for (struct tcb *t = tcb_first(); t; t = t->all_next)
			if (host_thread_proc(t) == p) {
				threads++;
				if (t->priority > prio)
					prio = t->priority;
			}
		const char *acc = "";
		for (unsigned j = 0; j < account_count; j++)
			if (!strcmp(accounts[j].label, label_of(p)))
				acc = accounts[j].text;
		say(c, "%d\t%s\t%u\t%u\t%s\t%s\n", (int)p->pid, p->lost ? "lost" : "alive", threads,
		    prio, label_of(p), acc);
	}
	free(list);
}

static void answer(struct client *c)
{
	c->state = CLIENT_ANSWERING;
	c->deadline = now_ms() + WRITE_TIMEOUT_MS;
	flush(c);
}

static unsigned report_waiters(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		n += clients[i].state == CLIENT_WAITING_PS;
	return n;
}

static void reports_done(void)
{
	report_open = false;
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].state == CLIENT_WAITING_PS) {
			answer_ps(&clients[i]);
			answer(&clients[i]);
		}
}

/*
 * `ps`: fresh accounts from core first. A root task that left the last
 * request unread serves no reports: the answer comes at once.
 */
static void cmd_ps(struct client *c)
{
	if (rom_update_report_unread() && !report_waiters()) {
		answer_ps(c);
		return;
	}
	rom_update_request_report();
	c->state = CLIENT_WAITING_PS;
	c->deadline = now_ms() + REPORT_TIMEOUT_MS;
}

static void cmd_kill(struct client *c, const char *label)
{
	struct pd_proc *p = find_pd(label);
	if (!p) {
		say(c, "error: no PD with the label \"%s\"\n", label);
		return;
	}
	pid_t pid = p->pid;
	if (pd_proc_kill(p) == 0)
		say(c, "killed %d (%s)\n", (int)pid, label);
	else
		say(c, "error: cannot kill %d (%s)\n", (int)pid, label);
}

static void cmd_restart(struct client *c, const char *label)
{
	if (!find_pd(label) || !strchr(label, '>')) {
		say(c,
		    "error: no component with the label \"%s\" (an init's child: \"init -> "
		    "...\")\n",
		    label);
		return;
	}
	char req[600];
	snprintf(req, sizeof(req), "restart %s", label);
	if (rom_update_request(req) == 0)
		say(c, "requested a restart of \"%s\"\n", label);
	else
		say(c, "error: too many requests pending\n");
}

/* The host file a PD's code comes from: its first mapped image page (the pager maps on demand). */
static const char *pd_file(struct pd_proc *p)
{
	struct vspace *vs = p->owner;
	const char *file = NULL;
	for (uint64_t a = SIM_COMPONENT_BASE; vs && !file && a < SIM_COMPONENT_BASE + WHERE_SPAN;
	     a += 4096) {
		struct frame *f = vspace_lookup_frame(vs, a, NULL, NULL);
		file = f ? boot_file_at(f->obj.paddr) : NULL;
	}
	return file;
}

/* `where LABEL`: the PD's pid and the ELF file its code comes from ("-" if unknown). */
static void cmd_where(struct client *c, const char *label)
{
	struct pd_proc *p = find_pd(label);
	if (!p) {
		say(c, "error: no PD with the label \"%s\"\n", label);
		return;
	}
	/*
	 * The asker is about to debug it (sim gdb, sim strace): under Yama's
	 * ptrace_scope 1 the PD names it as its tracer, and nobody else.
	 */
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(c->ev.fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid > 0)
		pd_proc_set_tracer(p, cred.pid);
	const char *file = pd_file(p);
	say(c, "%d %s\n", (int)p->pid, file ? file : "-");
}

/* The PDs `graph` waits for: those that run init. */
static unsigned count_inits(void)
{
	unsigned n = 0;
	for (struct pd_proc *p = pd_proc_first(); p; p = p->next) {
		const char *file = p->lost ? NULL : pd_file(p);
		const char *base = file ? strrchr(file, '/') : NULL;
		n += base && !strcmp(base + 1, "init");
	}
	return n;
}

/*
 * `graph`: the `ps` lines, then every init's state report ("#state LABEL",
 * its XML, "#end"): what the sim tool draws.
 */
static void answer_graph(struct client *c)
{
	answer_ps(c);
	for (unsigned i = 0; i < MAX_STATES; i++) {
		struct state_report *r = &states[i];
		if (!r->label[0] || !r->text || r->open || !find_pd(r->label))
			continue;
		say(c, "#state %s\n", r->label);
		queue(c, r->text, r->len);
		say(c, "\n#end\n");
	}
	answer(c);
}

static void states_done(void)
{
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].state == CLIENT_WAITING_GRAPH)
			answer_graph(&clients[i]);
}

/* `graph`: every init reports its state through core's sim_control ROM. */
static void cmd_graph(struct client *c)
{
	c->state = CLIENT_WAITING_GRAPH;
	c->deadline = now_ms() + REPORT_TIMEOUT_MS;
	state_serial++;
	states_complete = 0;
	states_expected = count_inits();
	if (!states_expected || rom_update_report_unread() || rom_update_request("state") != 0) {
		answer_graph(c);
		return;
	}
	rom_update_request_report(); /* core's accounts come before the inits' reports */
}

static void cmd_log(struct client *c, bool follow_on)
{
	for (size_t off = 0; off < ring_len;) {
		size_t at = (ring_start + off) % LOG_KEEP;
		size_t n = ring_len - off < LOG_KEEP - at ? ring_len - off : LOG_KEEP - at;
		queue(c, ring + at, n);
		off += n;
	}
	if (follow_on) {
		c->state = CLIENT_FOLLOW_LOG;
		c->deadline = 0;
		flush(c);
	}
}

static void serve(struct client *c)
{
	char *line = c->in;
	line[c->in_len] = 0;
	line[strcspn(line, "\r\n")] = 0;
	c->state = CLIENT_ANSWERING; /* unless the request says otherwise */
	if (!strcmp(line, "ps"))
		cmd_ps(c);
	else if (!strncmp(line, "kill ", 5))
		cmd_kill(c, line + 5);
	else if (!strncmp(line, "where ", 6))
		cmd_where(c, line + 6);
	else if (!strcmp(line, "graph"))
		cmd_graph(c);
	else if (!strcmp(line, "log") || !strcmp(line, "log -f"))
		cmd_log(c, line[3] != 0);
	else if (!strcmp(line, "trace") || !strncmp(line, "trace ", 6))
		cmd_trace(c, line[5] ? line + 6 : "");
	else if (!strncmp(line, "restart ", 8) && line[8])
		cmd_restart(c, line + 8);
	else if (!strcmp(line, "report")) {
		rom_update_request_report();
		say(c, "requested\n");
	} else
		say(c,
		    "error: unknown request \"%.64s\" (ps, kill LABEL, restart LABEL, where LABEL, "
		    "graph, log [-f], trace [-f] [LABEL], report)\n",
		    line);
	if (c->state == CLIENT_ANSWERING)
		answer(c);
}

static void on_client(struct event_source *s, uint32_t events)
{
	struct client *c = (struct client *)s;
	if (c->state == CLIENT_FREE)
		return;
	if (events & EPOLLOUT)
		flush(c);
	if (c->state == CLIENT_FREE || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	char discard[256];
	bool reading = c->state == CLIENT_READING;
	ssize_t n =
	    reading ? recv(c->ev.fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, MSG_DONTWAIT)
		    : recv(c->ev.fd, discard, sizeof(discard), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		/* a request without its newline still counts */
		if (n == 0 && reading && c->in_len)
			serve(c);
		if (n < 0 || (c->state != CLIENT_ANSWERING && c->state != CLIENT_WAITING_PS &&
			      c->state != CLIENT_WAITING_GRAPH)) {
			drop(c);
			return;
		}
		c->eof = true; /* the answer still goes out */
		loop_mod(&c->ev, c->writable ? EPOLLOUT : 0);
		return;
	}
	if (!reading)
		return;
	c->in_len += (size_t)n;
	if (memchr(c->in, '\n', c->in_len) || c->in_len == sizeof(c->in) - 1)
		serve(c);
}

/* A connection from a user other than ours (or root) is refused. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	return cred.uid == 0 || cred.uid == getuid();
}

static void on_connect(struct event_source *s, uint32_t events)
{
	(void)events;
	for (;;) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
			close(spare_fd); /* back when a client goes */
			spare_fd = -1;
			fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		}
		if (fd < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
			/* no descriptor or memory for it: not a busy loop on the listener */
			host_resource_exhausted(host_resource_of(errno), errno,
						"taking a control connection");
			loop_mod(&listener, 0);
			listener_paused = true;
			arm_timer();
		}
		if (fd < 0)
			return;
		if (!peer_allowed(fd)) {
			static bool told;
			if (!told)
				kprintf("kernel-sim: refused a control connection from another "
					"user\n");
			told = true;
			close(fd);
			continue;
		}
		struct client *c = NULL;
		for (unsigned i = 0; i < MAX_CLIENTS && !c; i++)
			if (clients[i].state == CLIENT_FREE)
				c = &clients[i];
		if (!c) {
			(void)!send(fd, "error: too many clients\n", 24,
				    MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		*c = (struct client){.ev = {fd, on_client}, .state = CLIENT_READING};
		c->deadline = now_ms() + REQUEST_TIMEOUT_MS;
		if (loop_add(&c->ev, EPOLLIN) != 0) {
			close(fd);
			*c = (struct client){.ev = {-1, on_client}};
			continue;
		}
		arm_timer();
	}
}

/* Deadlines: silent and stuck clients go; `ps` answers without the accounts. */
static void on_tick(struct event_source *s, uint32_t events)
{
	(void)events;
	uint64_t expirations;
	(void)!read(s->fd, &expirations, sizeof(expirations));
	uint64_t now = now_ms();
	if (listener_paused) {
		listener_paused = false;
		take_spare();
		loop_mod(&listener, EPOLLIN);
	}
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &clients[i];
		if (c->state == CLIENT_FREE || !c->deadline || c->deadline > now)
			continue;
		if (c->state == CLIENT_WAITING_PS) {
			answer_ps(c);
			answer(c);
		} else if (c->state == CLIENT_WAITING_GRAPH) {
			answer_graph(c);
		} else {
			drop(c);
		}
	}
	arm_timer();
}

/* --- the socket ------------------------------------------------------------------ */

/*
 * What is at path: nothing (0), a socket nobody answers on (1, stale), a
 * live system's socket (-1, with EADDRINUSE) or something else (-1, EEXIST).
 */
static int probe(const char *path, const struct sockaddr_un *a)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int r = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	int err = errno;
	close(fd);
	if (r == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	if (err == ECONNREFUSED)
		return 1;
	errno = err;
	return -1;
}

/*
 * Two kernel-sims starting at once in one directory: each holds a lock on
 * the directory while it probes, replaces a stale socket and binds, so
 * that neither removes the other's live socket. Waits at most a second
 * for it (a process that holds it longer does not stop the start).
 */
static int lock_directory_of(const char *path)
{
	char dir[sizeof(socket_path)];
	strcpy(dir, path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else
		slash[slash == dir ? 1 : 0] = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; fd >= 0 && i < 100 && flock(fd, LOCK_EX | LOCK_NB) != 0; i++)
		usleep(10000);
	return fd;
}

/* The listening socket at path, address a (mode 0600), or -1, said why on stderr. */
static int make_socket(const char *path, const struct sockaddr_un *a, struct stat *st)
{
	int state = probe(path, a);
	if (state < 0 && errno == EADDRINUSE) {
		fprintf(stderr,
			"kernel-sim: another system runs here: its control socket %s answers "
			"(use --control PATH or --no-control to run a second one)\n",
			path);
		return -1;
	}
	if (state < 0) {
		fprintf(stderr, "kernel-sim: cannot use %s as the control socket: %s\n", path,
			errno == EEXIST ? "it exists and is not a socket" : strerror(errno));
		return -1;
	}
	if (state == 1)
		unlink(path); /* a socket left by a kernel-sim that is gone */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(0177); /* the socket is ours alone from the start */
	int bound = fd >= 0 ? bind(fd, (const struct sockaddr *)a, sizeof(*a)) : -1;
	umask(old);
	if (bound != 0 || chmod(path, 0600) != 0 || stat(path, st) != 0 || listen(fd, 64) != 0) {
		fprintf(stderr, "kernel-sim: no control socket at %s: %s\n", path, strerror(errno));
		if (bound == 0)
			unlink(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int control_init(const char *path)
{
	if (!path)
		return 0;
	struct sockaddr_un a;
	int dir;
	if (strlen(path) >= sizeof(socket_path) || unix_address(&a, path, &dir) != 0) {
		fprintf(stderr, "kernel-sim: no control socket at %s: %s\n", path,
			strerror(strlen(path) >= sizeof(socket_path) ? ENAMETOOLONG : errno));
		return -1;
	}
	struct stat st;
	int lock = lock_directory_of(path);
	int fd = make_socket(path, &a, &st);
	if (lock >= 0)
		close(lock);
	if (dir >= 0)
		close(dir);
	if (fd < 0)
		return -1;
	strcpy(socket_path, path);
	take_spare();
	socket_dev = st.st_dev;
	socket_ino = st.st_ino;
	ring = malloc(LOG_KEEP);
	listener = (struct event_source){fd, on_connect};
	timer = (struct event_source){timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK),
				      on_tick};
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		clients[i].ev = (struct event_source){-1, on_client};
	if (loop_add(&listener, EPOLLIN) != 0 || timer.fd < 0 || loop_add(&timer, EPOLLIN) != 0) {
		fprintf(stderr, "kernel-sim: no control socket: %s\n", strerror(errno));
		control_shutdown();
		return -1;
	}
	return 0;
}

void control_shutdown(void)
{
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		drop(&clients[i]);
	if (spare_fd >= 0)
		close(spare_fd);
	spare_fd = -1;
	/* only the socket we made: not one another system put there since */
	struct stat st;
	if (socket_path[0] && stat(socket_path, &st) == 0 && st.st_dev == socket_dev &&
	    st.st_ino == socket_ino)
		unlink(socket_path);
	socket_path[0] = 0;
}
