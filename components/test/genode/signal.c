/*
 * test-signal: Genode's signalling test, written for this framework from
 * the test's documented behaviour (repos/os/src/test/signal). Eight tests
 * in a row:
 *
 *  1 reliable delivery while the sender is faster than the handler
 *  2 throughput when submitting and handling as fast as possible
 *  3 lazy and out-of-order reception with two receivers
 *  4 a dissolved context takes no more signals
 *  5 dissolving blocks while a signal of the context is referenced
 *  6 many contexts managed and dissolved, round after round
 *  7 wait_and_dispatch_one_io_signal inside an RPC at an entrypoint: an
 *    I/O signal is dispatched, application signals are held back until
 *    the entrypoint is back in its loop
 *  8 three entrypoints nesting wait_and_dispatch_one_io_signal under
 *    senders that submit as fast as they can
 *
 * A failure logs "Error: ..."; the end is "--- Signalling test finished ---".
 * <config stress_sec="5"/> sets test 2's duration (Genode's 5 s default),
 * counter_goal="300" the dispatches each receiver of test 8 counts to
 * (Genode's 300).
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/signal.h>
#include <component/thread.h>
#include <component/timer.h>

#define SPEED 10

static struct env *env;
static unsigned long stress_sec = 5, counter_goal = 300;

static void fail(const char *what)
{
	error("%s", what);
	env_exit(env, 1);
}

static void test_begin(int id, const char *brief)
{
	log("\nTEST %d: %s\n", id, brief);
}

static void test_end(int id)
{
	log("\nTEST %d finished\n", id);
}

/* --- a thread that submits a signal context periodically ------------------ */

struct sender {
	struct thread thread;
	struct timer timer;
	seL4_CPtr context;
	unsigned long interval_ms;
	bool verbose;
	volatile bool stop, idle;
	volatile unsigned submit_cnt;
};

static void sender_entry(void *arg)
{
	struct sender *s = arg;
	while (!s->stop) {
		if (!s->idle) {
			s->submit_cnt++;
			if (s->verbose)
				log("submit signal %u", s->submit_cnt);
			signal_submit(s->context, 1);
			if (s->interval_ms)
				timer_msleep(&s->timer, s->interval_ms);
		} else {
			timer_msleep(&s->timer, 100);
		}
	}
}

static void sender_start(struct sender *s, seL4_CPtr context, unsigned long interval_ms,
			 bool verbose)
{
	memset(s, 0, sizeof(*s));
	s->context = context;
	s->interval_ms = interval_ms;
	s->verbose = verbose;
	if (timer_connect(env, &s->timer) ||
	    thread_start(env, &s->thread, "sender", 16 * 1024, sender_entry, s))
		fail("cannot start a sender");
}

static void sender_destroy(struct sender *s)
{
	s->stop = true;
	thread_join(env, &s->thread);
	timer_disconnect(&s->timer);
}

/* --- a thread that receives signals and takes its time with each ---------- */

struct handler {
	struct thread thread;
	struct timer timer;
	struct signal_receiver *receiver;
	unsigned long dispatch_ms;
	volatile bool stop;
	volatile unsigned receive_cnt, activation_cnt;
};

static void handler_entry(void *arg)
{
	struct handler *h = arg;
	while (!h->stop) {
		struct signal s = signal_wait(h->receiver);
		h->receive_cnt += (unsigned)s.num;
		h->activation_cnt++;
		signal_release(&s);
		if (h->dispatch_ms)
			timer_msleep(&h->timer, h->dispatch_ms);
	}
}

static void handler_start(struct handler *h, struct signal_receiver *r, unsigned long dispatch_ms)
{
	memset(h, 0, sizeof(*h));
	h->receiver = r;
	h->dispatch_ms = dispatch_ms;
	if (timer_connect(env, &h->timer) ||
	    thread_start(env, &h->thread, "handler", 16 * 1024, handler_entry, h))
		fail("cannot start a handler");
}

/* Stop the handler with a signal of a context of its own, as Genode's ~Handler. */
static void handler_destroy(struct handler *h)
{
	struct signal_context stop;
	seL4_CPtr cap = signal_receiver_manage(h->receiver, &stop);
	h->stop = true;
	signal_submit(cap, 1);
	thread_join(env, &h->thread);
	signal_receiver_dissolve(h->receiver, &stop);
	timer_disconnect(&h->timer);
}

/* --- test 1 --------------------------------------------------------------- */

static void fast_sender_test(struct timer *timer)
{
	enum {
		HANDLER_INTERVAL_MS = 10 * SPEED,
		SENDER_INTERVAL_MS = 2 * SPEED,
		DURATION_MS = 50 * SPEED,
		FINISH_IDLE_MS = 2 * HANDLER_INTERVAL_MS
	};
	struct signal_receiver receiver;
	struct signal_context context;
	struct handler handler;
	struct sender sender;
	test_begin(1, "reliable delivery if the sender is faster than the handlers");
	signal_receiver_init(env, &receiver);
	seL4_CPtr cap = signal_receiver_manage(&receiver, &context);
	handler_start(&handler, &receiver, HANDLER_INTERVAL_MS);
	sender_start(&sender, cap, SENDER_INTERVAL_MS, false);
	timer_msleep(timer, DURATION_MS);
	log("deactivate sender");
	sender.idle = true;
	timer_msleep(timer, FINISH_IDLE_MS);
	log("sender submitted a total of %u signals", sender.submit_cnt);
	log("handler received a total of %u signals", handler.receive_cnt);
	if (sender.submit_cnt != handler.receive_cnt)
		fail("unequal sent and received signals");
	sender_destroy(&sender);
	handler_destroy(&handler);
	signal_receiver_dissolve(&receiver, &context);
	signal_receiver_destroy(&receiver);
	test_end(1);
}

/* --- test 2 --------------------------------------------------------------- */

static void stress_test(struct timer *timer)
{
	struct signal_receiver receiver;
	struct signal_context context;
	struct handler handler;
	struct sender sender;
	test_begin(2, "throughput when submitting/handling as fast as possible");
	signal_receiver_init(env, &receiver);
	seL4_CPtr cap = signal_receiver_manage(&receiver, &context);
	handler_start(&handler, &receiver, 0);
	sender_start(&sender, cap, 0, false);
	for (unsigned long i = 1; i <= stress_sec; i++) {
		log("%lu/%lu", i, stress_sec);
		timer_msleep(timer, 1000);
	}
	log("deactivate sender");
	sender.idle = true;
	while (handler.receive_cnt < sender.submit_cnt) {
		log("waiting for signals still in flight...");
		timer_msleep(timer, 1000);
	}
	unsigned received = handler.receive_cnt, activations = handler.activation_cnt;
	log("%s", "");
	log("sender submitted a total of %u signals", sender.submit_cnt);
	log("handler received a total of %u signals", received);
	log("handler was activated %u times (%u signals per activation)", activations,
	    activations ? received / activations : 0);
	log("%s", "");
	log("handler received %lu signals per second", received / stress_sec);
	log("handler was activated %lu times per second", activations / stress_sec);
	log("%s", "");
	if (sender.submit_cnt != received)
		fail("unequal sent and received signals");
	sender_destroy(&sender);
	handler_destroy(&handler);
	signal_receiver_dissolve(&receiver, &context);
	signal_receiver_destroy(&receiver);
	test_end(2);
}

/* --- test 3 --------------------------------------------------------------- */

static void lazy_receivers_test(void)
{
	struct signal_receiver r1, r2;
	struct signal_context c1, c2;
	test_begin(3, "lazy and out-of-order signal reception");
	signal_receiver_init(env, &r1);
	signal_receiver_init(env, &r2);
	seL4_CPtr t1 = signal_receiver_manage(&r1, &c1), t2 = signal_receiver_manage(&r2, &c2);
	log("submit and receive signals with multiple receivers in order");
	signal_submit(t1, 1);
	signal_submit(t2, 1);
	struct signal s = signal_wait(&r1);
	log("returned from wait_for_signal for receiver 1");
	signal_release(&s);
	s = signal_wait(&r2);
	log("returned from wait_for_signal for receiver 2");
	signal_release(&s);
	log("submit and receive signals with multiple receivers out of order");
	signal_submit(t1, 1);
	signal_submit(t2, 1);
	s = signal_wait(&r2);
	log("returned from wait_for_signal for receiver 2");
	signal_release(&s);
	s = signal_wait(&r1);
	log("returned from wait_for_signal for receiver 1");
	signal_release(&s);
	signal_receiver_dissolve(&r1, &c1);
	signal_receiver_dissolve(&r2, &c2);
	signal_receiver_destroy(&r1);
	signal_receiver_destroy(&r2);
	test_end(3);
}

/* --- test 4 --------------------------------------------------------------- */

static void context_management_test(struct timer *timer)
{
	struct signal_receiver receiver;
	struct signal_context context;
	struct sender sender;
	test_begin(4, "correct initialization and cleanup of receiver and context");
	signal_receiver_init(env, &receiver);
	seL4_CPtr cap = signal_receiver_manage(&receiver, &context);
	sender_start(&sender, cap, 500, true);
	/* stop the sender after a while */
	timer_msleep(timer, 1000);
	log("suspend sender");
	sender.idle = true;
	/* collect pending signals and dissolve the context from the receiver */
	struct signal s = signal_wait(&receiver);
	log("got %lu signal(s) from %p", s.num, (void *)s.context);
	signal_release(&s);
	signal_receiver_dissolve(&receiver, &context);
	/* let the sender spin for a while: its submits now reach no context */
	log("resume sender");
	sender.idle = false;
	timer_msleep(timer, 1000);
	log("suspend sender");
	sender.idle = true;
	struct signal late = signal_pending(&receiver);
	if (late.num)
		fail("a dissolved context still received signals");
	log("destroy sender");
	sender_destroy(&sender);
	signal_receiver_destroy(&receiver);
	test_end(4);
}

/* --- test 5 --------------------------------------------------------------- */

static struct signal_receiver destr_receiver;
static struct signal_context *destr_context;
static volatile bool destroyed;

static void destroyer(void *arg)
{
	(void)arg;
	signal_receiver_dissolve(&destr_receiver, destr_context);
	log("dissolve finished");
	destroyed = true;
	free(destr_context);
}

static void synchronized_destruction_test(struct timer *timer)
{
	struct thread thread;
	test_begin(5, "does 'dissolve' block as long as the signal context is referenced?");
	signal_receiver_init(env, &destr_receiver);
	destr_context = malloc(sizeof(*destr_context));
	seL4_CPtr cap = signal_receiver_manage(&destr_receiver, destr_context);
	signal_submit(cap, 1);
	struct signal s = signal_wait(&destr_receiver);
	log("start dissolving");
	if (thread_start(env, &thread, "destroyer", 8 * 1024, destroyer, 0))
		fail("cannot start the destroyer");
	timer_msleep(timer, 2000);
	struct signal copy_1 = signal_copy(&s), copy_2 = signal_copy(&s);
	signal_release(&copy_1);
	copy_1 = signal_copy(&copy_2);
	if (destroyed)
		fail("dissolve did not wait for the signal to be released");
	log("destruct signal");
	signal_release(&copy_1);
	signal_release(&copy_2);
	signal_release(&s);
	thread_join(env, &thread);
	signal_receiver_destroy(&destr_receiver);
	test_end(5);
}

/* --- test 6 --------------------------------------------------------------- */

static void many_contexts_test(void)
{
	test_begin(6, "create and manage many contexts");
	for (unsigned round = 0; round < 10; round++) {
		unsigned n = 200 + 5 * round;
		log("round %u: manage %u contexts", round, n);
		struct signal_receiver receiver;
		struct signal_context *contexts = calloc(n, sizeof(*contexts));
		if (!contexts || signal_receiver_init(env, &receiver))
			fail("no memory for the contexts");
		for (unsigned i = 0; i < n; i++)
			if (!signal_receiver_manage(&receiver, &contexts[i]))
				fail("manage failed");
		for (unsigned i = 0; i < n; i++)
			signal_receiver_dissolve(&receiver, &contexts[i]);
		signal_receiver_destroy(&receiver);
		free(contexts);
	}
	test_end(6);
}

/* --- test 7 --------------------------------------------------------------- */

struct nested_none {
	char none[0];
};
#define NESTED_TEST_RPC(M)                                                                         \
	M(nested_test, test_io_dispatch, 1, struct nested_none, struct nested_none)                \
	M(nested_test, test_app_dispatch, 2, struct nested_none, struct nested_none)
RPC_CLIENT_STUBS(NESTED_TEST_RPC)
RPC_SERVER(nested_test_interface, NESTED_TEST_RPC);

static struct {
	struct entrypoint ep;
	struct signal_handler app, nop, io;
	struct rpc_object wait;
	struct thread sender;
	struct timer sender_timer;
	bool nested;
	volatile bool app_done, io_done;
} nt;

int serve_nested_test_test_io_dispatch(void *obj, const struct nested_none *in,
				       struct nested_none *out, struct rpc_cap_arg *cap_in,
				       seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	log("1/8: [ep] wait for I/O-level signal during RPC from [outside]");
	while (!nt.io_done)
		entrypoint_wait_and_dispatch_one_io_signal(&nt.ep);
	log("6/8: [ep] I/O completed");
	return RPC_OK;
}

int serve_nested_test_test_app_dispatch(void *obj, const struct nested_none *in,
					struct nested_none *out, struct rpc_cap_arg *cap_in,
					seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	if (!nt.app_done)
		error("8/8: [ep] application-level signal was not dispatched");
	else
		log("8/8: [ep] success");
	return RPC_OK;
}

static void nested_app(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (!nt.io_done)
		error("7/8: [ep] application-level signal was not deferred");
	else
		log("7/8: [ep] application-level signal received");
	nt.app_done = true;
}

static void nested_nop(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
}

static void nested_io(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (nt.nested) {
		log("5/8: [ep] nested I/O-level signal received");
		nt.io_done = true;
		return;
	}
	log("4/8: [ep] I/O-level signal received - sending nested signal");
	nt.nested = true;
	signal_submit(nt.io.cap, 1);
	entrypoint_wait_and_dispatch_one_io_signal(&nt.ep);
}

static void nested_sender(void *arg)
{
	(void)arg;
	timer_msleep(&nt.sender_timer, 1000);
	log("2/8: [outside] submit application-level signal (should be deferred)");
	signal_submit(nt.nop.cap, 1);
	signal_submit(nt.app.cap, 1);
	signal_submit(nt.nop.cap, 1);
	log("3/8: [outside] submit I/O-level signal");
	signal_submit(nt.io.cap, 1);
	signal_submit(nt.nop.cap, 1);
}

static void nested_test(struct timer *timer)
{
	test_begin(7, "wait and dispatch signals at entrypoint");
	if (entrypoint_create(env, &nt.ep, "wait_dispatch_ep", 2048 * sizeof(long)) ||
	    signal_handler_init_at(&nt.ep, &nt.app, nested_app, false) ||
	    signal_handler_init_at(&nt.ep, &nt.nop, nested_nop, false) ||
	    signal_handler_init_at(&nt.ep, &nt.io, nested_io, true) ||
	    entrypoint_manage(&nt.ep, &nt.wait, &nested_test_interface, 0) ||
	    timer_connect(env, &nt.sender_timer) ||
	    thread_start(env, &nt.sender, "sender_thread", 8 * 1024, nested_sender, 0))
		fail("cannot set up the nested test");
	nested_test_test_io_dispatch(nt.wait.cap, 0, 0, 0, 0);
	/* grant the entrypoint some time for application-signal handling */
	timer_msleep(timer, 1000);
	nested_test_test_app_dispatch(nt.wait.cap, 0, 0, 0, 0);
	thread_join(env, &nt.sender);
	timer_disconnect(&nt.sender_timer);
	entrypoint_dissolve(&nt.ep, &nt.wait);
	entrypoint_destroy(&nt.ep);
	test_end(7);
}

/* --- test 8 --------------------------------------------------------------- */

#define UNWIND_COUNT_MOD_LOG2 5
#define POLLING_PERIOD_US     1000000

struct receiver {
	struct entrypoint ep;
	struct signal_handler handler;
	const char *name;
	unsigned count, level;
	volatile bool destruct, ready_for_destruction;
};

struct stress_sender {
	struct thread thread;
	seL4_CPtr cap;
	volatile bool destruct;
};

static struct receiver receivers[3];
static struct stress_sender senders[3];
static struct timer poll_timer;
static struct signal_handler poll, test_8_done;

#define container_of(p, type, member) ((type *)((char *)(p) - __builtin_offsetof(type, member)))

static void receiver_handle(struct signal_handler *h, unsigned long n)
{
	(void)n;
	struct receiver *r = container_of(h, struct receiver, handler);
	/* get out of the nesting before the test destroys us */
	if (r->destruct) {
		if (r->level == 0)
			r->ready_for_destruction = true;
		return;
	}
	r->count++;
	/* open a new nesting level with each signal, unwind all every 32 */
	if ((r->count & ((1u << UNWIND_COUNT_MOD_LOG2) - 1)) != 0) {
		r->level++;
		entrypoint_wait_and_dispatch_one_io_signal(&r->ep);
		r->level--;
	}
}

static void stress_sender_entry(void *arg)
{
	struct stress_sender *s = arg;
	/* send signals as fast as possible */
	while (!s->destruct)
		signal_submit(s->cap, 1);
}

static void handle_poll(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	bool done = true;
	for (unsigned i = 0; i < 3; i++) {
		log("%s received %u times", receivers[i].name, receivers[i].count);
		done = done && receivers[i].count > counter_goal;
	}
	if (done)
		signal_submit(test_8_done.cap, 1);
}

static void handle_test_8_done(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	/* tell the timer not to send any signals any more */
	timer_sigh(&poll_timer, 0);
	timer_trigger_periodic(&poll_timer, 0);
	/* let the receivers unwind their nesting and stop with the next signal */
	for (unsigned i = 0; i < 3; i++)
		receivers[i].destruct = true;
	log("waiting for receivers");
	for (unsigned i = 0; i < 3; i++)
		while (!receivers[i].ready_for_destruction)
			seL4_Yield();
	/* let the senders stop burning our CPU time */
	for (unsigned i = 0; i < 3; i++)
		senders[i].destruct = true;
	log("waiting for senders");
	for (unsigned i = 0; i < 3; i++)
		thread_join(env, &senders[i].thread);
	log("destructing ...");
	for (unsigned i = 0; i < 3; i++)
		entrypoint_destroy(&receivers[i].ep);
	timer_disconnect(&poll_timer);
	test_end(8);
	log("--- Signalling test finished ---");
}

static void nested_stress_test(void)
{
	static const char *const names[] = {"receiver-1", "receiver-2", "receiver-3"};
	static const char *const sender_names[] = {"sender-1", "sender-2", "sender-3"};
	test_begin(8, "stressful wait and dispatch signals at entrypoint");
	for (unsigned i = 0; i < 3; i++) {
		struct receiver *r = &receivers[i];
		r->name = names[i];
		if (entrypoint_create(env, &r->ep, names[i], 3 * 1024 * sizeof(long)) ||
		    signal_handler_init_at(&r->ep, &r->handler, receiver_handle, true))
			fail("cannot create a receiver");
		senders[i].cap = r->handler.cap;
	}
	if (timer_connect(env, &poll_timer) ||
	    signal_handler_init_at(env_ep(env), &poll, handle_poll, true) ||
	    signal_handler_init(env, &test_8_done, handle_test_8_done))
		fail("cannot set up the polling");
	/* let the senders send signals like crazy */
	for (unsigned i = 0; i < 3; i++)
		if (thread_start(env, &senders[i].thread, sender_names[i], 8 * 1024,
				 stress_sender_entry, &senders[i]))
			fail("cannot start a sender");
	/* poll the receivers' counts */
	timer_sigh(&poll_timer, poll.cap);
	timer_trigger_periodic(&poll_timer, POLLING_PERIOD_US);
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection rom;
	struct xml_node config;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0)) {
		xml_attr_ulong(&config, "stress_sec", &stress_sec);
		xml_attr_ulong(&config, "counter_goal", &counter_goal);
	}
	struct timer timer;
	if (timer_connect(env, &timer))
		fail("no Timer session");
	log("--- Signalling test ---");
	fast_sender_test(&timer);
	stress_test(&timer);
	lazy_receivers_test();
	context_management_test(&timer);
	synchronized_destruction_test(&timer);
	many_contexts_test();
	nested_test(&timer);
	timer_disconnect(&timer);
	nested_stress_test();
}
