/*
 * Restart policies, an init extension: <start restart="never|on-failure|
 * always" restart_delay_ms="100" restart_max="0">. A failure is a crash
 * (fault, exception, the process killed from the host) or a non-zero exit
 * value; "always" also restarts after exit value 0. As with MINIX 3's
 * reincarnation server, the delay doubles with every failure in a row, up
 * to 64 times restart_delay_ms and at most a minute, and falls back to
 * restart_delay_ms once the child ran for ten seconds. restart_max limits
 * the restarts (0: no limit). A restarted child is a fresh PD with its
 * original quota and config under the same name.
 *
 * Delays take their time from a Timer session like any component's
 * (own.c: at init's parent, else routed by the <default-route> to a child
 * such as "timer"): there is one timer driver in the system, and core
 * keeps no device of its own for it. A restart waits while the Timer is
 * still starting; without any Timer route, and for the timer itself (which
 * cannot time its own restart), children restart at once.
 */
#include "init.h"
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

#define MAX_DELAY_US  60000000ul
#define STABLE_US     10000000ul
#define MAX_DOUBLINGS 6

/* Open init's Timer session if there is none yet; the state says what came of it. */
static void timer_open(void)
{
	if (init.timer_state == TIMER_OPEN || init.timer_state == TIMER_ABSENT)
		return;
	int err = own_session_open(&init.timer, "Timer", "", 4096, 2);
	if (err == RPC_UNAVAILABLE) {
		init.timer_state = TIMER_WAITING;
		return;
	}
	if (!err && !(err = timer_session_sigh(init.timer.cap, 0, 0, init.timeout.cap, 0))) {
		init.timer_state = TIMER_OPEN;
		return;
	}
	if (!err)
		own_session_close(&init.timer);
	warning("no Timer session (%s): children restart without delay", rpc_error_name(err));
	init.timer_state = TIMER_ABSENT;
}

unsigned long init_now_us(void)
{
	struct timer_elapsed_result r = {0};
	timer_open();
	if (init.timer_state == TIMER_OPEN)
		timer_session_elapsed_us(init.timer.cap, 0, &r, 0, 0);
	return r.value;
}

void timer_lost(void)
{
	init.timer_state = TIMER_UNTRIED;
	/* the time base is gone with it: pending restarts are due when a Timer is back */
	for (struct child *c = init.children; c; c = c->next)
		if (c->state == CHILD_RESTARTING)
			c->restart_at_us = 0;
}

/* Whether a restart may happen now: its time came, or there is no Timer to wait for. */
static bool due(const struct child *c, unsigned long now)
{
	switch (init.timer_state) {
	case TIMER_OPEN:
		return c->restart_at_us <= now;
	case TIMER_WAITING:
		/* the Timer's own server restarts at once; the others wait for it */
		return init.timer.pending == c;
	default:
		return true;
	}
}

/* Arm the timer for the next due restart. */
static void arm(void)
{
	unsigned long next = 0, now = init_now_us();
	for (struct child *c = init.children; c; c = c->next)
		if (c->state == CHILD_RESTARTING && (!next || c->restart_at_us < next))
			next = c->restart_at_us;
	if (!next || init.timer_state != TIMER_OPEN)
		return;
	struct timer_us_args a = {next > now ? next - now : 1};
	timer_session_trigger_once(init.timer.cap, &a, 0, 0, 0);
}

static void restart(struct child *old)
{
	struct xml_node start = old->start;
	unsigned long restarts = old->restarts + 1, failures = old->failures;
	/* the old record goes first: the new child takes its name */
	child_remove(old);
	struct child *c = child_start(&start);
	if (c) {
		c->restarts = restarts;
		c->failures = failures;
	}
}

void restarts_due(void)
{
	unsigned long now = init_now_us();
	bool again = true;
	while (again) {
		again = false;
		for (struct child *c = init.children; c; c = c->next)
			if (c->state == CHILD_RESTARTING && due(c, now)) {
				restart(c);
				again = true; /* the list changed */
				break;
			}
	}
	arm();
	report_state();
}

void child_ended(struct child *c, bool failure)
{
	unsigned long now = c->restart != RESTART_NEVER ? init_now_us() : 0;
	/* a child that ran long enough starts its back-off over */
	if (now - c->started_us >= STABLE_US)
		c->failures = 0;
	if (failure)
		c->failures++;
	bool wanted = c->restart == RESTART_ALWAYS || (c->restart == RESTART_ON_FAILURE && failure);
	bool allowed = !c->restart_max || c->restarts < c->restart_max;
	c->state = !wanted || !allowed ? (failure ? CHILD_CRASHED : CHILD_EXITED) : CHILD_ALIVE;
	if (wanted && !allowed)
		log("child \"%s\" is not restarted: it was restarted %lu times (restart_max)",
		    c->name, c->restarts);
	bool restarting = wanted && allowed;
	/* free everything now: the quota is back before a restart needs it */
	if (restarting)
		c->state = CHILD_CRASHED; /* keeps the record through child_destroy */
	child_destroy(c);
	if (restarting) {
		unsigned shift = c->failures > 1 ? (unsigned)(c->failures - 1) : 0;
		if (shift > MAX_DOUBLINGS)
			shift = MAX_DOUBLINGS;
		unsigned long delay = (c->restart_delay_ms * 1000) << shift;
		if (delay > MAX_DELAY_US)
			delay = MAX_DELAY_US;
		c->state = CHILD_RESTARTING;
		c->restart_at_us = now + delay;
		log("child \"%s\" restarts in %lu ms", c->name, delay / 1000);
		if (!delay || due(c, now)) {
			restarts_due();
			return;
		}
		arm();
	}
	report_state();
}
