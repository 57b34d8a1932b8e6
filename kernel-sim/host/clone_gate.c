#include "clone_gate.h"
#include "pd.h"
#include <sim/ctrl.h>
#include <sim/layout.h>

#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Tasks of process pid (its Threads line), or 0 if unknown. */
static unsigned task_count(pid_t pid)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	unsigned n = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %u", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * The thread start this clone is for: the oldest THREAD command in flight
 * whose clone has not come (the runtime carries out commands in order).
 */
static struct pd_cmd *commanded_start(struct pd_proc *p)
{
	for (unsigned i = 0; i < p->in_count; i++) {
		struct pd_cmd *c = &p->inflight[(p->in_head + i) % PD_CTRL_WINDOW];
		if (c->op == SIM_CTRL_THREAD && !c->cloned)
			return c;
	}
	return NULL;
}

static const char *refusal(struct pd_proc *p, const struct seccomp_notif *req,
			   struct pd_cmd **start)
{
	if (req->pid != (uint32_t)p->pid)
		return "a clone from a thread other than the runtime's control thread";
	if (!(*start = commanded_start(p)))
		return "a clone kernel-sim did not command";
	if (task_count(p->pid) > SIM_RUNTIME_MAX_THREADS)
		return "a clone beyond the runtime's thread slots";
	return NULL;
}

/* Answer one pending notification: let the clone go on, or refuse it and end the PD. */
static void serve(struct pd_proc *p)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	memset(&req, 0, sizeof(req));
	if (ioctl(p->gate.ev.fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
		return; /* ENOENT: the clone was interrupted or its thread died */
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	struct pd_cmd *start = NULL;
	const char *bad = refusal(p, &req, &start);
	if (bad) {
		resp.error = -EPERM;
	} else {
		start->cloned = true;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	ioctl(p->gate.ev.fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	if (bad) {
		char why[96];
		snprintf(why, sizeof(why), "attempted %s", bad);
		pd_proc_broken(p, why);
	}
}

static void on_notification(struct event_source *s, uint32_t events)
{
	struct pd_proc *p = (struct pd_proc *)((char *)s - offsetof(struct pd_proc, gate.ev));
	if (s->fd < 0)
		return;
	if (events & EPOLLIN)
		serve(p);
	else
		clone_gate_close(p); /* every task of the process is gone */
}

int clone_gate_open(struct pd_proc *p, int listener)
{
	p->gate.ev.fd = listener;
	p->gate.ev.ready = on_notification;
	if (loop_add(&p->gate.ev, EPOLLIN) != 0) {
		close(listener);
		p->gate.ev.fd = -1;
		return -1;
	}
	return 0;
}

void clone_gate_close(struct pd_proc *p)
{
	if (p->gate.ev.fd < 0)
		return;
	loop_del(&p->gate.ev);
	close(p->gate.ev.fd);
	p->gate.ev.fd = -1;
}
