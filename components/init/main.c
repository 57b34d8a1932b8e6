/* init: read the config ROM and start every <start> node. */
#include "init.h"
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

struct init init;

static bool read_config(struct env *env)
{
	seL4_CPtr rom;
	int err = env_session(env, "ROM", "label=\"config\", ram_quota=4096, cap_quota=2", &rom, 0);
	if (err) {
		error("no config ROM: %s", rpc_error_name(err));
		return false;
	}
	struct rom_dataspace_result r = {0};
	if (rom_session_dataspace(rom, 0, &r, 0, &init.config_ds) ||
	    env_attach(env, init.config_ds, 0, 0, false, (void **)&init.config_text)) {
		error("cannot map the config ROM");
		return false;
	}
	init.config_size = r.size;
	/* the ROM may be padded with zeros up to a page */
	while (init.config_size && !init.config_text[init.config_size - 1])
		init.config_size--;
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
