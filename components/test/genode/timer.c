/*
 * test-timer: Genode's timer test, written for this framework from the
 * test's documented behaviour (repos/base/src/test/timer).
 *
 * Lazy test: a slow timeout (4 s) while a fast one (200 ms) is re-armed
 * from a faster one (25 ms) every time that fires; the fast timeout must
 * never fire before the slow one. Stress test: 32 sessions re-arm
 * one-shot timeouts of 1 us to 32 ms as fast as they fire, for 10 s;
 * each must fire at least duration/33 ms/2 times (no starvation) and at
 * most once per 250 us plus a ninth (the service's rate limit). Success
 * is exit value 0 and no "Error:" line.
 *
 * <config lazy_us="4000000" stress_sec="10"/> scales the durations
 * (Genode's values are the defaults); pair_step="N" (ours, default 1)
 * takes every Nth pair of slaves only, from the 1 us pair to the 32 ms
 * one: fewer timeouts queue before the slowest on a slow host.
 */
#include <base/xml.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/timer.h>

#define TIMEOUT_US	  (200 * 1000ul)
#define FACTOR		  8
#define MAX_SLV_PERIOD_US 33000ul
#define MIN_TIMER_PERIOD  250ul
#define SLAVES		  32 /* two for each power of two below 33 ms */

#define container_of(p, type, member) ((type *)((char *)(p) - __builtin_offsetof(type, member)))

static struct env *env;
static unsigned long lazy_us = 4000000, stress_sec = 10, pair_step = 1;
static unsigned slave_count;

static __attribute__((noreturn)) void fail(const char *what)
{
	error("%s", what);
	env_exit(env, 1);
}

/* --- lazy test ------------------------------------------------------------ */

static struct timer slow, fast, faster;
static struct signal_handler slow_handler, fast_handler, faster_handler;
static unsigned fast_count, faster_count;

static void start_stress_test(void);

static void set_fast_timers(void)
{
	timer_trigger_once(&fast, TIMEOUT_US);
	timer_trigger_once(&faster, TIMEOUT_US / FACTOR);
	faster_count++;
}

static void on_slow(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	log("timeout fired - %u/%u/%lu", fast_count, faster_count, lazy_us / TIMEOUT_US * FACTOR);
	if (fast_count)
		fail("the faster timer was too slow: the fast timeout fired");
	/* end of the lazy test: its sessions go, the stress test follows */
	signal_handler_dissolve(env, &fast_handler);
	signal_handler_dissolve(env, &faster_handler);
	timer_disconnect(&slow);
	timer_disconnect(&fast);
	timer_disconnect(&faster);
	start_stress_test();
}

static void on_fast(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (faster_count <= ++fast_count)
		fail("the faster timer was too slow: the fast timeout fired");
}

static void on_faster(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	set_fast_timers();
}

static void start_lazy_test(void)
{
	if (timer_connect(env, &slow) || timer_connect(env, &fast) || timer_connect(env, &faster) ||
	    signal_handler_init(env, &slow_handler, on_slow) ||
	    signal_handler_init(env, &fast_handler, on_fast) ||
	    signal_handler_init(env, &faster_handler, on_faster))
		fail("no Timer sessions for the lazy test");
	timer_sigh(&slow, slow_handler.cap);
	timer_sigh(&fast, fast_handler.cap);
	timer_sigh(&faster, faster_handler.cap);
	log("register %lu-seconds timeout...", lazy_us / 1000000);
	timer_trigger_once(&slow, lazy_us);
	set_fast_timers();
}

/* --- stress test ---------------------------------------------------------- */

struct slave {
	struct timer timer;
	struct signal_handler handler;
	unsigned long us, count;
};

static struct slave slaves[SLAVES];
static struct timer stress_timer;
static struct signal_handler stress_handler;
static unsigned long stress_count;

static void on_slave(struct signal_handler *h, unsigned long n)
{
	(void)n;
	struct slave *s = container_of(h, struct slave, handler);
	s->count++;
	timer_trigger_once(&s->timer, s->us);
}

static void stress_done(void)
{
	unsigned long duration_us = stress_sec * 1000000;
	unsigned long max_base = duration_us / MIN_TIMER_PERIOD;
	unsigned long max_cnt = max_base + max_base / 9;
	unsigned long min_cnt = duration_us / MAX_SLV_PERIOD_US / 2;
	unsigned starvation = 0, violation = 0;
	for (unsigned i = 0; i < slave_count; i++)
		timer_sigh(&slaves[i].timer, 0);
	for (unsigned i = 0; i < slave_count; i++) {
		struct slave *s = &slaves[i];
		log("timer (period %lu us) triggered %lu times (min %lu max %lu) -> slept %lu ms",
		    s->us, s->count, min_cnt, max_cnt, s->us * s->count / 1000);
		if (s->count < min_cnt) {
			error("triggered less than %lu times", min_cnt);
			starvation++;
		}
		if (s->count > max_cnt) {
			error("triggered more than %lu times", max_cnt);
			violation++;
		}
	}
	if (starvation)
		fail("starvation of timeouts");
	if (violation)
		fail("violation of the timer rate limit");
	log("--- timer test finished ---");
	env_exit(env, 0);
}

static void on_stress(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (stress_count >= stress_sec) {
		stress_done();
		return;
	}
	log("wait %lu/%lu", ++stress_count, stress_sec);
	timer_trigger_once(&stress_timer, 1000 * 1000);
}

static void start_stress_test(void)
{
	if (timer_connect(env, &stress_timer) ||
	    signal_handler_init(env, &stress_handler, on_stress))
		fail("no Timer session for the stress test");
	timer_sigh(&stress_timer, stress_handler.cap);
	unsigned i = 0, pair = 0;
	for (unsigned long us = 1; us < MAX_SLV_PERIOD_US; us *= 2, pair++) {
		if (pair % pair_step)
			continue;
		slaves[i++].us = us - us / 3;
		slaves[i++].us = us;
	}
	slave_count = i;
	log("%u slaves", slave_count);
	for (i = 0; i < slave_count; i++) {
		struct slave *s = &slaves[i];
		if (timer_connect(env, &s->timer) ||
		    signal_handler_init(env, &s->handler, on_slave))
			fail("no Timer session for a slave");
		timer_sigh(&s->timer, s->handler.cap);
	}
	for (i = 0; i < slave_count; i++)
		timer_trigger_once(&slaves[i].timer, slaves[i].us);
	timer_trigger_once(&stress_timer, 1000 * 1000);
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection rom;
	struct xml_node config;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0)) {
		xml_attr_ulong(&config, "lazy_us", &lazy_us);
		xml_attr_ulong(&config, "stress_sec", &stress_sec);
		xml_attr_ulong(&config, "pair_step", &pair_step);
		if (!pair_step)
			pair_step = 1;
	}
	log("--- timer test ---");
	start_lazy_test();
}
