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
 * keeps no device of its own for it. init only asks for timeouts (through
 * its worker thread, worker.c) and counts the delays down as they fire,
 * so a delay never ends early; when a shorter one comes while a longer is
 * pending, the longer one starts over, and may end late. A restart waits
 * while the Timer is still starting; without any Timer route, and for the
 * timer itself (which cannot time its own restart), children restart at
 * once.
 */
#include "init.h"
#include <base/string.h>
#include <component/log.h>

#define MAX_DELAY_US  60000000ul
#define STABLE_US     10000000ul
#define MAX_DOUBLINGS 6

static unsigned long armed_us; /* the timeout asked for, 0: none */
static unsigned generation;    /* which of the two handlers the armed timeout signals */
static struct signal_handler timeouts[2];

static void fire(void);

/* Every countdown: each child's restart delay and ten seconds of stable running. */
#define for_each_countdown(c, d)                                                                   \
	for (struct init_child *c = init.children; c; c = c->next)                                 \
		for (unsigned i_ = 0; i_ < 2; i_++)                                                \
			for (struct countdown *d = i_ ? &c->stable_cd : &c->restart_cd; d; d = 0)

/* Ask for a timeout of us; signals of an earlier request go to the other handler. */
static bool arm(unsigned long us)
{
	generation ^= 1;
	own_timer_sigh(&init.timer, timeouts[generation].cap);
	if (!own_timer_once(&init.timer, us ? us : 1)) {
		armed_us = 0;
		return false;
	}
	armed_us = us ? us : 1;
	return true;
}

static void arm_soonest(void)
{
	unsigned long soonest = 0;
	for_each_countdown(c, d) if (d->active && (!soonest || d->left < soonest)) soonest =
	    d->left;
	if (soonest && !arm(soonest) && init.timer.state != OWN_WAITING) {
		/* no Timer: everything is due */
		for_each_countdown(c, d) d->left = 0;
		fire();
	}
}

static void start_countdown(struct countdown *d, unsigned long us)
{
	*d = (struct countdown){.left = us, .active = true};
	if (armed_us && us >= armed_us)
		return; /* counts from when the armed timeout fires */
	/* the armed one (if any) starts over: late, never early */
	d->counting = true;
	if (!arm(us) && init.timer.state != OWN_WAITING)
		d->left = 0;
}

static void restart(struct init_child *old)
{
	struct xml_node start = old->start;
	unsigned long restarts = old->restarts + 1, failures = old->failures;
	/* the old record goes first: the new child takes its name */
	remove_child(old);
	struct init_child *c = start_child(&start);
	if (c) {
		c->restarts = restarts;
		c->failures = failures;
	}
}

/* Act on the countdowns at zero. */
static void fire(void)
{
	for (bool again = true; again;) {
		again = false;
		for (struct init_child *c = init.children; c && !again; c = c->next) {
			if (c->stable_cd.active && !c->stable_cd.left) {
				c->stable_cd.active = false;
				c->failures = 0; /* it ran long enough: the back-off starts over */
			}
			/* the Timer's own server restarts at once */
			bool timer_server =
			    init.timer.state == OWN_WAITING && init.timer.session.pending == c;
			if (c->state == CHILD_RESTARTING && (!c->restart_cd.left || timer_server)) {
				c->restart_cd.active = false;
				restart(c);
				again = true; /* the list changed */
			}
		}
	}
	report_state();
}

static void on_timeout(struct signal_handler *h, unsigned long n)
{
	(void)n;
	if (h != &timeouts[generation] || !armed_us)
		return; /* the timeout of an earlier request */
	unsigned long elapsed = armed_us;
	armed_us = 0;
	for_each_countdown(c, d)
	{
		if (!d->active)
			continue;
		if (d->counting)
			d->left = d->left > elapsed ? d->left - elapsed : 0;
		d->counting = true;
	}
	fire();
	arm_soonest();
}

void restarts_init(void)
{
	signal_handler_init(init.env, &timeouts[0], on_timeout);
	signal_handler_init(init.env, &timeouts[1], on_timeout);
	init.timer.sigh = timeouts[0].cap;
}

void restarts_due(void)
{
	/* the Timer is there now, or has gone: count everything from here */
	armed_us = 0;
	for_each_countdown(c, d) d->counting = true;
	fire();
	arm_soonest();
}

void timer_server_gone(struct init_child *server)
{
	if (own_timer_server_gone(&init.timer, server))
		armed_us = 0; /* the countdowns go on with the next Timer */
}

void child_started_running(struct init_child *c)
{
	if (c->restart != RESTART_NEVER)
		start_countdown(&c->stable_cd, STABLE_US);
}

void child_ended(struct init_child *c, bool failure)
{
	c->stable_cd.active = false;
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
		c->state = CHILD_CRASHED; /* keeps the record through stop_child */
	stop_child(c);
	if (!restarting) {
		report_state();
		return;
	}
	unsigned shift = c->failures > 1 ? (unsigned)(c->failures - 1) : 0;
	if (shift > MAX_DOUBLINGS)
		shift = MAX_DOUBLINGS;
	unsigned long delay = (c->restart_delay_ms * 1000) << shift;
	if (delay > MAX_DELAY_US)
		delay = MAX_DELAY_US;
	c->state = CHILD_RESTARTING;
	log("child \"%s\" restarts in %lu ms", c->name, delay / 1000);
	start_countdown(&c->restart_cd, delay);
	if (!c->restart_cd.left ||
	    (init.timer.state == OWN_WAITING && init.timer.session.pending == c)) {
		fire();
		return;
	}
	report_state();
}
