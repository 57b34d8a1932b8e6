/*
 * test-resource_yield: Genode's resource-yield test, written for this
 * framework from the test's documented behaviour (repos/os/src/test/
 * resource_yield). The program plays either role, by its config:
 *
 *  - the child (<config child="yes"/>) allocates 1 MiB chunks every 25 ms
 *    while its quota lasts; on a yield request from its parent it frees
 *    chunks until it gave back what was asked, and answers;
 *  - the parent starts the child (the Child API: PD, CPU, ROM, LOG and
 *    Timer from its own parent, the child's config ROM served locally),
 *    waits half a second, asks the child to yield 5 MiB, checks that the
 *    child's used RAM dropped by that much, and does so four times.
 *
 * Genode's runtime: <succeed>--- test-resource_yield finished ---</succeed>,
 * <fail>*Error: </fail>.
 */
#include <base/session_args.h>
#include <base/string.h>
#include <base/xml.h>
#include <component/child.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/local_rom.h>
#include <component/log.h>
#include <component/timer.h>

#define CHUNK (1024 * 1024ul)

static struct env *env;
static struct timer timer;

static unsigned long avail_ram(seL4_CPtr pd)
{
	struct pd_quota_result q = {0};
	pd_session_quota(pd, 0, &q, 0, 0);
	return q.ram_quota - q.ram_used;
}

/* --- child role --------------------------------------------------------------- */

struct chunk {
	seL4_CPtr ds;
	struct chunk *next;
};

static struct chunk *chunks;
static struct signal_handler periodic, yield;
static bool expand;
static unsigned long period_ms = 25;

static void schedule_next_timeout(void)
{
	timer_trigger_once(&timer, period_ms * 1000);
}

static void handle_periodic(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (avail_ram(env->pd) < CHUNK) {
		if (!expand) {
			log("consumed all of our quota, stop allocating");
			return;
		}
		/* the allocation asks the parent for more and blocks until it answers */
		log("quota consumed, request additional resources");
	}
	struct chunk *c = malloc(sizeof(*c));
	if (!c || env_alloc_ram(env, CHUNK, &c->ds)) {
		error("cannot allocate a chunk");
		free(c);
		return;
	}
	c->next = chunks;
	chunks = c;
	log("allocated chunk of %lu KiB", CHUNK / 1024);
	schedule_next_timeout();
}

static void handle_yield(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	char args[GENODE_SESSION_ARGS_MAX];
	env_yield_request(env, args, sizeof(args));
	log("yield request: %s", args);
	unsigned long requested = session_arg_ulong(args, "ram_quota", 0), released = 0;
	/* free chunks of RAM to comply with the request */
	while (released < requested) {
		struct chunk *c = chunks;
		if (!c) {
			warning("no chunk left to release");
			break;
		}
		chunks = c->next;
		env_free_ram(env, c->ds);
		free(c);
		released += CHUNK;
		log("released chunk of %lu bytes", CHUNK);
	}
	env_yield_response(env);
	schedule_next_timeout();
}

static void child_role(const struct xml_node *config)
{
	expand = xml_attr_bool(config, "expand", false);
	xml_attr_ulong(config, "period_ms", &period_ms);
	if (signal_handler_init(env, &periodic, handle_periodic) ||
	    signal_handler_init(env, &yield, handle_yield)) {
		error("no signal handlers");
		return;
	}
	env_yield_sigh(env, yield.cap);
	timer_sigh(&timer, periodic.cap);
	schedule_next_timeout();
}

/* --- parent role ------------------------------------------------------------- */

enum { WAIT, YIELD_REQUESTED, YIELD_GOT_RESPONSE };

static struct child child;
static struct local_rom child_config;
static struct signal_handler timeout;
static unsigned long used_prior_yield, wait_cnt;
static const unsigned long wait_secs = 5;
static unsigned cnt = 3;
static int state;

static void print_status(void)
{
	struct pd_quota_result q = {0};
	pd_session_quota(child.pd, 0, &q, 0, 0);
	log("quota: %lu KiB  used: %lu KiB", q.ram_quota / 1024, q.ram_used / 1024);
}

static unsigned long used_ram(void)
{
	struct pd_quota_result q = {0};
	pd_session_quota(child.pd, 0, &q, 0, 0);
	return q.ram_used;
}

static void schedule_timeout(void)
{
	log("wait %lu/%lu", wait_cnt, wait_secs);
	timer_trigger_once(&timer, 100 * 1000);
}

static void init_round(void)
{
	state = WAIT;
	wait_cnt = 0;
	schedule_timeout();
}

static void request_yield(void)
{
	/* remember the quantum of resources used by the child */
	used_prior_yield = used_ram();
	log("request yield (ram prior yield: %lu", used_prior_yield);
	child_yield(&child, "ram_quota=5M");
	state = YIELD_REQUESTED;
}

static void handle_timeout(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	print_status();
	if (++wait_cnt >= wait_secs)
		request_yield();
	else
		schedule_timeout();
}

static void yield_response(struct child *c)
{
	(void)c;
	log("got yield response");
	state = YIELD_GOT_RESPONSE;
	print_status();
	/* the yielded resources must match the request */
	if (used_ram() + 5 * 1024 * 1024 > used_prior_yield) {
		error("child has not yielded enough resources");
		env_exit(env, 1);
	}
	if (cnt-- > 0) {
		init_round();
	} else {
		log("--- test-resource_yield finished ---");
		env_exit(env, 0);
	}
}

static bool route(struct child *c, const char *service, const char *label, struct route *r)
{
	(void)c;
	if (!strcmp(service, "ROM") && !strcmp(label, "child -> config")) {
		strlcpy(r->label, label, sizeof(r->label));
		r->kind = SERVICE_LOCAL;
		r->service = &child_config.service;
		return true;
	}
	return child_route_parent(service, label, "PD CPU ROM LOG Timer", r);
}

static void child_exit(struct child *c, long value)
{
	(void)c;
	error("the child exited with %ld", value);
}

static const struct child_policy policy = {
    .route = route, .exit = child_exit, .yield_response = yield_response};

static void parent_role(void)
{
	static const char config[] = "<config child=\"yes\"/>";
	local_rom_init(env, &child_config, env->pd);
	if (local_rom_set(&child_config, config, sizeof(config) - 1) ||
	    signal_handler_init(env, &timeout, handle_timeout)) {
		error("cannot set up the parent role");
		env_exit(env, 1);
	}
	timer_sigh(&timer, timeout.cap);
	if (child_create(env, &child, &policy, 0, "child", "test-resource_yield", 10 * 1024 * 1024,
			 200)) {
		error("cannot start the child");
		env_exit(env, 1);
	}
	init_round();
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection rom;
	struct xml_node config;
	bool is_child = false;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0))
		is_child = xml_attr_bool(&config, "child", false);
	if (timer_connect(env, &timer)) {
		error("no Timer session");
		env_exit(env, 1);
	}
	if (is_child) {
		log("--- test-resource_yield child role started ---");
		child_role(&config);
	} else {
		log("--- test-resource_yield parent role started ---");
		parent_role();
	}
}
