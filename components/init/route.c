/*
 * Session routing: a child's request is matched against its <route> (or
 * the <default-route>); the first matching rule's targets are tried in
 * order: <parent/> if the service is among <parent-provides>, <child
 * name=.../> if that child announced the service (or will: it lists it in
 * <provides>, and the request waits), <any-child/> for the first child
 * that announced it. A target's label attribute replaces the label the
 * server sees.
 */
#include "init.h"
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

void child_label(const struct child *c, const char *label, char *out, size_t size)
{
	if (label[0])
		snprintf(out, size, "%s -> %s", c->name, label);
	else
		strlcpy(out, c->name, size);
}

/* Genode's label filters of a <service>, <policy> node. */
bool label_matches(const struct xml_node *n, const char *label)
{
	char v[LABEL_MAX_LEN];
	size_t len = strlen(label);
	if (xml_attr_string(n, "label", v, sizeof(v)) && strcmp(v, label))
		return false;
	if (xml_attr_string(n, "label_prefix", v, sizeof(v)) && strncmp(label, v, strlen(v)))
		return false;
	if (xml_attr_string(n, "label_suffix", v, sizeof(v)) &&
	    (strlen(v) > len || strcmp(label + len - strlen(v), v)))
		return false;
	if (xml_attr_string(n, "label_last", v, sizeof(v))) {
		const char *last = label, *p;
		while ((p = strstr(last, " -> ")))
			last = p + 4;
		if (strcmp(last, v))
			return false;
	}
	return true;
}

/* Whether the node (<parent-provides>, <provides>) of that type under n lists the service. */
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

static bool parent_provides(const char *service)
{
	return lists_service(&init.config, "parent-provides", service);
}

static struct service *announced(const struct child *server, const char *name)
{
	for (struct service *s = init.services; s; s = s->next)
		if (!strcmp(s->name, name) && (!server || s->server == server))
			return s;
	return 0;
}

static bool declares(const struct child *c, const char *service)
{
	return lists_service(&c->start, "provides", service);
}

/* The label the target sees: the client's, unless the target node rewrites it. */
static void target_label(const struct xml_node *t, const struct child *client, const char *label,
			 char *out, size_t size)
{
	char rewritten[LABEL_MAX_LEN];
	if (xml_attr_string(t, "label", rewritten, sizeof(rewritten)))
		strlcpy(out, rewritten, size);
	else if (client)
		child_label(client, label, out, size);
	else
		strlcpy(out, label, size); /* init's own session */
}

/* Try the targets of one matching rule. */
static bool try_targets(const struct xml_node *rule, struct child *client, const char *service,
			const char *label, struct route *r)
{
	struct xml_node t;
	for (bool ok = xml_first_sub(rule, 0, &t); ok; ok = xml_next_sub(rule, 0, &t)) {
		target_label(&t, client, label, r->label, sizeof(r->label));
		if (xml_has_type(&t, "parent")) {
			if (parent_provides(service)) {
				r->kind = ROUTE_PARENT;
				return true;
			}
			snprintf(r->reason, sizeof(r->reason),
				 "service \"%s\" is not among the <parent-provides>", service);
		} else if (xml_has_type(&t, "child")) {
			char name[NAME_MAX_LEN] = "";
			xml_attr_string(&t, "name", name, sizeof(name));
			struct child *server = child_by_name(name);
			struct service *s = server ? announced(server, service) : 0;
			if (s && server->state == CHILD_ALIVE) {
				r->kind = ROUTE_CHILD;
				r->server = server;
				r->service = s;
				return true;
			}
			/* it will announce it: it is starting, or restarting after a failure */
			if (server &&
			    (server->state == CHILD_ALIVE || server->state == CHILD_RESTARTING) &&
			    declares(server, service)) {
				r->kind = ROUTE_PENDING;
				r->server = server;
				return true;
			}
			snprintf(r->reason, sizeof(r->reason),
				 "child \"%s\" does not provide \"%s\"", name, service);
		} else if (xml_has_type(&t, "any-child")) {
			struct service *s = announced(0, service);
			if (s && s->server != client && s->server->state == CHILD_ALIVE) {
				r->kind = ROUTE_CHILD;
				r->server = s->server;
				r->service = s;
				return true;
			}
			/* a child that lists it in <provides> will announce it */
			for (struct child *c = init.children; c; c = c->next)
				if (c != client && c->state == CHILD_ALIVE &&
				    declares(c, service)) {
					r->kind = ROUTE_PENDING;
					r->server = c;
					return true;
				}
			snprintf(r->reason, sizeof(r->reason), "no child provides \"%s\"", service);
		}
	}
	return false;
}

void route_session(struct child *c, const char *service, const char *label, struct route *r)
{
	*r = (struct route){.kind = ROUTE_NONE};
	snprintf(r->reason, sizeof(r->reason), "no route to service \"%s\" (label=\"%s\")", service,
		 label);
	struct xml_node routes, rule;
	/* a start node's <route> replaces the <default-route>, as in Genode's init */
	if ((!c || !xml_first_sub(&c->start, "route", &routes)) &&
	    !xml_first_sub(&init.config, "default-route", &routes))
		return;
	for (bool ok = xml_first_sub(&routes, 0, &rule); ok; ok = xml_next_sub(&routes, 0, &rule)) {
		bool match =
		    xml_has_type(&rule, "any-service") ||
		    (xml_has_type(&rule, "service") && xml_attr_equals(&rule, "name", service) &&
		     label_matches(&rule, label));
		if (match)
			return (void)try_targets(&rule, c, service, label, r);
	}
}

/* --- services announced by children --------------------------------------- */

int service_announce(struct child *c, const char *name, seL4_CPtr root)
{
	if (!declares(c, name)) {
		warning("%s: announces \"%s\", which its <provides> does not list", c->name, name);
		return RPC_DENIED;
	}
	struct service *s = announced(c, name);
	if (!s && !(s = calloc(1, sizeof(*s))))
		return RPC_OUT_OF_METADATA;
	if (s->root)
		rpc_cap_release(s->root);
	else {
		strlcpy(s->name, name, sizeof(s->name));
		s->server = c;
		s->next = init.services;
		init.services = s;
	}
	s->root = root;
	if (init.verbose)
		log("child \"%s\" announces service \"%s\"", c->name, name);
	/*
	 * The announcing server waits for this call to return; it serves its
	 * root only then. Waiting requests are retried from a signal to ourselves.
	 */
	signal_submit(init.retry.cap, 1);
	return RPC_OK;
}

void services_forget(struct child *c)
{
	for (struct service **p = &init.services; *p;) {
		struct service *s = *p;
		if (s->server != c) {
			p = &s->next;
			continue;
		}
		*p = s->next;
		rpc_cap_release(s->root);
		free(s);
	}
}

/* --- opening and closing routed sessions ---------------------------------- */

int session_open(struct child_session *s, const struct route *r)
{
	struct env *env = init.env;
	struct child *c = s->child;
	session_arg_set_label(s->args, sizeof(s->args), r->label);
	/* the donation moves from the client to whoever serves the session */
	seL4_CPtr payee = r->kind == ROUTE_CHILD ? r->server->pd : env->pd;
	struct pd_transfer_args t = {s->ram, s->caps};
	int err = pd_session_transfer_quota(c->pd, &t, 0, payee, 0);
	if (err)
		return err;
	if (r->kind == ROUTE_PARENT) {
		err = env_session(env, s->service, s->args, &s->cap, &s->parent_id);
	} else {
		struct root_session_args a;
		struct root_session_result res = {0};
		strlcpy(a.args, s->args, sizeof(a.args));
		err = root_session(r->service->root, &a, &res, 0, &s->cap);
		s->server = r->server;
		s->server_id = res.id;
	}
	if (err) {
		pd_session_transfer_quota(payee, &t, 0, c->pd, 0);
		s->server = 0;
		return err;
	}
	s->state = SESSION_OPEN;
	return RPC_OK;
}

void session_close(struct child_session *s)
{
	struct env *env = init.env;
	if (init.verbose && s->state == SESSION_OPEN)
		log("%s: closing its \"%s\" session%s%s", s->child->name, s->service,
		    s->server	   ? " at "
		    : s->parent_id ? " at the parent"
				   : "",
		    s->server ? s->server->name : "");
	struct pd_transfer_args t = {s->ram, s->caps};
	if (s->state == SESSION_PENDING) {
		rpc_reply_deferred(s->reply, RPC_UNAVAILABLE, 0);
		s->reply = 0;
		return;
	}
	if (s->local) {
		ep_dissolve(env, &s->rom);
		rpc_cap_release(s->sigh);
		return;
	}
	if (s->parent_id) {
		env_close(env, s->parent_id, s->cap);
		/* the parent refunded init; init refunds the client */
		if (s->child->pd)
			pd_session_transfer_quota(env->pd, &t, 0, s->child->pd, 0);
		return;
	}
	struct service *svc = 0;
	for (struct service *v = init.services; v; v = v->next)
		if (v->server == s->server && !strcmp(v->name, s->service))
			svc = v;
	struct root_close_args a = {s->server_id};
	if (svc)
		root_close(svc->root, &a, 0, 0, 0);
	rpc_cap_release(s->cap);
	/*
	 * A server that died gave everything back to init when its PD was
	 * closed, this donation included: init refunds the client.
	 */
	seL4_CPtr from = s->server ? s->server->pd : env->pd;
	if (from && s->child->pd && pd_session_transfer_quota(from, &t, 0, s->child->pd, 0))
		warning("%s: cannot refund %lu bytes of a closed \"%s\" session", s->child->name,
			s->ram, s->service);
}

void sessions_retry_pending(void)
{
	for (struct child *c = init.children; c; c = c->next)
		for (struct child_session **p = &c->sessions; *p;) {
			struct child_session *s = *p;
			if (s->state != SESSION_PENDING) {
				p = &s->next;
				continue;
			}
			char label[LABEL_MAX_LEN] = "";
			session_arg_string(s->args, "label", label, sizeof(label));
			struct route r;
			route_session(c, s->service, label, &r);
			if (r.kind == ROUTE_PENDING) {
				p = &s->next;
				continue;
			}
			int err = r.kind == ROUTE_NONE ? RPC_DENIED : session_open(s, &r);
			rpc_reply_deferred(s->reply, err, err ? 0 : s->cap);
			s->reply = 0;
			if (!err) {
				p = &s->next;
				continue;
			}
			/* the client learnt the error; there is nothing to close */
			*p = s->next;
			free(s);
		}
}
