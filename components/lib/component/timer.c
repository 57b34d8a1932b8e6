/* Timer connections: timeouts, elapsed time, and sleeping on a receiver of their own. */
#include <component/clients.h>
#include <component/timer.h>
#include <genode/timer_session.h>

int timer_connect(struct env *env, struct timer *t)
{
	*t = (struct timer){.env = env};
	return env_connect(env, "Timer", "ram_quota=10240, cap_quota=3", &t->session.cap,
			   &t->session.id);
}

void timer_disconnect(struct timer *t)
{
	if (t->sleeper_ready) {
		signal_receiver_dissolve(&t->sleeper, &t->wakeup);
		signal_receiver_destroy(&t->sleeper);
	}
	connection_close(t->env, &t->session);
	t->sleeper_ready = false;
}

void timer_sigh(struct timer *t, seL4_CPtr sigh)
{
	t->sigh = sigh;
	timer_session_sigh(t->session.cap, 0, 0, sigh, 0);
}

void timer_trigger_once(struct timer *t, unsigned long us)
{
	struct timer_us_args a = {us};
	timer_session_trigger_once(t->session.cap, &a, 0, 0, 0);
}

void timer_trigger_periodic(struct timer *t, unsigned long us)
{
	struct timer_us_args a = {us};
	timer_session_trigger_periodic(t->session.cap, &a, 0, 0, 0);
}

unsigned long timer_elapsed_ms(struct timer *t)
{
	struct timer_elapsed_result r = {0};
	timer_session_elapsed_ms(t->session.cap, 0, &r, 0, 0);
	return r.value;
}

unsigned long timer_elapsed_us(struct timer *t)
{
	struct timer_elapsed_result r = {0};
	timer_session_elapsed_us(t->session.cap, 0, &r, 0, 0);
	return r.value;
}

void timer_usleep(struct timer *t, unsigned long us)
{
	if (!t->sleeper_ready) {
		if (signal_receiver_init(t->env, &t->sleeper))
			return;
		if (!signal_receiver_manage(&t->sleeper, &t->wakeup)) {
			signal_receiver_destroy(&t->sleeper);
			return;
		}
		t->sleeper_ready = true;
	}
	timer_session_sigh(t->session.cap, 0, 0, t->wakeup.cap, 0);
	timer_trigger_once(t, us);
	struct signal s = signal_wait(&t->sleeper);
	signal_release(&s);
	timer_session_sigh(t->session.cap, 0, 0, t->sigh, 0);
}

void timer_msleep(struct timer *t, unsigned long ms)
{
	timer_usleep(t, ms * 1000);
}
