/*
 * test-entrypoint: Genode's entrypoint test, written for this framework
 * from the test's documented behaviour (repos/base/src/test/entrypoint).
 *
 *  - destruct: an entrypoint is destroyed while it still manages an RPC
 *    object;
 *  - signal: a second entrypoint serves an RPC object whose only call
 *    waits for one I/O-level signal of that entrypoint and dispatches it
 *    (wait_and_dispatch_one_io_signal); its I/O signals are a signal the
 *    main thread submits before each call and a periodic timeout every
 *    10 ms. The main entrypoint makes the call every 20 ms and logs the
 *    counts every 50 calls; after 300 it exits with 0.
 *
 * <config rpcs="300"/> (ours) sets the number of calls.
 */
#include <base/xml.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/timer.h>

#define TIMER_DURATION_US 20000ul

/* A session interface of the test's own, one call. */
#define TEST_SIGNAL_RPC(M) M(test_signal, rpc, 1, struct rpc_none, struct rpc_none)
RPC_CLIENT_STUBS(TEST_SIGNAL_RPC)
RPC_SERVER(test_signal_interface, TEST_SIGNAL_RPC);

#define TEST_DESTRUCT_RPC(M) M(test_destruct, test_untyped, 1, struct rpc_none, struct rpc_none)
RPC_SERVER(test_destruct_interface, TEST_DESTRUCT_RPC);

int serve_test_destruct_test_untyped(void *obj, const struct rpc_none *in, struct rpc_none *out,
				     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK;
}

static struct env *env;

/* --- the test entrypoint ------------------------------------------------------ */

static struct entrypoint test_ep;
static struct rpc_object session;
static struct signal_handler sigh, timeout_sigh;
static struct timer test_timer;
static unsigned rpc_count, sig_count, sig_timeout_count;

static void stats(void)
{
	log("rpcs=%u signals=%u timeout-signals=%u", rpc_count, sig_count, sig_timeout_count);
}

int serve_test_signal_rpc(void *obj, const struct rpc_none *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	++rpc_count;
	entrypoint_wait_and_dispatch_one_io_signal(&test_ep);
	return RPC_OK;
}

static void handle_signal(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	++sig_count;
}

static void handle_timer_signal(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	++sig_timeout_count;
}

static void test_ep_construct(void)
{
	if (entrypoint_create(env, &test_ep, "test_ep", 0x4000) ||
	    entrypoint_manage(&test_ep, &session, &test_signal_interface, 0) ||
	    signal_handler_init_at(&test_ep, &sigh, handle_signal, true) ||
	    signal_handler_init_at(&test_ep, &timeout_sigh, handle_timer_signal, true) ||
	    timer_connect(env, &test_timer)) {
		error("cannot set up the test entrypoint");
		env_exit(env, 1);
	}
	timer_sigh(&test_timer, timeout_sigh.cap);
	timer_trigger_periodic(&test_timer, TIMER_DURATION_US / 2);
}

/* --- main ------------------------------------------------------------------ */

static struct timer timer;
static struct signal_handler main_sigh;
static unsigned main_rpc_count;
static unsigned long rpcs = 300;

static void main_handle_signal(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	signal_submit(sigh.cap, 1);
	if (test_signal_rpc(session.cap, 0, 0, 0, 0)) {
		error("the call failed");
		env_exit(env, 1);
	}
	if (++main_rpc_count % 50 == 0)
		stats();
	if (main_rpc_count == rpcs)
		env_exit(env, 0);
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection config;
	struct xml_node node;
	if (!rom_connect(env, "config", &config) && xml_parse(config.text, config.size, &node, 0))
		xml_attr_ulong(&node, "rpcs", &rpcs);

	/* test destruct: an entrypoint goes while it manages an object */
	{
		struct rpc_object c;
		struct entrypoint ep;
		if (entrypoint_create(env, &ep, "test_destruct_ep", 0x4000) ||
		    entrypoint_manage(&ep, &c, &test_destruct_interface, 0)) {
			error("cannot set up the entrypoint to destruct");
			env_exit(env, 1);
		}
		entrypoint_destroy(&ep);
	}

	/* test signal */
	test_ep_construct();
	if (timer_connect(env, &timer) ||
	    signal_handler_init(env, &main_sigh, main_handle_signal)) {
		error("no timer");
		env_exit(env, 1);
	}
	timer_sigh(&timer, main_sigh.cap);
	timer_trigger_periodic(&timer, TIMER_DURATION_US);
}
