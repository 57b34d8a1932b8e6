/* init: read the config ROM and start every <start> node. */
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
	return true;
}

void component_construct(struct env *env)
{
	init.env = env;
	if (!read_config(env))
		return;
	struct xml_node start;
	for (bool ok = xml_first_sub(&init.config, "start", &start); ok;
	     ok = xml_next_sub(&init.config, "start", &start)) {
		struct xml_node copy = start;
		child_start(&copy);
	}
}
