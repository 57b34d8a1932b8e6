/*
 * test-hello-client: opens a "Hello" session (routed by init to the
 * server), calls it, closes it, exits. With <config calls="N"
 * period_ms="M"/> it calls N times, M ms apart (a Timer session), and when a
 * call fails (the server died: an IPC error) it closes the session and
 * opens it again, which waits until the server is back. With
 * crash_on_error="yes" it crashes instead (an unresolvable fault), for
 * its init to restart it. With progress="K" it logs every K-th call.
 */
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>

static seL4_CPtr hello, timer;
static seL4_Word hello_id;
static unsigned long calls = 1, period_ms, done, progress;
static bool crash_on_error;
static struct signal_handler tick;

static int open_session(struct env *env)
{
	int err = env_session(env, "Hello", "label=\"greeter\", ram_quota=8192, cap_quota=4",
			      &hello, &hello_id);
	if (err)
		error("Hello session: %s", rpc_error_name(err));
	return err;
}

/* One call; false when it failed. */
static bool call(void)
{
	struct hello_say_args say = {"client"};
	struct hello_say_result greeting;
	struct hello_add_args add = {40, 2};
	struct hello_add_result sum;
	int err;
	if ((err = hello_session_say_hello(hello, &say, &greeting, 0, 0)) ||
	    (err = hello_session_add(hello, &add, &sum, 0, 0))) {
		error("Hello call failed: %s", rpc_error_name(err));
		return false;
	}
	if (!done || done + 1 == calls) {
		log("%s", greeting.greeting);
		log("40 + 2 = %ld", sum.sum);
	}
	return true;
}

static void finish(struct env *env)
{
	env_close(env, hello_id, hello);
	log("Test succeeded");
	env_exit(env, 0);
}

static void on_tick(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
	struct env *env = genode_env();
	if (call()) {
		done++;
		if (progress && done % progress == 0)
			log("%lu calls", done);
	} else if (crash_on_error) {
		log("crashing on purpose");
		/* an address no region covers: core cannot resolve the fault */
		volatile unsigned long bad = 0x10;
		(void)*(volatile char *)bad;
	} else {
		/* the server is gone: a fresh session waits for its restart */
		env_close(env, hello_id, hello);
		if (open_session(env))
			env_exit(env, 1);
		log("reconnected");
	}
	if (done >= calls)
		finish(env);
	struct timer_us_args a = {period_ms * 1000};
	timer_session_trigger_once(timer, &a, 0, 0, 0);
}

void component_construct(struct env *env)
{
	struct rom_connection rom;
	struct xml_node config;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0)) {
		xml_attr_ulong(&config, "calls", &calls);
		xml_attr_ulong(&config, "period_ms", &period_ms);
		xml_attr_ulong(&config, "progress", &progress);
		crash_on_error = xml_attr_bool(&config, "crash_on_error", false);
	}
	if (open_session(env))
		env_exit(env, 1);
	if (calls <= 1) {
		if (!call())
			env_exit(env, 1);
		finish(env);
	}
	int err;
	if ((err = env_session(env, "Timer", "ram_quota=4096, cap_quota=2", &timer, 0)) ||
	    (err = signal_handler_init(env, &tick, on_tick)) ||
	    (err = timer_session_sigh(timer, 0, 0, tick.cap, 0))) {
		error("timer: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	on_tick(&tick, 1);
}
