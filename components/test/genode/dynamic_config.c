/*
 * test-dynamic_config: the client of Genode's dynamic_config test, written
 * for this framework from the test's documented behaviour (repos/os/src/
 * test/dynamic_config). It reads its config ROM and every update of it
 * and logs "obtained counter value N from config" for the content of its
 * <counter> node ("Error: could not parse configuration" without one).
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>

static struct env *env;
static struct rom_connection config;
static struct signal_handler config_handler;

static void handle_config(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	rom_refresh(env, &config);
	struct xml_node node, counter;
	if (!xml_parse(config.text, config.size, &node, 0) ||
	    !xml_first_sub(&node, "counter", &counter)) {
		error("could not parse configuration");
		return;
	}
	const char *text;
	size_t len;
	xml_content(&counter, &text, &len);
	/* each line of it */
	while (len) {
		size_t line = 0;
		while (line < len && text[line] != '\n')
			line++;
		char value[64];
		strlcpy(value, text, line + 1 < sizeof(value) ? line + 1 : sizeof(value));
		log("obtained counter value %s from config", value);
		text += line + (line < len), len -= line + (line < len);
	}
}

void component_construct(struct env *e)
{
	env = e;
	if (rom_connect(env, "config", &config) ||
	    signal_handler_init(env, &config_handler, handle_config)) {
		error("no config ROM");
		env_exit(env, 1);
	}
	handle_config(0, 0);
	rom_sigh(&config, config_handler.cap);
}
