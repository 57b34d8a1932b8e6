/*
 * test-pit: the Timer service of the timer component, the PIT's driver.
 * Five timeouts of 20 ms in a row arrive as signals, none before its
 * time; the PIT's ports and IRQ 0 are the timer's, refused to others.
 */
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>

#define ROUNDS	  5
#define PERIOD_US 20000ul

static struct connection timer;
static struct signal_handler tick;
static unsigned long rounds, start_us, armed_us;
static bool early;

static unsigned long now_us(void)
{
	struct timer_elapsed_result r = {0};
	timer_session_elapsed_us(timer.cap, 0, &r, 0, 0);
	return r.value;
}

static void arm(void)
{
	struct timer_us_args a = {PERIOD_US};
	armed_us = now_us();
	timer_session_trigger_once(timer.cap, &a, 0, 0, 0);
}

static void on_tick(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
	if (now_us() - armed_us < PERIOD_US)
		early = true;
	if (++rounds < ROUNDS) {
		arm();
		return;
	}
	unsigned long total = now_us() - start_us;
	log("%lu timeouts of %lu ms: %s", rounds, PERIOD_US / 1000,
	    !early && total >= ROUNDS * PERIOD_US ? "none early" : "one came early");
	struct connection c;
	int err = io_port_connect(genode_env(), 0x40, 4, &c);
	log("IO_PORT session for the PIT: %s", rpc_error_name(err));
	err = irq_connect(genode_env(), 0, &c);
	log("IRQ session for IRQ 0: %s", rpc_error_name(err));
	log("Test succeeded");
	env_exit(genode_env(), 0);
}

void component_construct(struct env *env)
{
	int err;
	if ((err =
		 env_session(env, "Timer", "ram_quota=4096, cap_quota=2", &timer.cap, &timer.id)) ||
	    (err = signal_handler_init(env, &tick, on_tick)) ||
	    (err = timer_session_sigh(timer.cap, 0, 0, tick.cap, 0))) {
		error("timer: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	start_us = now_us();
	arm();
}
