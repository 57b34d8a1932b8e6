/*
 * Session routing, as Genode's init: a child's request is matched against
 * the rules of its <route> (or the <default-route>); the first matching
 * rule's targets are tried in order: <parent/> if the service is among the
 * <parent-provides>, <child name=.../> if that child provides it,
 * <any-child/> if exactly one child does. A <service> rule whose targets
 * all fail denies the request; an <any-service> rule lets the next rule
 * try. A request for the "config" ROM of a child with an inline <config>
 * is served by init itself. The server sees the label the target makes.
 *
 * Label attributes of a rule, as Genode defines them: label, label_prefix
 * and label_suffix match the label the child gave (without its own name),
 * label_last the label's last element, unscoped_label the whole label
 * including the child's name. A rule with an attribute init does not know
 * matches nothing: an unknown attribute never widens a rule.
 */
#include "init.h"
#include <base/string.h>
#include <component/log.h>

const char *label_last(const char *label)
{
	const char *last = label, *p;
	while ((p = strstr(last, " -> ")))
		last = p + 4;
	return last;
}

/* The label without "child -> ", or NULL if it is not the child's. */
static const char *scoped(const char *label, const char *child)
{
	size_t n = strlen(child);
	if (strncmp(label, child, n) || strncmp(label + n, " -> ", 4))
		return 0;
	return label + n + 4;
}

static bool known_attrs(const struct xml_node *n, const char *const *known)
{
	struct xml_attr a;
	for (bool ok = xml_attr_first(n, &a); ok; ok = xml_attr_next(n, &a)) {
		bool found = false;
		for (unsigned i = 0; known[i] && !found; i++)
			found = strlen(known[i]) == a.name_len &&
				!strncmp(known[i], a.name, a.name_len);
		if (!found)
			return false;
	}
	return true;
}

/* An attribute's value with blanks around it trimmed, as Genode trims them. */
static bool trimmed_attr(const struct xml_node *n, const char *name, char *out, size_t size)
{
	if (!xml_attr_string(n, name, out, size))
		return false;
	char *s = out;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	memmove(out, s, len);
	out[len] = 0;
	return true;
}

/*
 * Genode's Node_label_score for label, label_prefix and label_suffix:
 * -1 on a conflict, 0 when none is present, else a score that grows with
 * the strength of the match (label before prefix before suffix, longer
 * before shorter).
 */
int policy_score(const struct xml_node *policy, const char *label)
{
	char v[LABEL_MAX_LEN];
	size_t len = strlen(label);
	int score = 0;
	if (trimmed_attr(policy, "label", v, sizeof(v))) {
		if (strcmp(v, label))
			return -1;
		score += 1 << 20;
	}
	if (trimmed_attr(policy, "label_prefix", v, sizeof(v))) {
		if (strncmp(label, v, strlen(v)))
			return -1;
		score += (int)(strlen(v) + 1) << 10;
	}
	if (trimmed_attr(policy, "label_suffix", v, sizeof(v))) {
		size_t n = strlen(v);
		if (n > len || strcmp(label + len - n, v))
			return -1;
		score += (int)n + 1;
	}
	return score;
}

/* Whether a rule (<service> or <any-service>) matches the request. */
static bool rule_matches(const struct xml_node *rule, const char *service, const char *label,
			 const char *child)
{
	static const char *const known[] = {
	    "name", "label", "label_prefix", "label_suffix", "label_last", "unscoped_label", 0};
	if (!xml_has_type(rule, "any-service") &&
	    !(xml_has_type(rule, "service") && xml_attr_equals(rule, "name", service)))
		return false;
	if (!known_attrs(rule, known))
		return false;
	char v[LABEL_MAX_LEN];
	if (xml_attr_string(rule, "unscoped_label", v, sizeof(v)))
		return !strcmp(v, label);
	if (xml_attr_string(rule, "label_last", v, sizeof(v)))
		return !strcmp(v, label_last(label));
	bool scoped_attrs = xml_attr_string(rule, "label", v, sizeof(v)) ||
			    xml_attr_string(rule, "label_prefix", v, sizeof(v)) ||
			    xml_attr_string(rule, "label_suffix", v, sizeof(v));
	if (!scoped_attrs)
		return true;
	const char *s = child ? scoped(label, child) : label;
	return s && policy_score(rule, s) >= 0;
}

/* An attribute's value into out, leaving out as it is if the attribute is absent. */
static void opt_attr(const struct xml_node *n, const char *name, char *out, size_t size)
{
	struct xml_attr a;
	if (xml_attr(n, name, &a))
		xml_attr_string(n, name, out, size);
}

/*
 * The label a target presents to the server: its label attribute, or
 * identity -> prepend_resource resource (by default the request's own).
 */
static void target_label(const struct xml_node *t, const char *label, char *out, size_t size)
{
	char identity[LABEL_MAX_LEN], resource[LABEL_MAX_LEN], prepend[LABEL_MAX_LEN] = "";
	if (xml_attr_string(t, "label", out, size))
		return;
	const char *last = label_last(label);
	size_t plen = last > label ? (size_t)(last - label) - 4 : 0;
	if (plen >= sizeof(identity))
		plen = sizeof(identity) - 1;
	memcpy(identity, label, plen);
	identity[plen] = 0;
	opt_attr(t, "identity", identity, sizeof(identity));
	strlcpy(resource, last, sizeof(resource));
	opt_attr(t, "resource", resource, sizeof(resource));
	opt_attr(t, "prepend_resource", prepend, sizeof(prepend));
	if (identity[0])
		snprintf(out, size, "%s -> %s%s", identity, prepend, resource);
	else
		snprintf(out, size, "%s%s", prepend, resource);
}

static bool lists_service(const struct xml_node *n, const char *type, const char *service)
{
	struct xml_node list, s;
	if (!xml_first_sub(n, type, &list))
		return false;
	for (bool ok = xml_first_sub(&list, "service", &s); ok;
	     ok = xml_next_sub(&list, "service", &s))
		if (xml_attr_equals(&s, "name", service))
			return true;
	return false;
}

static struct provided *provided_by(struct init_child *c, const char *service)
{
	for (struct provided *p = c->provides; p; p = p->next)
		if (!strcmp(p->service.name, service))
			return p;
	return 0;
}

/* The target child's service: a route, a wait while it restarts, or nothing. */
static bool at_child(struct init_child *server, const char *service, struct route *r)
{
	struct provided *p = server ? provided_by(server, service) : 0;
	if (!p)
		return false;
	if (server->state == CHILD_RESTARTING) {
		r->wait = true;
		r->service = &p->service;
		return true;
	}
	if (!child_alive(server))
		return false;
	r->kind = SERVICE_CHILD;
	r->service = &p->service;
	return true;
}

/* Try the targets of one matching rule. */
static bool try_targets(const struct xml_node *rule, struct init_child *client, const char *service,
			const char *label, struct route *r)
{
	struct xml_node t;
	for (bool ok = xml_first_sub(rule, 0, &t); ok; ok = xml_next_sub(rule, 0, &t)) {
		target_label(&t, label, r->label, sizeof(r->label));
		if (xml_has_type(&t, "parent")) {
			if (lists_service(&init.config, "parent-provides", service)) {
				r->kind = SERVICE_PARENT;
				return true;
			}
		} else if (xml_has_type(&t, "child")) {
			char name[NAME_MAX_LEN] = "";
			xml_attr_string(&t, "name", name, sizeof(name));
			if (at_child(child_named(name), service, r))
				return true;
		} else if (xml_has_type(&t, "any-child")) {
			struct init_child *found = 0;
			unsigned n = 0;
			for (struct init_child *c = init.children; c; c = c->next)
				if (c != client && provided_by(c, service))
					found = c, n++;
			if (n > 1) {
				error("%s: ambiguous routes to service \"%s\"",
				      client ? client->name : "init", service);
				return false;
			}
			if (n && at_child(found, service, r))
				return true;
		}
	}
	return false;
}

static bool route_by(const struct xml_node *routes, struct init_child *client, const char *service,
		     const char *label, struct route *r)
{
	struct xml_node rule;
	for (bool ok = xml_first_sub(routes, 0, &rule); ok; ok = xml_next_sub(routes, 0, &rule)) {
		if (!rule_matches(&rule, service, label, client ? client->name : 0))
			continue;
		if (try_targets(&rule, client, service, label, r))
			return true;
		if (xml_has_type(&rule, "service"))
			break; /* a specific rule whose targets fail denies */
	}
	return false;
}

bool init_route(struct child *child, const char *service, const char *label, struct route *r)
{
	struct init_child *c = init_child_of(child);
	/* the child's inline <config> is its "config" ROM */
	if (!strcmp(service, "ROM") && !strcmp(label_last(label), "config") && c->has_config) {
		r->kind = SERVICE_LOCAL;
		r->service = &c->config.service;
		return true;
	}
	struct xml_node routes;
	/* a start node's <route> replaces the <default-route>, as in Genode's init */
	if ((xml_first_sub(&c->start, "route", &routes) ||
	     xml_first_sub(&init.config, "default-route", &routes)) &&
	    route_by(&routes, c, service, label, r))
		return true;
	warning("%s: no route to service \"%s\" (label=\"%s\")", c->name, service, label);
	return false;
}

bool init_route_own(const char *service, const char *label, struct route *r)
{
	struct xml_node routes;
	strlcpy(r->label, label, sizeof(r->label));
	return xml_first_sub(&init.config, "default-route", &routes) &&
	       route_by(&routes, 0, service, label, r);
}

/* --- services of children --------------------------------------------------- */

void provided_create(struct init_child *c)
{
	struct xml_node list, s;
	if (!xml_first_sub(&c->start, "provides", &list))
		return;
	for (bool ok = xml_first_sub(&list, "service", &s); ok;
	     ok = xml_next_sub(&list, "service", &s)) {
		char name[GENODE_SERVICE_NAME_MAX];
		if (!xml_attr_string(&s, "name", name, sizeof(name)) || provided_by(c, name))
			continue;
		struct provided *p = calloc(1, sizeof(*p));
		if (!p)
			return;
		strlcpy(p->service.name, name, sizeof(p->service.name));
		p->service.kind = SERVICE_CHILD;
		p->service.server = &c->child;
		p->server = c;
		p->next = c->provides;
		c->provides = p;
	}
}

void provided_destroy(struct init_child *c)
{
	while (c->provides) {
		struct provided *p = c->provides;
		c->provides = p->next;
		free(p);
	}
}

int init_announce(struct child *child, const char *service)
{
	struct init_child *c = init_child_of(child);
	struct provided *p = provided_by(c, service);
	if (!p) {
		error("%s: illegal announcement of service \"%s\"", c->name, service);
		return RPC_DENIED;
	}
	p->announced = true;
	if (init.verbose)
		log("child \"%s\" announces service \"%s\"", c->name, service);
	reexports_update();
	return RPC_OK;
}
