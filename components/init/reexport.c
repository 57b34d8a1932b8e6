/*
 * Services init offers to its own parent: a top-level <service name=...>
 * node re-exports a service of one of init's children. A session request
 * from the parent is matched against the <policy> nodes (label,
 * label_prefix, label_suffix, label_last), else the <default-policy>; its
 * <child name=.../> names the server, whose label attribute, if present,
 * replaces the label the server sees. init announces such a service once
 * the child it routes to has announced it. The donated quota moves on from
 * init to the server, and back when the session is closed.
 */
#include "init.h"
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <component/root.h>

struct reexport {
	struct root root;
	char name[GENODE_SERVICE_NAME_MAX];
	struct reexport *next;
};

/* A session init opened at a child on behalf of its parent. */
struct proxied {
	seL4_Word id, server_id;
	struct child *server;
	struct reexport *re;
	unsigned long ram, caps;
	struct proxied *next;
};

static struct reexport *reexports;
static struct proxied *proxied;
static seL4_Word next_id = 1;

static bool service_node(const char *name, struct xml_node *out)
{
	for (bool ok = xml_first_sub(&init.config, "service", out); ok;
	     ok = xml_next_sub(&init.config, "service", out))
		if (xml_attr_equals(out, "name", name))
			return true;
	return false;
}

/* The <child> target of the policy that matches label, or false. */
static bool policy_target(const struct xml_node *svc, const char *label, struct xml_node *target)
{
	struct xml_node p;
	for (bool ok = xml_first_sub(svc, "policy", &p); ok; ok = xml_next_sub(svc, "policy", &p))
		if (label_matches(&p, label))
			return xml_first_sub(&p, "child", target);
	return xml_first_sub(svc, "default-policy", &p) && xml_first_sub(&p, "child", target);
}

static struct service *child_service(const struct xml_node *target, const char *name)
{
	char server[NAME_MAX_LEN] = "";
	xml_attr_string(target, "name", server, sizeof(server));
	struct child *c = child_by_name(server);
	for (struct service *s = init.services; c && s; s = s->next)
		if (s->server == c && !strcmp(s->name, name) && c->state == CHILD_ALIVE)
			return s;
	return 0;
}

static int create(struct root *r, const char *args, seL4_CPtr *cap, seL4_Word *id)
{
	struct reexport *re = (struct reexport *)r;
	char label[LABEL_MAX_LEN] = "", forwarded[GENODE_SESSION_ARGS_MAX];
	session_arg_string(args, "label", label, sizeof(label));
	str_sanitize(label);
	struct xml_node svc, target;
	struct service *s = 0;
	if (service_node(re->name, &svc) && policy_target(&svc, label, &target))
		s = child_service(&target, re->name);
	if (!s) {
		error("no policy routes \"%s\" (label=\"%s\") to a child that provides it",
		      re->name, label);
		return RPC_DENIED;
	}
	struct proxied *p = calloc(1, sizeof(*p));
	if (!p)
		return RPC_OUT_OF_METADATA;
	strlcpy(forwarded, args, sizeof(forwarded));
	char rewritten[LABEL_MAX_LEN];
	if (xml_attr_string(&target, "label", rewritten, sizeof(rewritten)))
		session_arg_set_label(forwarded, sizeof(forwarded), rewritten);
	p->ram = session_arg_ulong(args, "ram_quota", 0);
	p->caps = session_arg_ulong(args, "cap_quota", 0);
	struct pd_transfer_args t = {p->ram, p->caps};
	struct root_session_args a;
	struct root_session_result res = {0};
	strlcpy(a.args, forwarded, sizeof(a.args));
	int err = pd_session_transfer_quota(init.env->pd, &t, 0, s->server->pd, 0);
	if (!err && (err = root_session(s->root, &a, &res, 0, cap)))
		pd_session_transfer_quota(s->server->pd, &t, 0, init.env->pd, 0);
	if (err) {
		free(p);
		return err;
	}
	p->id = next_id++;
	p->server_id = res.id;
	p->server = s->server;
	p->re = re;
	p->next = proxied;
	proxied = p;
	*id = p->id;
	return RPC_OK;
}

static struct proxied **find(seL4_Word id)
{
	struct proxied **p = &proxied;
	while (*p && (*p)->id != id)
		p = &(*p)->next;
	return p;
}

static struct service *server_service(const struct proxied *p)
{
	for (struct service *s = init.services; s; s = s->next)
		if (s->server == p->server && !strcmp(s->name, p->re->name))
			return s;
	return 0;
}

static void destroy(struct root *r, seL4_Word id)
{
	(void)r;
	struct proxied **pp = find(id), *p = *pp;
	if (!p)
		return;
	*pp = p->next;
	struct service *s = server_service(p);
	struct root_close_args a = {p->server_id};
	if (s) {
		root_close(s->root, &a, 0, 0, 0);
		struct pd_transfer_args t = {p->ram, p->caps};
		pd_session_transfer_quota(p->server->pd, &t, 0, init.env->pd, 0);
	}
	free(p);
}

static int upgrade(struct root *r, seL4_Word id, const char *args)
{
	(void)r;
	struct proxied *p = *find(id);
	struct service *s = p ? server_service(p) : 0;
	if (!s)
		return RPC_UNAVAILABLE;
	struct pd_transfer_args t = {session_arg_ulong(args, "ram_quota", 0),
				     session_arg_ulong(args, "cap_quota", 0)};
	struct root_upgrade_args a = {.id = p->server_id};
	strlcpy(a.args, args, sizeof(a.args));
	int err = pd_session_transfer_quota(init.env->pd, &t, 0, p->server->pd, 0);
	if (!err && (err = root_upgrade(s->root, &a, 0, 0, 0)))
		pd_session_transfer_quota(p->server->pd, &t, 0, init.env->pd, 0);
	if (!err)
		p->ram += t.ram, p->caps += t.caps;
	return err;
}

void reexports_update(void)
{
	struct xml_node svc;
	for (bool ok = xml_first_sub(&init.config, "service", &svc); ok;
	     ok = xml_next_sub(&init.config, "service", &svc)) {
		char name[GENODE_SERVICE_NAME_MAX];
		if (!xml_attr_string(&svc, "name", name, sizeof(name)))
			continue;
		bool done = false;
		for (struct reexport *r = reexports; r; r = r->next)
			done = done || !strcmp(r->name, name);
		/* announce once a child it routes to serves it */
		struct xml_node p, target;
		bool ready = false;
		for (bool more = xml_first_sub(&svc, 0, &p); more && !ready;
		     more = xml_next_sub(&svc, 0, &p))
			ready = xml_first_sub(&p, "child", &target) && child_service(&target, name);
		if (done || !ready)
			continue;
		struct reexport *r = calloc(1, sizeof(*r));
		if (!r)
			return;
		strlcpy(r->name, name, sizeof(r->name));
		r->root.create = create;
		r->root.destroy = destroy;
		r->root.upgrade = upgrade;
		int err = root_announce(init.env, name, &r->root);
		if (err) {
			error("cannot announce \"%s\" to the parent: %s", name,
			      rpc_error_name(err));
			free(r);
			continue;
		}
		if (init.verbose)
			log("announces service \"%s\" to the parent", name);
		r->next = reexports;
		reexports = r;
	}
}

void reexports_forget(struct child *c)
{
	/* sessions at a server that is gone: nothing to close there any more */
	for (struct proxied **pp = &proxied; *pp;) {
		struct proxied *p = *pp;
		if (p->server != c) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		free(p);
	}
}
