/* init: read and check the config, start every <start> node, report. */
#include "init.h"
#include <base/string.h>
#include <component/connection.h>
#include <component/log.h>

struct init init;

static bool read_config(struct env *env)
{
	static struct rom_connection rom;
	int err = rom_connect(env, "config", &rom);
	if (err) {
		error("no config ROM: %s", rpc_error_name(err));
		return false;
	}
	init.config_text = rom.text;
	init.config_size = rom.size;
	struct xml_error e;
	if (!xml_parse(init.config_text, init.config_size, &init.config, &e)) {
		error("config is malformed: line %u, column %u: %s", e.line, e.column, e.message);
		return false;
	}
	if (!xml_has_type(&init.config, "config")) {
		error("config: the root node must be <config>");
		return false;
	}
	config_validate(&init.config);
	return true;
}

/* <config verbose prio_levels> and <resource name="RAM" preserve>. */
static void read_settings(void)
{
	init.verbose = xml_attr_bool(&init.config, "verbose", false);
	unsigned long levels = 1;
	xml_attr_ulong(&init.config, "prio_levels", &levels);
	if (!levels || levels & (levels - 1) || levels > 0x10000) {
		warning("config: prio_levels %lu is not a power of two up to 65536, using 1",
			levels);
		levels = 1;
	}
	init.prio_levels = levels;
	init.prio_shift = (unsigned long)__builtin_ctzl(levels);
	struct xml_node res;
	for (bool ok = xml_first_sub(&init.config, "resource", &res); ok;
	     ok = xml_next_sub(&init.config, "resource", &res))
		if (xml_attr_equals(&res, "name", "RAM"))
			xml_attr_ulong(&res, "preserve", &init.preserve);
}

static bool unique_name(const struct xml_node *start)
{
	char name[NAME_MAX_LEN];
	if (!xml_attr_string(start, "name", name, sizeof(name)) || !child_by_name(name))
		return true;
	unsigned line, col;
	xml_position(start, start->base, &line, &col);
	error("config: a second <start name=\"%s\"> at line %u, column %u is ignored", name, line,
	      col);
	return false;
}

static void retry_pending(struct signal_handler *h, unsigned long count)
{
	(void)h, (void)count;
	sessions_retry_pending();
	reexports_update();
}

void component_construct(struct env *env)
{
	init.env = env;
	if (signal_handler_init(env, &init.retry, retry_pending))
		warning("no signal context: requests waiting for a server stay waiting");
	if (!read_config(env))
		return;
	read_settings();
	struct xml_node start;
	for (bool ok = xml_first_sub(&init.config, "start", &start); ok;
	     ok = xml_next_sub(&init.config, "start", &start)) {
		struct xml_node copy = start;
		if (unique_name(&copy))
			child_start(&copy);
	}
	report_state();
}
