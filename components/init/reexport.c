/*
 * Services init offers to its own parent: a top-level <service name=...>
 * node re-exports a service of one of init's children. A session request
 * from the parent is matched against the <policy> nodes (the best match
 * by Genode's scoring of label, label_prefix and label_suffix), else the
 * <default-policy>; its <child name=.../> names the server, whose label
 * attribute, if present, replaces the label the server sees. init
 * announces such a service once the child it routes to has announced it,
 * and passes requests on asynchronously: the answer goes back to the
 * parent when the child answered. The donated quota moves on from init to
 * the server, and back when the session is closed.
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
	struct session s;
	seL4_Word id; /* the parent's name of it */
	bool closing;
	struct proxied *next;
};

static struct reexport *reexports;
static struct proxied *proxied;

#define container_of(p, type, member) ((type *)((char *)(p) - __builtin_offsetof(type, member)))

static bool service_node(const char *name, struct xml_node *out)
{
	for (bool ok = xml_first_sub(&init.config, "service", out); ok;
	     ok = xml_next_sub(&init.config, "service", out))
		if (xml_attr_equals(out, "name", name))
			return true;
	return false;
}

/* The <child> target of the policy that matches label best, or false. */
static bool policy_target(const struct xml_node *svc, const char *label, struct xml_node *target)
{
	struct xml_node p, best;
	int best_score = 0;
	for (bool ok = xml_first_sub(svc, "policy", &p); ok; ok = xml_next_sub(svc, "policy", &p)) {
		int score = policy_score(&p, label);
		if (score > best_score)
			best = p, best_score = score;
	}
	if (best_score > 0)
		return xml_first_sub(&best, "child", target);
	return xml_first_sub(svc, "default-policy", &p) && xml_first_sub(&p, "child", target);
}

/* The provided service of the target child, if it serves it. */
static struct provided *child_service(const struct xml_node *target, const char *name)
{
	char server[NAME_MAX_LEN] = "";
	xml_attr_string(target, "name", server, sizeof(server));
	struct init_child *c = child_named(server);
	if (!c || !child_alive(c))
		return 0;
	for (struct provided *p = c->provides; p; p = p->next)
		if (!strcmp(p->service.name, name) && p->announced)
			return p;
	return 0;
}

static struct proxied **find(seL4_Word id)
{
	struct proxied **p = &proxied;
	while (*p && (*p)->id != id)
		p = &(*p)->next;
	return p;
}

static void forget(struct proxied *x)
{
	for (struct proxied **p = &proxied; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	free(x);
}

/* The child answered: pass the answer on to our parent. */
static void done(struct session *s)
{
	struct proxied *x = container_of(s, struct proxied, s);
	struct env *env = init.env;
	switch (s->phase) {
	case SESSION_AVAILABLE:
		s->phase = SESSION_CAP_HANDED_OUT;
		root_deliver(env, x->id, s->cap);
		break;
	case SESSION_CAP_HANDED_OUT:
		root_answer(env, x->id, RPC_OK); /* an upgrade is done */
		break;
	case SESSION_CLOSED:
		root_answer(env, x->id, RPC_OK);
		forget(x);
		break;
	default:
		root_answer(env, x->id,
			    s->phase == SESSION_INSUFFICIENT_RAM_QUOTA ? RPC_INSUFFICIENT_RAM_QUOTA
			    : s->phase == SESSION_INSUFFICIENT_CAP_QUOTA
				? RPC_INSUFFICIENT_CAP_QUOTA
				: RPC_DENIED);
		forget(x);
		break;
	}
}

static int create(struct root *r, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)cap;
	struct reexport *re = (struct reexport *)r;
	char label[LABEL_MAX_LEN] = "";
	session_arg_string(args, "label", label, sizeof(label));
	str_sanitize(label);
	struct xml_node svc, target;
	struct provided *p = 0;
	if (service_node(re->name, &svc) && policy_target(&svc, label, &target))
		p = child_service(&target, re->name);
	if (!p) {
		error("no policy routes \"%s\" (label=\"%s\") to a child that provides it",
		      re->name, label);
		return RPC_DENIED;
	}
	struct proxied *x = calloc(1, sizeof(*x));
	if (!x)
		return RPC_OUT_OF_METADATA;
	x->id = id;
	strlcpy(x->s.args, args, sizeof(x->s.args));
	struct route route = {.kind = SERVICE_CHILD, .service = &p->service};
	if (!xml_attr_string(&target, "label", route.label, sizeof(route.label)))
		strlcpy(route.label, label, sizeof(route.label));
	x->next = proxied;
	proxied = x;
	int err = session_request_own(init.env, &x->s, re->name, &route, done);
	if (err) {
		forget(x);
		return err;
	}
	return ROOT_PENDING;
}

static int destroy(struct root *r, seL4_Word id)
{
	(void)r;
	struct proxied *x = *find(id);
	if (!x)
		return RPC_OK;
	session_close_own(&x->s);
	return ROOT_PENDING; /* done() answers */
}

static int upgrade(struct root *r, seL4_Word id, const char *args)
{
	(void)r;
	struct proxied *x = *find(id);
	if (!x)
		return RPC_OK;
	int err = session_upgrade(&x->s, session_arg_ulong(args, "ram_quota", 0),
				  session_arg_ulong(args, "cap_quota", 0), args);
	return err == SESSION_PENDING ? ROOT_PENDING : RPC_OK;
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
