/*
 * The parent interface init serves to each child: environment sessions,
 * session requests (routed to init's parent or to a serving child, the
 * donated quota moved along), the child's "config" ROM, service
 * announcements, resource requests and exit.
 */
#include "init.h"
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

RPC_SERVER(parent_interface, PARENT_RPC);
RPC_SERVER(rom_session_interface, ROM_SESSION_RPC);

static struct child_session **find(struct child *c, seL4_Word id)
{
	struct child_session **p = &c->sessions;
	while (*p && (*p)->id != id)
		p = &(*p)->next;
	return p;
}

static int local_config_rom(struct child_session *s, seL4_CPtr *cap_out)
{
	int err = ep_manage(init.env, &s->rom, &rom_session_interface, s);
	if (err)
		return err;
	s->local = true;
	s->state = SESSION_OPEN;
	s->cap = s->rom.cap;
	*cap_out = s->cap;
	return RPC_OK;
}

int serve_parent_session(void *obj, const struct parent_session_args *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct child *c = obj;
	if (in->id < PARENT_ENV_IDS || *find(c, in->id))
		return RPC_INVALID_ARGS;
	struct child_session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	s->id = in->id;
	s->child = c;
	strlcpy(s->service, in->service, sizeof(s->service));
	strlcpy(s->args, in->args, sizeof(s->args));
	char label[LABEL_MAX_LEN] = "";
	session_arg_string(s->args, "label", label, sizeof(label));
	/* both end up in logs */
	str_sanitize(s->service);
	str_sanitize(label);
	s->ram = session_arg_ulong(s->args, "ram_quota", 0);
	s->caps = session_arg_ulong(s->args, "cap_quota", 0);
	int err;
	struct route r;
	if (!strcmp(s->service, "ROM") && !strcmp(label, "config") && c->config_ds) {
		err = local_config_rom(s, cap_out);
	} else {
		route_session(c, s->service, label, &r);
		if (r.kind == ROUTE_NONE) {
			error("%s: %s", c->name, r.reason);
			err = RPC_DENIED;
		} else if (r.kind == ROUTE_PENDING) {
			/* the server has not announced yet: answer when it does */
			err = rpc_defer(&s->reply);
			if (!err) {
				s->state = SESSION_PENDING;
				s->next = c->sessions;
				c->sessions = s;
				return RPC_OK;
			}
		} else {
			if (r.kind == ROUTE_PARENT && !strcmp(s->service, "CPU"))
				session_arg_set_ulong(
				    s->args, sizeof(s->args), "priority",
				    child_priority(c, session_arg_ulong(s->args, "priority", 0)));
			err = session_open(s, &r);
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
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	struct pd_transfer_args t = {session_arg_ulong(args, "ram_quota", 0),
				     session_arg_ulong(args, "cap_quota", 0)};
	/* environment sessions are init's sessions at its parent, paid by the child */
	seL4_Word parent_id = in->id == PARENT_ENV_CPU	 ? c->cpu_id
			      : in->id == PARENT_ENV_LOG ? c->log_id
			      : s			 ? s->parent_id
							 : 0;
	if (!parent_id && !(s && s->server && s->state == SESSION_OPEN))
		return RPC_INVALID_ARGS;
	seL4_CPtr payee = parent_id ? init.env->pd : s->server->pd;
	int err = pd_session_transfer_quota(c->pd, &t, 0, payee, 0);
	if (!err && parent_id)
		err = env_upgrade(init.env, parent_id, args);
	if (!err && !parent_id) {
		struct service *v = init.services;
		while (v && !(v->server == s->server && !strcmp(v->name, s->service)))
			v = v->next;
		struct root_upgrade_args a = {.id = s->server_id};
		strlcpy(a.args, args, sizeof(a.args));
		err = v ? root_upgrade(v->root, &a, 0, 0, 0) : RPC_UNAVAILABLE;
	}
	if (err)
		pd_session_transfer_quota(payee, &t, 0, c->pd, 0);
	else if (s) {
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
	session_close(s);
	free(s);
	return RPC_OK;
}

int serve_parent_exit(void *obj, const struct parent_exit_args *in, struct rpc_none *out,
		      struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	log("child \"%s\" exited with exit value %ld", c->name, in->exit_value);
	c->exit_value = in->exit_value;
	snprintf(c->reason, sizeof(c->reason), "exit value %ld", in->exit_value);
	child_ended(c, in->exit_value != 0);
	return RPC_OK;
}

int serve_parent_announce(void *obj, const struct parent_announce_args *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_out;
	struct child *c = obj;
	char name[GENODE_SERVICE_NAME_MAX];
	strlcpy(name, in->service, sizeof(name));
	str_sanitize(name);
	if (!cap_in->present || cap_in->local)
		return RPC_INVALID_ARGS;
	int err = service_announce(c, name, cap_in->sel);
	if (!err)
		cap_in->taken = true;
	return err;
}

int serve_parent_resource_request(void *obj, const struct parent_resource_args *in,
				  struct rpc_none *out, struct rpc_cap_arg *cap_in,
				  seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	unsigned long ram = session_arg_ulong(args, "ram_quota", 0);
	unsigned long caps = session_arg_ulong(args, "cap_quota", 0);
	if (!ram && !caps)
		return RPC_INVALID_ARGS;
	struct pd_quota_result q = {0};
	pd_session_quota(init.env->pd, 0, &q, 0, 0);
	unsigned long avail = q.ram_quota - q.ram_used, cavail = q.cap_quota - q.cap_used;
	/* init answers from what it holds beyond its preserved reserve */
	if (ram + init.preserve > avail || caps > cavail) {
		warning("child \"%s\" requests %lu bytes and %lu caps: denied (init has %lu bytes "
			"beyond its reserve)",
			c->name, ram, caps, avail > init.preserve ? avail - init.preserve : 0);
		return RPC_DENIED;
	}
	struct pd_transfer_args t = {ram, caps};
	int err = pd_session_transfer_quota(init.env->pd, &t, 0, c->pd, 0);
	if (!err) {
		log("child \"%s\" requests %lu bytes and %lu caps: granted", c->name, ram, caps);
		c->ram += ram;
		c->caps += caps;
	}
	return err;
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
	(void)in, (void)out, (void)cap_out;
	struct child_session *s = obj;
	/* a signal context is core's object: it arrives as a capability to keep */
	if (!cap_in->present || cap_in->local)
		return RPC_INVALID_ARGS;
	rpc_cap_release(s->sigh);
	s->sigh = cap_in->sel;
	cap_in->taken = true;
	return RPC_OK;
}

int serve_rom_session_update(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK;
}
