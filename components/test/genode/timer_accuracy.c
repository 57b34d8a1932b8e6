/*
 * test-timer_accuracy: Genode's timer-accuracy test, written for this
 * framework from its documented behaviour (repos/base/src/test/
 * timer_accuracy). It logs an empty line, then again after 1 s, after 2 s
 * more, after 3 s more and so on; the run script measures the intervals
 * with the host's clock.
 */
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/timer.h>

static struct timer timer;
static struct signal_handler handler;
static unsigned long duration_us;

static void on_timeout(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	duration_us += 1000 * 1000;
	timer_trigger_once(&timer, duration_us);
	log("%s", "");
}

void component_construct(struct env *env)
{
	int err;
	if ((err = timer_connect(env, &timer)) ||
	    (err = signal_handler_init(env, &handler, on_timeout))) {
		error("no Timer session: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	timer_sigh(&timer, handler.cap);
	on_timeout(&handler, 1);
}
