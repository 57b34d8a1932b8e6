/*
 * init's state report. With <report child_ram="yes" child_caps="yes"/> in
 * its config, init writes its children's state as XML to its LOG session
 * whenever it changes (children started, exited). The report is one LOG
 * message; core prints every line of it with init's label prefix:
 *
 *   [init] <state>
 *   [init] 	<child name="a" binary="dummy" state="alive" priority="0">
 *   [init] 		<ram assigned="1048576" quota="..." used="..." avail="..."/>
 *   ...
 */
#include "init.h"
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

/* <ram ...> or <caps ...>: what was assigned and, for a live child, its account. */
static void account_node(struct xml_gen *g, const char *type, unsigned long assigned, bool live,
			 unsigned long quota, unsigned long used)
{
	xml_gen_open(g, type);
	xml_gen_attr_ulong(g, "assigned", assigned);
	if (live) {
		xml_gen_attr_ulong(g, "quota", quota);
		xml_gen_attr_ulong(g, "used", used);
		xml_gen_attr_ulong(g, "avail", quota - used);
	}
	xml_gen_close(g);
}

static void child_node(struct xml_gen *g, const struct child *c, bool ram, bool caps)
{
	xml_gen_open(g, "child");
	xml_gen_attr(g, "name", c->name);
	xml_gen_attr(g, "binary", c->binary);
	static const char *const states[] = {"alive", "exited", "crashed", "restarting"};
	xml_gen_attr(g, "state", states[c->state]);
	if (c->state == CHILD_EXITED)
		xml_gen_attr_long(g, "exit_value", c->exit_value);
	if (c->restarts)
		xml_gen_attr_ulong(g, "restarts", c->restarts);
	xml_gen_attr_long(g, "priority", c->priority);
	struct pd_quota_result q = {0};
	bool live = c->state == CHILD_ALIVE && c->pd && !pd_session_quota(c->pd, 0, &q, 0, 0);
	if (ram)
		account_node(g, "ram", c->ram, live, q.ram_quota, q.ram_used);
	if (caps)
		account_node(g, "caps", c->caps, live, q.cap_quota, q.cap_used);
	xml_gen_close(g);
}

void report_state(void)
{
	struct xml_node r;
	if (!xml_first_sub(&init.config, "report", &r))
		return;
	bool ram = xml_attr_bool(&r, "child_ram", false),
	     caps = xml_attr_bool(&r, "child_caps", false);
	static char buf[16384];
	struct xml_gen g;
	xml_gen_init(&g, buf, sizeof(buf));
	xml_gen_open(&g, "state");
	if (xml_attr_bool(&r, "init_ram", false) || xml_attr_bool(&r, "init_caps", false)) {
		struct pd_quota_result q = {0};
		pd_session_quota(init.env->pd, 0, &q, 0, 0);
		xml_gen_open(&g, "init");
		xml_gen_attr_ulong(&g, "ram_quota", q.ram_quota);
		xml_gen_attr_ulong(&g, "ram_used", q.ram_used);
		xml_gen_attr_ulong(&g, "cap_quota", q.cap_quota);
		xml_gen_attr_ulong(&g, "cap_used", q.cap_used);
		xml_gen_close(&g);
	}
	for (const struct child *c = init.children; c; c = c->next)
		child_node(&g, c, ram, caps);
	xml_gen_close(&g);
	if (!xml_gen_done(&g)) {
		warning("state report does not fit its buffer");
		return;
	}
	/* one LOG message per line keeps each line within the LOG's limit */
	char *line = buf;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		log_write(line);
		line = nl ? nl + 1 : 0;
	}
}
