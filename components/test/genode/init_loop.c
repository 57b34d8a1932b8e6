/*
 * test-init_loop: Genode's test of repeated child creation in a dynamic
 * init, written for this framework from the test's documented behaviour
 * (repos/os/src/test/init_loop). It configures a nested init through a
 * report ("init.config": a LOG server, a dummy with <log_service/>, and
 * in every other phase a client, a dummy that opens a LOG session there
 * and upgrades it by 64 KiB) and follows that init's state report (the
 * ROM "state"):
 *
 *  - once the client's LOG session is CAP_HANDED_OUT, the client goes
 *    from the config;
 *  - once the client is gone and the server provides no session any
 *    more, an iteration is done: it logs init's and the server's RAM
 *    quota ("iteration N", "init RAM: ...", "server lost N bytes (total
 *    M bytes)") and starts the client again.
 *
 * More than 16 KiB lost by init or the server in all is an error
 * ("unexpected quota distribution", exit 1); after 20 iterations it exits
 * with 0. <config iterations="N"/> (ours) sets the number of iterations.
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/reporter.h>

static struct env *env;
static bool client_starting;
static struct reporter init_config_reporter;
static struct rom_connection init_state;
static struct signal_handler init_state_handler;
static unsigned cnt;
static unsigned long iterations = 20;

static void node(struct xml_gen *g, const char *type)
{
	xml_gen_open(g, type);
}

static void leaf(struct xml_gen *g, const char *type, const char *attr, const char *value)
{
	xml_gen_open(g, type);
	if (attr)
		xml_gen_attr(g, attr, value);
	xml_gen_close(g);
}

static void gen_ram(struct xml_gen *g)
{
	node(g, "resource");
	xml_gen_attr(g, "name", "RAM");
	xml_gen_attr(g, "quantum", "1M");
	xml_gen_close(g);
	leaf(g, "binary", "name", "dummy");
}

static void gen_route_to_parent(struct xml_gen *g)
{
	node(g, "any-service");
	leaf(g, "parent", 0, 0);
	xml_gen_close(g);
}

static void gen_log_server_start_content(struct xml_gen *g)
{
	xml_gen_attr(g, "name", "server");
	xml_gen_attr(g, "caps", "100");
	gen_ram(g);
	node(g, "config");
	leaf(g, "log_service", 0, 0);
	xml_gen_close(g);
	node(g, "provides");
	leaf(g, "service", "name", "LOG");
	xml_gen_close(g);
	node(g, "route");
	gen_route_to_parent(g);
	xml_gen_close(g);
}

static void gen_log_client_start_content(struct xml_gen *g)
{
	xml_gen_attr(g, "name", "client");
	xml_gen_attr(g, "caps", "200");
	gen_ram(g);
	node(g, "config");
	node(g, "create_log_connections");
	xml_gen_attr_ulong(g, "count", 1);
	xml_gen_attr(g, "ram_upgrade", "64K");
	xml_gen_close(g);
	leaf(g, "log", "string", "client started");
	xml_gen_close(g);
	node(g, "route");
	node(g, "service");
	xml_gen_attr(g, "name", "LOG");
	leaf(g, "child", "name", "server");
	xml_gen_close(g);
	gen_route_to_parent(g);
	xml_gen_close(g);
}

static void gen_init_config(struct xml_gen *g, void *arg)
{
	(void)arg;
	node(g, "report");
	const char *yes[] = {"requested", "provided",  "init_ram",
			     "init_caps", "child_ram", "child_caps"};
	for (unsigned i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		xml_gen_attr(g, yes[i], "yes");
	xml_gen_attr_ulong(g, "delay_ms", 100);
	xml_gen_close(g);
	node(g, "parent-provides");
	const char *services[] = {"ROM", "CPU", "PD", "RM", "LOG"};
	for (unsigned i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		leaf(g, "service", "name", services[i]);
	xml_gen_close(g);
	node(g, "start");
	gen_log_server_start_content(g);
	xml_gen_close(g);
	if (client_starting) {
		node(g, "start");
		gen_log_client_start_content(g);
		xml_gen_close(g);
	}
}

static void generate_init_config(void)
{
	if (reporter_generate(&init_config_reporter, gen_init_config, 0))
		error("cannot generate the init config");
}

/* --- the state report ------------------------------------------------------------ */

struct ram_tracker {
	const char *name;
	unsigned long previous; /* the RAM quota of the previous iteration */
	unsigned long total_loss;
};

static struct ram_tracker init_ram_tracker = {.name = "init"},
			  server_ram_tracker = {.name = "server"};

static void ram_tracker_update(struct ram_tracker *t, const struct xml_node *ram)
{
	unsigned long current = 0;
	xml_attr_ulong(ram, "quota", &current);
	log("%s RAM: %lu", t->name, current);
	if (t->previous) {
		if (current < t->previous) {
			t->total_loss += t->previous - current;
			log("%s lost %lu bytes (total %lu bytes)", t->name, t->previous - current,
			    t->total_loss);
		}
		if (current > t->previous)
			log("%s gained %lu bytes", t->name, current - t->previous);
	}
	t->previous = current;
}

/* The child node of that name in the state report. */
static bool find_child(const struct xml_node *state, const char *name, struct xml_node *child)
{
	for (bool ok = xml_first_sub(state, "child", child); ok;
	     ok = xml_next_sub(state, "child", child))
		if (xml_attr_equals(child, "name", name))
			return true;
	return false;
}

static void handle_init_state(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	rom_refresh(env, &init_state);
	struct xml_node state = {0}, child, sub, session;
	bool have_state = init_state.size && xml_parse(init_state.text, init_state.size, &state, 0);

	/* the client runs and its LOG session at the server is there */
	bool client_present = false, client_complete = false;
	if (have_state && find_child(&state, "client", &child)) {
		client_present = true;
		for (bool ok = xml_first_sub(&child, "requested", &sub); ok;
		     ok = xml_next_sub(&child, "requested", &sub))
			for (bool s = xml_first_sub(&sub, "session", &session); s;
			     s = xml_next_sub(&sub, "session", &session))
				if (xml_attr_equals(&session, "service", "LOG") &&
				    xml_attr_equals(&session, "state", "CAP_HANDED_OUT"))
					client_complete = true;
	}
	bool client_connected = false;
	struct xml_node server;
	if (have_state && find_child(&state, "server", &server))
		for (bool ok = xml_first_sub(&server, "provided", &sub); ok;
		     ok = xml_next_sub(&server, "provided", &sub))
			client_connected |= xml_first_sub(&sub, 0, &session);

	if (client_starting) {
		/* the client goes as soon as it is up completely */
		if (client_complete)
			client_starting = false;
	} else if (!client_present && !client_connected) {
		/* and comes again as soon as it is gone */
		cnt++;
		log("iteration %u", cnt);
		struct xml_node ram;
		if (have_state && xml_first_sub(&state, "ram", &ram))
			ram_tracker_update(&init_ram_tracker, &ram);
		if (have_state && find_child(&state, "server", &server) &&
		    xml_first_sub(&server, "ram", &ram))
			ram_tracker_update(&server_ram_tracker, &ram);
		client_starting = true;
		if (init_ram_tracker.total_loss > 16 * 1024 ||
		    server_ram_tracker.total_loss > 16 * 1024) {
			error("unexpected quota distribution");
			env_exit(env, 1);
		}
	}
	/* success after the iterations without accounting issues */
	if (cnt == iterations)
		env_exit(env, 0);
	generate_init_config();
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection config;
	struct xml_node cfg;
	if (!rom_connect(env, "config", &config) && xml_parse(config.text, config.size, &cfg, 0))
		xml_attr_ulong(&cfg, "iterations", &iterations);
	if (reporter_connect(env, &init_config_reporter, "config", "init.config", 4096, true) ||
	    rom_connect(env, "state", &init_state) ||
	    signal_handler_init(env, &init_state_handler, handle_init_state)) {
		error("no config report or state ROM");
		env_exit(env, 1);
	}
	rom_sigh(&init_state, init_state_handler.cap);
	handle_init_state(0, 0);
	generate_init_config();
}
