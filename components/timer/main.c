/*
 * timer: the Timer service for the whole system, over the PIT (pit.c), as
 * Genode's PIT timer driver on kernels without a kernel time source. Each
 * session has at most one alarm: a one-shot timeout (at least 250 us) or
 * the next period of a periodic one (at least 1 ms). The device interrupts
 * for the soonest alarm, taking along alarms due within 250 us of it;
 * every expired alarm submits its session's signal. A new alarm
 * reprograms the device only if it is due before the programmed interrupt.
 */
#include "pit.h"
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <component/root.h>
#include <genode/timer_session.h>

#define CLUSTER_US 250ul

struct session {
	struct rpc_object obj;
	seL4_Word id;
	unsigned long created_us;
	unsigned long alarm_us; /* 0: no alarm */
	unsigned long period_us;
	seL4_CPtr sigh;
	struct session *next;
};

static struct session *sessions;
static struct root root;

RPC_SERVER(timer_session_interface, TIMER_SESSION_RPC);

/* The soonest alarm, extended to the alarms due within CLUSTER_US of it; 0: none. */
static unsigned long next_deadline(void)
{
	unsigned long soonest = 0;
	for (struct session *s = sessions; s; s = s->next)
		if (s->alarm_us && (!soonest || s->alarm_us < soonest))
			soonest = s->alarm_us;
	unsigned long deadline = soonest;
	for (struct session *s = sessions; s; s = s->next)
		if (s->alarm_us > deadline && s->alarm_us <= soonest + CLUSTER_US)
			deadline = s->alarm_us;
	return deadline;
}

static unsigned long programmed_us; /* when the device interrupts next */

static void update_deadline(unsigned long now)
{
	unsigned long d = next_deadline();
	pit_set_deadline(d ? d : ~0ul, now);
	programmed_us = d ? d : ~0ul;
}

/* A new alarm: the device needs reprogramming only if it comes before the programmed one. */
static void alarm_added(struct session *s, unsigned long now)
{
	if (s->alarm_us < programmed_us)
		update_deadline(now);
}

/* An alarm expired: signal the client; a periodic session gets its next alarm. */
static void wakeup_session(struct session *s, unsigned long now)
{
	if (s->sigh)
		signal_submit(s->sigh, 1);
	if (s->period_us)
		s->alarm_us = (s->alarm_us ? s->alarm_us : now) + s->period_us;
	else
		s->alarm_us = 0;
}

static void device_wakeup(void)
{
	unsigned long now = pit_now_us();
	for (bool again = true; again;) {
		again = false;
		for (struct session *s = sessions; s; s = s->next)
			if (s->alarm_us && s->alarm_us <= now) {
				wakeup_session(s, now);
				again |= s->alarm_us && s->alarm_us <= now;
			}
	}
	/* read again right before reprogramming: ticks between read and write are lost */
	update_deadline(pit_now_us());
}

int serve_timer_session_trigger_once(void *obj, const struct timer_us_args *in,
				     struct rpc_none *out, struct rpc_cap_arg *cap_in,
				     seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct session *s = obj;
	unsigned long us = in->us < TIMER_MIN_ONCE_US ? TIMER_MIN_ONCE_US : in->us;
	if (us > 1ul << 50)
		us = 1ul << 50;
	unsigned long now = pit_now_us();
	s->period_us = 0;
	s->alarm_us = now + us;
	alarm_added(s, now);
	return RPC_OK;
}

int serve_timer_session_trigger_periodic(void *obj, const struct timer_us_args *in,
					 struct rpc_none *out, struct rpc_cap_arg *cap_in,
					 seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct session *s = obj;
	unsigned long now = pit_now_us();
	s->period_us = 0;
	s->alarm_us = 0;
	if (in->us) {
		s->period_us = in->us < TIMER_MIN_PERIODIC_US ? TIMER_MIN_PERIODIC_US : in->us;
		if (s->period_us > 1ul << 50)
			s->period_us = 1ul << 50;
		wakeup_session(s, now); /* the first period may end at once */
		alarm_added(s, now);
	}
	return RPC_OK;
}

int serve_timer_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct session *s = obj;
	if (cap_in->present && cap_in->local)
		return RPC_INVALID_ARGS; /* a signal context is core's, never ours */
	rpc_cap_release(s->sigh);
	s->sigh = cap_in->present ? cap_in->sel : 0;
	cap_in->taken = cap_in->present;
	return RPC_OK;
}

int serve_timer_session_elapsed_ms(void *obj, const struct rpc_none *in,
				   struct timer_elapsed_result *out, struct rpc_cap_arg *cap_in,
				   seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	out->value = (pit_now_us() - ((struct session *)obj)->created_us) / 1000;
	return RPC_OK;
}

int serve_timer_session_elapsed_us(void *obj, const struct rpc_none *in,
				   struct timer_elapsed_result *out, struct rpc_cap_arg *cap_in,
				   seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	out->value = pit_now_us() - ((struct session *)obj)->created_us;
	return RPC_OK;
}

static int create(struct root *r, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)r, (void)args;
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	int err = ep_manage(genode_env(), &s->obj, &timer_session_interface, s);
	if (err) {
		free(s);
		return err;
	}
	s->id = id;
	s->created_us = pit_now_us();
	s->next = sessions;
	sessions = s;
	*cap = s->obj.cap;
	return RPC_OK;
}

static int destroy(struct root *r, seL4_Word id)
{
	(void)r;
	for (struct session **p = &sessions; *p; p = &(*p)->next) {
		struct session *s = *p;
		if (s->id != id)
			continue;
		*p = s->next;
		ep_dissolve(genode_env(), &s->obj);
		rpc_cap_release(s->sigh);
		free(s);
		break; /* a deadline of nobody's costs one spare interrupt */
	}
	return RPC_OK;
}

void component_construct(struct env *env)
{
	int err = pit_init(env, device_wakeup);
	if (err) {
		error("no PIT: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	root.create = create;
	root.destroy = destroy;
	if ((err = root_announce(env, "Timer", &root))) {
		error("cannot announce the Timer service: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
}
