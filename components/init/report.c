/*
 * init's state report. With <report child_ram="yes" child_caps="yes"
 * requested="yes"/> in its config, init writes its children's state (and
 * the sessions they requested, with the server each was routed to) as XML
 * to its LOG session whenever it changes (children started, exited), and
 * all of it whenever the host asks (`sim graph`). The report is one LOG
 * message; core prints every line of it with init's label prefix:
 *
 *   [init] <state>
 *   [init] 	<child name="a" binary="dummy" state="alive" priority="0">
 *   [init] 		<ram assigned="1048576" quota="..." used="..." avail="..."/>
 *   ...
 */
#include "init.h"
#include <base/session_args.h>
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

/* What a report shows (<report child_ram child_caps requested init_ram/>). */
struct report_opts {
	bool ram, caps, requested, init;
};

/*
 * <requested>: the child's sessions as Genode's init reports them, with
 * the server a route chose ("parent", a child's name, or "init" for the
 * config ROM init serves itself).
 */
static void requested_node(struct xml_gen *g, const struct child *c)
{
	if (!c->sessions)
		return;
	xml_gen_open(g, "requested");
	for (const struct child_session *s = c->sessions; s; s = s->next) {
		char label[LABEL_MAX_LEN] = "";
		session_arg_string(s->args, "label", label, sizeof(label));
		xml_gen_open(g, "session");
		xml_gen_attr(g, "service", s->service);
		xml_gen_attr(g, "label", label);
		xml_gen_attr(g, "state",
			     s->state == SESSION_OPEN ? "CAP_HANDED_OUT" : "CREATE_REQUESTED");
		xml_gen_attr(g, "server",
			     s->local	 ? "init"
			     : s->server ? s->server->name
					 : "parent");
		xml_gen_close(g);
	}
	xml_gen_close(g);
}

static void child_node(struct xml_gen *g, const struct child *c, const struct report_opts *o)
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
	if (o->ram)
		account_node(g, "ram", c->ram, live, q.ram_quota, q.ram_used);
	if (o->caps)
		account_node(g, "caps", c->caps, live, q.cap_quota, q.cap_used);
	if (o->requested)
		requested_node(g, c);
	xml_gen_close(g);
}

static void write_report(const struct report_opts *o)
{
	static char buf[16384];
	struct xml_gen g;
	xml_gen_init(&g, buf, sizeof(buf));
	xml_gen_open(&g, "state");
	if (o->init) {
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
		child_node(&g, c, o);
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

void report_state(void)
{
	struct xml_node r;
	if (!xml_first_sub(&init.config, "report", &r))
		return;
	struct report_opts o = {
	    .ram = xml_attr_bool(&r, "child_ram", false),
	    .caps = xml_attr_bool(&r, "child_caps", false),
	    .requested = xml_attr_bool(&r, "requested", false),
	    .init = xml_attr_bool(&r, "init_ram", false) || xml_attr_bool(&r, "init_caps", false),
	};
	write_report(&o);
}

void report_state_for_host(void)
{
	struct report_opts o = {true, true, true, true};
	write_report(&o);
}
