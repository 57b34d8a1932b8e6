/*
 * A Timer connection (Genode's Timer::Connection): a Timer session at the
 * parent, timeouts as signals to a handler, and msleep/usleep, which block
 * the calling thread (any thread) until a one-shot timeout of the session
 * fires. A connection is either used for timeouts or for sleeping at a
 * time: sleeping takes over the session's timeout and signal handler for
 * its duration.
 */
#pragma once

#include <component/connection.h>
#include <component/signal.h>

struct timer {
	struct env *env;
	struct connection session;
	seL4_CPtr sigh; /* the user's handler */
	struct signal_receiver sleeper;
	struct signal_context wakeup;
	bool sleeper_ready;
};

int timer_connect(struct env *env, struct timer *t);
void timer_disconnect(struct timer *t);

/* Signal sigh (a signal context capability, 0: none) when a timeout expires. */
void timer_sigh(struct timer *t, seL4_CPtr sigh);
void timer_trigger_once(struct timer *t, unsigned long us);
/* Periodic timeouts (0 stops them). */
void timer_trigger_periodic(struct timer *t, unsigned long us);
/* Time since the session was opened. */
unsigned long timer_elapsed_ms(struct timer *t);
unsigned long timer_elapsed_us(struct timer *t);

void timer_msleep(struct timer *t, unsigned long ms);
void timer_usleep(struct timer *t, unsigned long us);
