/*
 * Checking init's config against the vocabulary init understands: every
 * unknown node or attribute is reported with its position (and then
 * ignored), as are malformed numbers. Nested <config> nodes belong to the
 * child and are not checked here.
 */
#include "init.h"
#include <base/string.h>
#include <component/log.h>

struct schema {
	const char *node;
	const char *attrs;		  /* space-separated */
	const struct schema *const *subs; /* NULL-terminated; NULL: no sub-nodes */
	bool open;			  /* any content (a child's <config>) */
};

#define SUBS(...) ((const struct schema *const[]){__VA_ARGS__, 0})
#define NODE(n, a, s)                                                                              \
	{                                                                                          \
		.node = n, .attrs = a, .subs = s                                                   \
	}

static const struct schema s_parent =
    NODE("parent", "label identity resource prepend_resource diag", 0);
static const struct schema s_child =
    NODE("child", "name label identity resource prepend_resource diag", 0);
static const struct schema s_any_child =
    NODE("any-child", "label identity resource prepend_resource diag", 0);
static const struct schema s_route_service =
    NODE("service", "name label label_prefix label_suffix label_last unscoped_label",
	 SUBS(&s_parent, &s_child, &s_any_child));
static const struct schema s_any_service =
    NODE("any-service", "", SUBS(&s_parent, &s_child, &s_any_child));
static const struct schema s_route = NODE("route", "", SUBS(&s_route_service, &s_any_service));
static const struct schema s_default_route =
    NODE("default-route", "", SUBS(&s_route_service, &s_any_service));
static const struct schema s_pp_service = NODE("service", "name", 0);
static const struct schema s_parent_provides = NODE("parent-provides", "", SUBS(&s_pp_service));
static const struct schema s_default = NODE("default", "caps ram", 0);
static const struct schema s_policy =
    NODE("policy", "label label_prefix label_suffix", SUBS(&s_child));
static const struct schema s_default_policy = NODE("default-policy", "", SUBS(&s_child));
static const struct schema s_service = NODE("service", "name", SUBS(&s_policy, &s_default_policy));
static const struct schema s_binary = NODE("binary", "name", 0);
static const struct schema s_resource = NODE("resource", "name quantum", 0);
static const struct schema s_provided = NODE("service", "name", 0);
static const struct schema s_provides = NODE("provides", "", SUBS(&s_provided));
static const struct schema s_child_config = {.node = "config", .attrs = "", .open = true};
static const struct schema s_start_heartbeat = NODE("heartbeat", "restart_after_skipped", 0);
static const struct schema s_affinity = NODE("affinity", "xpos ypos width height", 0);
static const struct schema s_start =
    NODE("start", "name caps ram priority version restart restart_delay_ms restart_max",
	 SUBS(&s_binary, &s_resource, &s_provides, &s_route, &s_child_config, &s_start_heartbeat,
	      &s_affinity));
static const struct schema s_report = NODE(
    "report",
    "ids requested provided session_args child_ram child_caps init_ram init_caps delay_ms buffer",
    0);
static const struct schema s_init_resource = NODE("resource", "name preserve", 0);
static const struct schema s_heartbeat = NODE("heartbeat", "rate_ms", 0);
static const struct schema s_affinity_space = NODE("affinity-space", "width height", 0);
static const struct schema s_config =
    NODE("config", "verbose prio_levels version",
	 SUBS(&s_parent_provides, &s_default_route, &s_default, &s_service, &s_start, &s_report,
	      &s_init_resource, &s_heartbeat, &s_affinity_space));

static bool listed(const char *list, const char *name, size_t len)
{
	for (const char *p = list; *p;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - p) == len && !strncmp(p, name, len))
			return true;
		p = e;
	}
	return false;
}

static unsigned report(const struct xml_node *n, const char *at, const char *what)
{
	unsigned line, col;
	xml_position(n, at, &line, &col);
	warning("config: %s at line %u, column %u", what, line, col);
	return 1;
}

static unsigned check(const struct xml_node *n, const struct schema *s, int depth)
{
	unsigned problems = 0;
	char type[32], msg[128];
	xml_type(n, type, sizeof(type));
	if (s->open || depth > 16)
		return 0;
	struct xml_attr a;
	for (bool ok = xml_attr_first(n, &a); ok; ok = xml_attr_next(n, &a))
		if (!listed(s->attrs, a.name, a.name_len)) {
			char name[32];
			size_t len = a.name_len < sizeof(name) - 1 ? a.name_len : sizeof(name) - 1;
			memcpy(name, a.name, len);
			name[len] = 0;
			str_sanitize(name);
			snprintf(msg, sizeof(msg), "unknown attribute '%s' of <%s>", name, type);
			problems += report(n, a.pos, msg);
		}
	struct xml_node sub;
	for (bool ok = xml_first_sub(n, 0, &sub); ok; ok = xml_next_sub(n, 0, &sub)) {
		const struct schema *match = 0;
		for (unsigned i = 0; s->subs && s->subs[i] && !match; i++)
			if (xml_has_type(&sub, s->subs[i]->node))
				match = s->subs[i];
		if (match) {
			problems += check(&sub, match, depth + 1);
			continue;
		}
		char subtype[32];
		xml_type(&sub, subtype, sizeof(subtype));
		str_sanitize(subtype);
		snprintf(msg, sizeof(msg), "unknown node <%s> in <%s>", subtype, type);
		problems += report(&sub, sub.base, msg);
	}
	return problems;
}

/* Numbers that must be numbers. */
static unsigned check_numbers(const struct xml_node *config)
{
	static const struct {
		const char *node, *attr;
		bool is_signed;
	} numbers[] = {{"start", "caps", false},    {"start", "ram", false},
		       {"start", "priority", true}, {"default", "caps", false},
		       {"default", "ram", false},   {"config", "prio_levels", false}};
	unsigned problems = 0;
	struct xml_node n;
	char msg[128];
	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		bool top = !strcmp(numbers[i].node, "config");
		bool ok = top ? (n = *config, true) : xml_first_sub(config, numbers[i].node, &n);
		for (; ok; ok = !top && xml_next_sub(config, numbers[i].node, &n)) {
			struct xml_attr a;
			if (xml_check_number(&n, numbers[i].attr, numbers[i].is_signed) !=
				XML_NUMBER_MALFORMED ||
			    !xml_attr(&n, numbers[i].attr, &a))
				continue;
			snprintf(msg, sizeof(msg), "attribute '%s' of <%s> is not a number",
				 numbers[i].attr, numbers[i].node);
			problems += report(&n, a.pos, msg);
		}
	}
	return problems;
}

unsigned config_validate(const struct xml_node *config)
{
	return check(config, &s_config, 0) + check_numbers(config);
}
