/*
 * The calls init makes to its own sessions (its Timers, its Report
 * session), made by a thread of init's own. A top-level init gets those
 * sessions from its children (own.c); a child may call init (to fetch or
 * answer a session request, say) at any moment, and if init's entrypoint
 * called that child at the same moment, each would wait for the other for
 * good. So the entrypoint never calls them: it queues the call here and
 * goes on, and this thread makes the calls in order. None of them returns
 * anything init waits for.
 */
#include "init.h"
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <component/reporter.h>
#include <component/thread.h>

enum op_kind { OP_TIMER_SIGH, OP_TIMER_ONCE, OP_TIMER_PERIODIC, OP_REPORT, OP_RELEASE };

struct op {
	enum op_kind kind;
	seL4_CPtr cap;
	seL4_Word arg; /* timer: us; report: which session (a generation) */
	char *text;    /* OP_REPORT: the report (freed here) */
	size_t len;
	struct op *next;
};

static struct thread thread;
static struct lock lock;
static struct op *head, **tail = &head;
static struct blockade work;
static bool started;
static struct reporter reporter; /* the worker's: the Report session's mapped dataspace */
static seL4_Word reporter_generation;

#define REPORT_BUFFER 4096

static void run(struct op *o)
{
	struct timer_us_args us = {o->arg};
	switch (o->kind) {
	case OP_TIMER_SIGH:
		timer_session_sigh(o->cap, 0, 0, (seL4_CPtr)o->arg, 0);
		break;
	case OP_TIMER_ONCE:
		timer_session_trigger_once(o->cap, &us, 0, 0, 0);
		break;
	case OP_TIMER_PERIODIC:
		timer_session_trigger_periodic(o->cap, &us, 0, 0, 0);
		break;
	case OP_REPORT:
		/* the session's dataspace is mapped on first use, here too */
		if (reporter_generation != o->arg) {
			if (reporter.buf)
				env_detach(init.env, reporter.buf);
			rpc_cap_release(reporter.ds);
			reporter = (struct reporter){0};
			reporter_generation = o->arg;
			if (reporter_use(init.env, &reporter, "state", o->cap, REPORT_BUFFER))
				break;
		}
		if (reporter_submit(&reporter, o->text, o->len))
			error("state report exceeds maximum size");
		break;
	case OP_RELEASE:
		rpc_cap_release(o->cap);
		break;
	}
}

static void entry(void *arg)
{
	(void)arg;
	for (;;) {
		lock_acquire(&lock);
		struct op *o = head;
		if (o && !(head = o->next))
			tail = &head;
		lock_release(&lock);
		if (!o) {
			blockade_block(&work);
			continue;
		}
		run(o);
		free(o->text);
		free(o);
	}
}

static void post(enum op_kind kind, seL4_CPtr cap, seL4_Word arg, const char *text, size_t len)
{
	if (!started) {
		if (thread_start(init.env, &thread, "init-worker", 16 * 1024, entry, 0)) {
			error("no thread for the calls to init's own sessions");
			return;
		}
		started = true;
	}
	struct op *o = calloc(1, sizeof(*o));
	if (!o)
		return;
	*o = (struct op){.kind = kind, .cap = cap, .arg = arg, .len = len};
	if (text && !(o->text = malloc(len))) {
		free(o);
		return;
	}
	if (text)
		memcpy(o->text, text, len);
	lock_acquire(&lock);
	*tail = o;
	tail = &o->next;
	lock_release(&lock);
	blockade_wakeup(&work);
}

void worker_timer_sigh(seL4_CPtr timer, seL4_CPtr sigh)
{
	post(OP_TIMER_SIGH, timer, sigh, 0, 0);
}

void worker_timer_once(seL4_CPtr timer, unsigned long us)
{
	post(OP_TIMER_ONCE, timer, us, 0, 0);
}

void worker_timer_periodic(seL4_CPtr timer, unsigned long us)
{
	post(OP_TIMER_PERIODIC, timer, us, 0, 0);
}

void worker_report(seL4_CPtr session, unsigned long generation, const char *text, size_t len)
{
	post(OP_REPORT, session, generation, text, len);
}

void worker_release(seL4_CPtr cap)
{
	post(OP_RELEASE, cap, 0, 0, 0);
}
