/* init: read and check the config, start every <start> node, report, follow changes. */
#include "init.h"
#include <base/string.h>
#include <component/connection.h>
#include <component/log.h>

struct init init;
static struct rom_connection config_rom, control_rom;

/* Parse the config ROM's current text into a copy of init's; false if it is unusable. */
static bool parse_config(struct xml_node *out, char **copy)
{
	/*
	 * An empty ROM (a report not there yet) is an empty config, silently:
	 * Genode's Attached_rom_dataspace shows it as <empty/>.
	 */
	static const char empty_config[] = "<config/>";
	const char *text = config_rom.text;
	unsigned long size = config_rom.size;
	while (size && (text[size - 1] == 0 || strchr(" \t\r\n", text[size - 1])))
		size--;
	if (!size)
		text = empty_config, size = sizeof(empty_config) - 1;
	*copy = malloc(size + 1);
	if (!*copy) {
		error("no memory for the config");
		return false;
	}
	memcpy(*copy, text, size);
	(*copy)[size] = 0;
	struct xml_error e;
	if (!xml_parse(*copy, size, out, &e)) {
		error("config is malformed: line %u, column %u: %s", e.line, e.column, e.message);
	} else if (!xml_has_type(out, "config")) {
		error("config: the root node must be <config>");
	} else {
		config_validate(out);
		return true;
	}
	free(*copy);
	*copy = 0;
	return false;
}

void read_settings(void)
{
	init.verbose = xml_attr_bool(&init.config, "verbose", false);
	heartbeat_apply_config();
	report_apply_config();
	unsigned long levels = 1;
	xml_attr_ulong(&init.config, "prio_levels", &levels);
	if (!levels || levels & (levels - 1) || levels > 0x10000) {
		warning("config: prio_levels %lu is not a power of two up to 65536, using 1",
			levels);
		levels = 1;
	}
	init.prio_levels = levels;
	init.prio_shift = (unsigned long)__builtin_ctzl(levels);
	/* Genode's init: the grid its children's <affinity> nodes refer to */
	struct xml_node space;
	init.has_affinity_space = xml_first_sub(&init.config, "affinity-space", &space);
	init.affinity_space = (struct genode_affinity_space){1, 1};
	if (init.has_affinity_space) {
		xml_attr_ulong(&space, "width", &init.affinity_space.width);
		xml_attr_ulong(&space, "height", &init.affinity_space.height);
	}
	struct genode_affinity_space *s = &init.affinity_space;
	s->width = s->width ? s->width > 0xffff ? 0xffff : s->width : 1;
	s->height = s->height ? s->height > 0xffff ? 0xffff : s->height : 1;
	/* what init keeps for itself: Genode's defaults, 40 KiB per word of address and 20 caps */
	init.preserve_ram = 40 * sizeof(long) * 1024;
	init.preserve_caps = 20;
	struct xml_node res;
	for (bool ok = xml_first_sub(&init.config, "resource", &res); ok;
	     ok = xml_next_sub(&init.config, "resource", &res)) {
		if (xml_attr_equals(&res, "name", "RAM"))
			xml_attr_ulong(&res, "preserve", &init.preserve_ram);
		if (xml_attr_equals(&res, "name", "CAP"))
			xml_attr_ulong(&res, "preserve", &init.preserve_caps);
	}
}

/* Whether the node still needs a child: not one of a running child, not a second of a name. */
static bool unique_name(const struct xml_node *start)
{
	char name[NAME_MAX_LEN];
	struct init_child *c;
	if (!xml_attr_string(start, "name", name, sizeof(name)) || !(c = child_named(name)))
		return true;
	if (c->start.base == start->base)
		return false; /* the child of this very node */
	unsigned line, col;
	xml_position(start, start->base, &line, &col);
	error("config: a second <start name=\"%s\"> at line %u, column %u is ignored", name, line,
	      col);
	return false;
}

/* Start every <start> node that has no child yet. */
static void start_new_children(void)
{
	struct xml_node start;
	for (bool ok = xml_first_sub(&init.config, "start", &start); ok;
	     ok = xml_next_sub(&init.config, "start", &start)) {
		struct xml_node copy = start;
		if (unique_name(&copy))
			start_child(&copy);
	}
}

/*
 * `sim restart LABEL` from the host reaches the init whose child it names
 * through core's ROM "sim_control": <request id="N" restart="CHILD"/>;
 * `sim graph` reaches every init: <request id="N" state="yes"/>.
 */
static unsigned long requests_done; /* the last request id acted upon */

static void control_request(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
	unsigned long done = requests_done;
	struct xml_node reqs, req;
	if (rom_refresh(init.env, &control_rom) ||
	    !xml_parse(control_rom.text, control_rom.size, &reqs, 0))
		return;
	for (bool ok = xml_first_sub(&reqs, "request", &req); ok;
	     ok = xml_next_sub(&reqs, "request", &req)) {
		unsigned long id = 0;
		char name[NAME_MAX_LEN];
		if (!xml_attr_ulong(&req, "id", &id) || id <= done)
			continue;
		done = requests_done = id;
		if (xml_attr_bool(&req, "state", false)) {
			report_state_for_host();
			continue;
		}
		if (!xml_attr_string(&req, "restart", name, sizeof(name)))
			continue;
		struct init_child *c = child_named(name);
		if (!c) {
			warning("restart requested for \"%s\", which is not a child", name);
			continue;
		}
		log("child \"%s\" restarts on request", name);
		struct xml_node start = c->start;
		remove_child(c);
		start_child(&start);
	}
	report_state();
}

static void config_changed(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
	int err = rom_refresh(init.env, &config_rom);
	if (err) {
		error("cannot read the changed config: %s", rpc_error_name(err));
		return;
	}
	reconfigure();
}

/* The start node of that name in a config, if any. */
static bool find_start(const struct xml_node *config, const char *name, struct xml_node *out)
{
	for (bool ok = xml_first_sub(config, "start", out); ok;
	     ok = xml_next_sub(config, "start", out))
		if (xml_attr_equals(out, "name", name))
			return true;
	return false;
}

/* Whether two nodes (or their absence) have the same text. */
static bool same_sub(const struct xml_node *a, const struct xml_node *b, const char *type)
{
	struct xml_node x, y;
	bool hx = xml_first_sub(a, type, &x), hy = xml_first_sub(b, type, &y);
	if (hx != hy)
		return false;
	if (!hx)
		return true;
	const char *tx, *ty;
	size_t lx, ly;
	xml_text(&x, &tx, &lx);
	xml_text(&y, &ty, &ly);
	return lx == ly && !memcmp(tx, ty, lx);
}

static bool same_attr(const struct xml_node *a, const struct xml_node *b, const char *name)
{
	char x[64] = "", y[64] = "";
	bool hx = xml_attr_string(a, name, x, sizeof(x)),
	     hy = xml_attr_string(b, name, y, sizeof(y));
	return hx == hy && !strcmp(x, y);
}

/*
 * What makes init restart a child: a changed version (as in Genode), route
 * or binary (the routes of its sessions change). Quota, heartbeat and the
 * nested config change in place; a priority takes effect at the next start.
 */
static const char *restart_reason(const struct xml_node *old, const struct xml_node *now)
{
	if (!same_attr(old, now, "version"))
		return "version";
	if (!same_sub(old, now, "route"))
		return "route";
	if (!same_sub(old, now, "binary"))
		return "binary";
	return 0;
}

void reconfigure(void)
{
	struct xml_node config;
	char *copy;
	if (!parse_config(&config, &copy)) {
		error("keeping the config in use");
		return;
	}
	/* children removed from the config or changed so that they restart */
	for (struct init_child *c = init.children, *next; c; c = next) {
		next = c->next;
		struct xml_node start;
		if (!find_start(&config, c->name, &start)) {
			if (init.verbose)
				log("child \"%s\" removed from the config", c->name);
			remove_child(c);
			continue;
		}
		const char *why = restart_reason(&c->start, &start);
		if (why) {
			log("child \"%s\" restarts: its %s changed", c->name, why);
			remove_child(c);
			continue;
		}
		update_child(c, &start);
	}
	char *old = init.config_copy;
	init.config = config;
	init.config_copy = copy;
	init.config_text = copy;
	init.config_size = config_rom.size;
	read_settings();
	own_timer_retry(&init.timer); /* the new config may route to a Timer */
	start_new_children();
	children_retry_sessions();
	reexports_update();
	report_state();
	free(old);
}

static void resource_avail(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
}

void component_construct(struct env *env)
{
	init.env = env;
	if (signal_handler_init(env, &init.config_sigh, config_changed) ||
	    signal_handler_init(env, &init.control, control_request) ||
	    signal_handler_init(env, &init.resource_avail, resource_avail))
		warning("no signal contexts: config changes are not handled");
	/* init does not block for resources (core never grants them), as Genode's */
	env_resource_avail_sigh(env, init.resource_avail.cap);
	init.timer =
	    (struct own_timer){.what = "children restart without delay", .ready = restarts_due};
	restarts_init();
	int err = rom_connect(env, "config", &config_rom);
	if (err) {
		error("no config ROM: %s", rpc_error_name(err));
		return;
	}
	rom_sigh(&config_rom, init.config_sigh.cap);
	/* host requests, where the parent offers them (core does) */
	if (!rom_connect(env, "sim_control", &control_rom)) {
		/* requests from before this init started are not its to act on */
		struct xml_node reqs;
		if (xml_parse(control_rom.text, control_rom.size, &reqs, 0))
			xml_attr_ulong(&reqs, "last", &requests_done);
		rom_sigh(&control_rom, init.control.cap);
	}
	if (!parse_config(&init.config, &init.config_copy))
		return;
	init.config_text = init.config_copy;
	init.config_size = config_rom.size;
	read_settings();
	start_new_children();
	report_state();
}
