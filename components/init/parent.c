/*
 * The parent interface init serves to each child: environment sessions,
 * session requests routed by the config (to init's own parent, with the
 * child's name prepended to the label and the donated quota taken from the
 * child's PD), the child's "config" ROM, and exit.
 */
#include "init.h"
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

RPC_SERVER(parent_interface, PARENT_RPC);
RPC_SERVER(rom_session_interface, ROM_SESSION_RPC);

static bool provided_by_parent(const char *service)
{
	struct xml_node pp, s;
	if (!xml_first_sub(&init.config, "parent-provides", &pp))
		return false;
	for (bool ok = xml_first_sub(&pp, "service", &s); ok; ok = xml_next_sub(&pp, "service", &s))
		if (xml_attr_equals(&s, "name", service))
			return true;
	return false;
}

/* The target of the first matching rule of a <route> node, or false. */
static bool match_route(const struct xml_node *route, const char *service, struct xml_node *target)
{
	struct xml_node rule;
	for (bool ok = xml_first_sub(route, 0, &rule); ok; ok = xml_next_sub(route, 0, &rule)) {
		bool any = xml_has_type(&rule, "any-service");
		if (!any &&
		    !(xml_has_type(&rule, "service") && xml_attr_equals(&rule, "name", service)))
			continue;
		return xml_first_sub(&rule, 0, target);
	}
	return false;
}

/* A start node's <route> replaces the <default-route>, as in Genode's init. */
static bool route(struct child *c, const char *service, struct xml_node *target)
{
	struct xml_node r;
	if (xml_first_sub(&c->start, "route", &r))
		return match_route(&r, service, target);
	return xml_first_sub(&init.config, "default-route", &r) && match_route(&r, service, target);
}

static struct child_session **find(struct child *c, seL4_Word id)
{
	struct child_session **p = &c->sessions;
	while (*p && (*p)->id != id)
		p = &(*p)->next;
	return p;
}

static int local_config_rom(struct child *c, struct child_session *s, seL4_CPtr *cap_out)
{
	int err = ep_manage(init.env, &s->local, &rom_session_interface, s);
	if (err)
		return err;
	s->cap = s->local.cap;
	*cap_out = s->cap;
	return RPC_OK;
	(void)c;
}

int serve_parent_session(void *obj, const struct parent_session_args *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct child *c = obj;
	struct env *env = init.env;
	char service[GENODE_SERVICE_NAME_MAX], args[GENODE_SESSION_ARGS_MAX], label[160],
	    chain[200];
	strlcpy(service, in->service, sizeof(service));
	strlcpy(args, in->args, sizeof(args));
	if (in->id < PARENT_ENV_IDS || *find(c, in->id))
		return RPC_INVALID_ARGS;
	if (!session_arg_string(args, "label", label, sizeof(label)))
		label[0] = 0;
	/* both end up in logs */
	str_sanitize(service);
	str_sanitize(label);
	struct child_session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	s->id = in->id;
	s->child = c;
	int err;
	struct xml_node target;
	if (!strcmp(service, "ROM") && !strcmp(label, "config") && c->config_ds) {
		err = local_config_rom(c, s, cap_out);
	} else if (!route(c, service, &target)) {
		error("%s: no route to service \"%s\" (label=\"%s\")", c->name, service, label);
		err = RPC_DENIED;
	} else if (!xml_has_type(&target, "parent")) {
		char type[32];
		xml_type(&target, type, sizeof(type));
		error("%s: route to <%s> for service \"%s\" is not supported", c->name, type,
		      service);
		err = RPC_DENIED;
	} else if (!provided_by_parent(service)) {
		error("%s: service \"%s\" is not among the <parent-provides>", c->name, service);
		err = RPC_DENIED;
	} else {
		/* the child's donation moves to init, which donates it to the parent */
		s->ram = session_arg_ulong(args, "ram_quota", 0);
		s->caps = session_arg_ulong(args, "cap_quota", 0);
		struct pd_transfer_args t = {s->ram, s->caps};
		err = pd_session_transfer_quota(c->pd, &t, 0, env->pd, 0);
		if (!err) {
			if (label[0])
				snprintf(chain, sizeof(chain), "%s -> %s", c->name, label);
			else
				strlcpy(chain, c->name, sizeof(chain));
			session_arg_set_label(args, sizeof(args), chain);
			err = env_session(env, service, args, &s->cap, &s->parent_id);
			if (err)
				pd_session_transfer_quota(env->pd, &t, 0, c->pd, 0);
			else
				*cap_out = s->cap;
		}
	}
	if (err) {
		free(s);
		return err;
	}
	s->next = c->sessions;
	c->sessions = s;
	return RPC_OK;
}

int serve_parent_session_cap(void *obj, const struct parent_id_args *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct child *c = obj;
	switch (in->id) {
	case PARENT_ENV_PD:
		*cap_out = c->pd;
		break;
	case PARENT_ENV_CPU:
		*cap_out = c->cpu;
		break;
	case PARENT_ENV_LOG:
		*cap_out = c->log;
		break;
	case PARENT_ENV_BINARY:
		*cap_out = c->rom;
		break;
	default:
		return RPC_INVALID_ARGS;
	}
	return RPC_OK;
}

int serve_parent_upgrade(void *obj, const struct parent_upgrade_args *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	struct child_session *s = *find(c, in->id);
	/* environment sessions are init's sessions at its parent, paid by the child */
	seL4_Word parent_id = in->id == PARENT_ENV_CPU	 ? c->cpu_id
			      : in->id == PARENT_ENV_LOG ? c->log_id
			      : s			 ? s->parent_id
							 : 0;
	if (!parent_id)
		return RPC_INVALID_ARGS;
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	struct pd_transfer_args t = {session_arg_ulong(args, "ram_quota", 0),
				     session_arg_ulong(args, "cap_quota", 0)};
	int err = pd_session_transfer_quota(c->pd, &t, 0, init.env->pd, 0);
	if (!err && (err = env_upgrade(init.env, parent_id, args)))
		pd_session_transfer_quota(init.env->pd, &t, 0, c->pd, 0);
	if (!err && s) {
		s->ram += t.ram;
		s->caps += t.caps;
	}
	return err;
}

int serve_parent_close(void *obj, const struct parent_id_args *in, struct rpc_none *out,
		       struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	struct child_session **p = find(c, in->id), *s = *p;
	if (!s)
		return RPC_INVALID_ARGS;
	*p = s->next;
	if (s->parent_id) {
		env_close(init.env, s->parent_id, s->cap);
		/* the parent refunded init; init refunds the child */
		struct pd_transfer_args t = {s->ram, s->caps};
		pd_session_transfer_quota(init.env->pd, &t, 0, c->pd, 0);
	} else {
		ep_dissolve(init.env, &s->local);
	}
	free(s);
	return RPC_OK;
}

int serve_parent_exit(void *obj, const struct parent_exit_args *in, struct rpc_none *out,
		      struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	log("child \"%s\" exited with exit value %ld", c->name, in->exit_value);
	child_destroy(c);
	return RPC_OK;
}

int serve_parent_announce(void *obj, const struct parent_announce_args *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	warning("%s: announcing services is not supported yet", c->name);
	return RPC_DENIED;
}

int serve_parent_resource_request(void *obj, const struct parent_resource_args *in,
				  struct rpc_none *out, struct rpc_cap_arg *cap_in,
				  seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	warning("%s: resource request denied", c->name);
	return RPC_DENIED;
}

/* --- the child's config ROM --------------------------------------------- */

int serve_rom_session_dataspace(void *obj, const struct rpc_none *in,
				struct rom_dataspace_result *out, struct rpc_cap_arg *cap_in,
				seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in;
	struct child_session *s = obj;
	out->size = s->child->config_size;
	*cap_out = s->child->config_ds;
	return RPC_OK;
}

int serve_rom_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK;
}

int serve_rom_session_update(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK;
}
