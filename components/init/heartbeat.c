/*
 * Heartbeats, as Genode's init: with <heartbeat rate_ms="1000"/> in the
 * config, init sends a heartbeat signal to every child whose start node
 * has a <heartbeat/> node, at that rate; the framework of a healthy child
 * answers from its main entrypoint. A child that skipped heartbeats shows
 * skipped_heartbeats="N" in the state report, and one that skipped more
 * than its restart_after_skipped="N" is restarted. The rate comes from a
 * Timer session of init's own (own.c).
 */
#include "init.h"
#include <component/clients.h>
#include <component/log.h>
#include <genode/timer_session.h>

static struct own_timer timer = {.what = "no heartbeats"};
static struct signal_handler tick;
static unsigned long rate_ms, armed_ms;

static void on_tick(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	bool changed = false;
	for (struct init_child *c = init.children, *next; c; c = next) {
		next = c->next;
		if (!c->heartbeat || !child_alive(c))
			continue;
		unsigned skips = child_skipped_heartbeats(&c->child);
		if (c->restart_after_skipped && skips > c->restart_after_skipped) {
			warning("child \"%s\" skipped %u heartbeats: restarting it", c->name,
				skips);
			struct xml_node start = c->start;
			remove_child(c);
			start_child(&start);
			changed = true;
			continue;
		}
		changed |= skips != c->last_skipped;
		c->last_skipped = skips;
		child_heartbeat(&c->child);
	}
	if (changed)
		report_state();
}

static void arm(void)
{
	if (armed_ms != rate_ms && own_timer_periodic(&timer, rate_ms * 1000))
		armed_ms = rate_ms;
}

void heartbeat_apply_config(void)
{
	struct xml_node hb;
	if (!tick.cap && signal_handler_init(init.env, &tick, on_tick))
		return;
	timer.sigh = tick.cap;
	timer.ready = arm;
	own_timer_retry(&timer);
	rate_ms = 0;
	if (xml_first_sub(&init.config, "heartbeat", &hb)) {
		rate_ms = 1000;
		xml_attr_ulong(&hb, "rate_ms", &rate_ms);
	}
	arm();
}

void heartbeat_server_gone(struct init_child *server)
{
	if (own_timer_server_gone(&timer, server))
		armed_ms = 0;
}
