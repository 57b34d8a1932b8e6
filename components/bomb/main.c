/*
 * bomb: Genode's fork bomb, written for this framework from the test's
 * documented behaviour (repos/os/src/test/bomb). The master starts
 * <config children> children, giving each an equal share of its RAM and
 * caps; each child does the same, until generations are used up or there
 * is not enough RAM for another level. After sleep ms the master destroys
 * its children (and with them their descendants) and starts them again,
 * rounds times; then "Done. Going to sleep".
 *
 *   <config rounds="1" generations="1" children="2" sleep="2000" demand="1M"/>
 *
 * Children are started with the Child API: PD, CPU, ROM, LOG and Timer
 * from the bomb's own parent, each child's config ROM served locally.
 */
#include <base/format.h>
#include <base/string.h>
#include <base/xml.h>
#include <component/child.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/local_rom.h>
#include <component/log.h>
#include <component/timer.h>

/* What a PD session of our own costs (Genode's Pd_connection::RAM_QUOTA here) */
#define PRESERVED_RAM (320 * 1024ul)

struct bomb_child {
	struct child child;
	struct local_rom config;
	char config_rom_label[CHILD_LABEL_MAX];
	struct bomb_child *next;
};

static struct env *env;
static struct timer timer;
static bool have_timer;
static struct signal_handler signal_timeout, signal_resource;
static struct bomb_child *children_list;
static unsigned round, rounds = 1, generation = 1, children = 2;
static unsigned long sleeptime = 2000, ram_demand = 1024 * 1024;
static bool master = true;

static bool route(struct child *c, const char *service, const char *label, struct route *r)
{
	struct bomb_child *b = c->data;
	strlcpy(r->label, label, sizeof(r->label));
	/* the child's config ROM */
	if (!strcmp(service, "ROM") && !strcmp(label, b->config_rom_label)) {
		r->kind = SERVICE_LOCAL;
		r->service = &b->config.service;
		return true;
	}
	return child_route_parent(service, label, "PD CPU ROM LOG Timer", r);
}

static void child_exit(struct child *c, long value)
{
	error("child \"%s\" exited with %ld", c->name, value);
}

static const struct child_policy policy = {.route = route, .exit = child_exit};

static bool child_name_exists(const char *name)
{
	for (struct bomb_child *b = children_list; b; b = b->next)
		if (!strcmp(b->child.name, name))
			return true;
	return false;
}

static void destroy_child(struct bomb_child *b)
{
	child_destroy(&b->child);
	local_rom_destroy(&b->config);
	log("Bomb_child::~Bomb_child()");
	free(b);
}

static void start_child(unsigned long ram, unsigned long caps)
{
	char name[CHILD_NAME_MAX], config[96];
	for (unsigned cnt = 1;; cnt++) {
		snprintf(name, sizeof(name), "bomb_g%u.%u", generation - 1, cnt);
		if (!child_name_exists(name))
			break;
	}
	struct bomb_child *b = calloc(1, sizeof(*b));
	if (!b) {
		error("creation of child %s failed", name);
		return;
	}
	snprintf(b->config_rom_label, sizeof(b->config_rom_label), "%s -> config", name);
	int n = snprintf(config, sizeof(config), "<config generations=\"%u\" master=\"no\"/>",
			 generation - 1);
	local_rom_init(env, &b->config, env->pd);
	if (local_rom_set(&b->config, config, (size_t)n) ||
	    child_create(env, &b->child, &policy, b, name, "bomb", ram, caps)) {
		error("creation of child %s failed", name);
		local_rom_destroy(&b->config);
		free(b);
		return;
	}
	b->next = children_list;
	children_list = b;
}

static void construct_children(void)
{
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	unsigned long avail_ram = q.ram_quota - q.ram_used;
	if (avail_ram < PRESERVED_RAM + ram_demand) {
		error("RAM demand exceeds available RAM");
		return;
	}
	unsigned long ram_amount = (avail_ram - PRESERVED_RAM - ram_demand) / children;
	if (ram_amount < ram_demand * children) {
		log("I'm a leaf node - generation %u - not enough memory.", generation);
		return;
	}
	unsigned long avail_caps = q.cap_quota - q.cap_used, preserved_caps = children * 30;
	if (avail_caps < preserved_caps) {
		log("I ran out of capabilities.");
		return;
	}
	unsigned long cap_quota = (avail_caps - preserved_caps) / children;
	if (generation == 0) {
		log("I'm a leaf node - generation 0");
		return;
	}
	log("[%u] It's time to start all my children...", round);
	for (unsigned i = children; i; --i)
		start_child(ram_amount, cap_quota);
	/* the master has a timer */
	if (master)
		timer_trigger_once(&timer, sleeptime * 1000);
}

/*
 * Our addition to Genode's bomb: whatever the children got comes back when
 * they go, so the master's quota (not what it uses: its heap may grow) is
 * the same after every round.
 */
static void check_refunds(void)
{
	static unsigned long ram, caps;
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	if (round && (q.ram_quota != ram || q.cap_quota != caps))
		error("[%u] a quota of %lu bytes and %lu caps, %lu and %lu after the first round",
		      round, q.ram_quota, q.cap_quota, ram, caps);
	ram = q.ram_quota, caps = q.cap_quota;
}

static void destruct_children(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	log("[%u] It's time to kill all my children...", round);
	while (children_list) {
		struct bomb_child *b = children_list;
		children_list = b->next;
		destroy_child(b);
	}
	log("[%u] Done.", round);
	if (master)
		check_refunds();
	++round;
	if (round == rounds && master) {
		log("Done. Going to sleep");
		return;
	}
	construct_children();
}

static void resource_request(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	error("resource request");
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection rom;
	struct xml_node config;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0)) {
		unsigned long v;
		if (xml_attr_ulong(&config, "rounds", &v))
			rounds = (unsigned)v;
		if (xml_attr_ulong(&config, "generations", &v))
			generation = (unsigned)v;
		if (xml_attr_ulong(&config, "children", &v))
			children = (unsigned)v;
		xml_attr_ulong(&config, "sleep", &sleeptime);
		xml_attr_ulong(&config, "demand", &ram_demand);
		master = xml_attr_bool(&config, "master", true);
	}
	/* do not block for resources: a bomb does not ask for more */
	if (signal_handler_init(env, &signal_resource, resource_request) ||
	    signal_handler_init(env, &signal_timeout, destruct_children)) {
		error("no signal handlers");
		return;
	}
	env_resource_avail_sigh(env, signal_resource.cap);
	log("--- bomb started ---");
	if (master) {
		if (timer_connect(env, &timer)) {
			error("no Timer session");
			return;
		}
		have_timer = true;
		timer_sigh(&timer, signal_timeout.cap);
		log("rounds=%u generations=%u children=%u sleep=%lu demand=%luK", rounds,
		    generation, children, sleeptime, ram_demand / 1024);
	}
	construct_children();
}
