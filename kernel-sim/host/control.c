/* The control socket of a running kernel-sim: the `sim` tool's counterpart. */
#include "control.h"
#include "loop.h"
#include "pd.h"
#include "../devices/bus.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define LOG_KEEP     (256 * 1024) /* bytes of output `sim log` shows */
#define MAX_FOLLOW   8
#define MAX_ACCOUNTS 256

static struct event_source listener = {.fd = -1};
static char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static char *ring;
static size_t ring_start, ring_len;
static int followers[MAX_FOLLOW];
static unsigned follower_count;

/* The last accounts core reported (kill -USR2, `sim report`): label -> text. */
static struct account {
	char label[128], text[160];
} accounts[MAX_ACCOUNTS];
static unsigned account_count;
static char partial[512];
static size_t partial_len;

static void note_line(const char *line)
{
	const char *pd = "core:   PD '";
	if (!strncmp(line, "core: totals:", 13)) {
		account_count = 0;
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
}

void control_output(const char *text, size_t len)
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
			partial_len = 0;
		}
	}
	for (unsigned i = 0; i < follower_count;) {
		if (send(followers[i], text, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN) {
			close(followers[i]);
			followers[i] = followers[--follower_count];
			continue;
		}
		i++;
	}
}

static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!send(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1,
			    MSG_NOSIGNAL);
}

static const char *label_of(const struct pd_proc *p)
{
	return !strncmp(p->name, "[sim] ", 6) ? p->name + 6 : p->name;
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

static void cmd_ps(int fd)
{
	say(fd, "%7s  %-5s  %7s  %4s  %-40s  %s\n", "PID", "STATE", "THREADS", "PRIO", "LABEL",
	    "ACCOUNTS (core)");
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
			if (t->host.proc == p) {
				threads++;
				if (t->priority > prio)
					prio = t->priority;
			}
		const char *acc = "";
		for (unsigned j = 0; j < account_count; j++)
			if (!strcmp(accounts[j].label, label_of(p)))
				acc = accounts[j].text;
		say(fd, "%7d  %-5s  %7u  %4u  %-40s  %s\n", (int)p->pid, p->lost ? "lost" : "alive",
		    threads, prio, label_of(p), acc);
	}
	free(list);
}

static void cmd_kill(int fd, const char *label)
{
	for (struct pd_proc *p = pd_proc_first(); p; p = p->next)
		if (!strcmp(label_of(p), label)) {
			pid_t pid = p->pid;
			if (pd_proc_kill(p) == 0)
				say(fd, "killed %d (%s)\n", (int)pid, label);
			else
				say(fd, "error: cannot kill %d (%s)\n", (int)pid, label);
			return;
		}
	say(fd, "error: no PD with the label \"%s\"\n", label);
}

static void cmd_log(int fd, bool follow)
{
	for (size_t off = 0; off < ring_len;) {
		size_t at = (ring_start + off) % LOG_KEEP;
		size_t n = ring_len - off < LOG_KEEP - at ? ring_len - off : LOG_KEEP - at;
		if (send(fd, ring + at, n, MSG_NOSIGNAL) < 0)
			return;
		off += n;
	}
	if (follow && follower_count < MAX_FOLLOW) {
		followers[follower_count++] = fd;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
}

/* One request per connection; returns true if fd stays open (a follower). */
static bool serve(int fd)
{
	char line[512];
	struct timeval tv = {0, 200 * 1000}; /* a slow client must not hold up the kernel */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ssize_t n = recv(fd, line, sizeof(line) - 1, 0);
	if (n <= 0)
		return false;
	line[n] = 0;
	line[strcspn(line, "\r\n")] = 0;
	if (!strcmp(line, "ps")) {
		cmd_ps(fd);
	} else if (!strncmp(line, "kill ", 5)) {
		cmd_kill(fd, line + 5);
	} else if (!strcmp(line, "log")) {
		cmd_log(fd, false);
	} else if (!strcmp(line, "log -f")) {
		cmd_log(fd, true);
		return follower_count && followers[follower_count - 1] == fd;
	} else if (!strncmp(line, "restart ", 8) && line[8]) {
		char req[512];
		snprintf(req, sizeof(req), "restart %s", line + 8);
		if (rom_update_request(req) == 0)
			say(fd, "requested a restart of \"%s\"\n", line + 8);
		else
			say(fd, "error: too many requests pending\n");
	} else if (!strcmp(line, "report")) {
		rom_update_request_report();
		say(fd, "requested\n");
	} else {
		say(fd,
		    "error: unknown request \"%.64s\" (ps, kill LABEL, restart LABEL, log [-f], "
		    "report)\n",
		    line);
	}
	return false;
}

static void on_connect(struct event_source *s, uint32_t events)
{
	(void)events;
	int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!serve(fd))
		close(fd);
}

void control_trace(const char *line, size_t len, const char *label, const char *peer)
{
	(void)line, (void)len, (void)label, (void)peer;
}

void control_init(const char *path)
{
	if (!path)
		return;
	ring = malloc(LOG_KEEP);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path)) {
		kprintf("kernel-sim: control socket path too long: %s\n", path);
		return;
	}
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* a socket left by a kernel-sim that is gone is replaced; a live one is not */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		if (kernel_verbose)
			kprintf("kernel-sim: another system answers at %s; no control socket\n",
				path);
		close(fd);
		return;
	}
	close(fd);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 8) != 0) {
		kprintf("kernel-sim: no control socket at %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	listener.fd = fd;
	listener.ready = on_connect;
	loop_add(&listener, EPOLLIN);
	strcpy(socket_path, path);
}

void control_shutdown(void)
{
	if (socket_path[0])
		unlink(socket_path);
}
