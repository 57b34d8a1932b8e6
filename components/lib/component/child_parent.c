/*
 * The parent interface a parent serves to each of its children: session
 * requests (answered when the route's server answered), environment
 * sessions, upgrades and closes; exit and announcements; resource
 * requests, yield and heartbeats; and, for children that serve, their
 * session requests and their answers.
 */
#include "child_internal.h"
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

RPC_SERVER(parent_interface, PARENT_RPC);

int serve_parent_session(void *obj, const struct parent_session_args *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct child *c = obj;
	if (in->id < PARENT_ENV_IDS || session_of_client(c, in->id))
		return RPC_INVALID_ARGS;
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	s->heap = true;
	s->client = c;
	s->client_id = in->id;
	strlcpy(s->service_name, in->service, sizeof(s->service_name));
	strlcpy(s->args, in->args, sizeof(s->args));
	s->affinity = in->affinity;
	char label[GENODE_SESSION_ARGS_MAX] = "";
	session_arg_string(s->args, "label", label, sizeof(label));
	if (strlcpy(s->label, label, sizeof(s->label)) >= sizeof(s->label)) {
		/* cut short it would name something else: Genode's labels hold 159 characters */
		error("%s: session label of %zu characters is longer than %zu: denied", c->name,
		      strlen(label), sizeof(s->label) - 1);
		free(s);
		return RPC_DENIED;
	}
	/* both end up in logs */
	str_sanitize(s->service_name);
	str_sanitize(s->label);
	session_link_client(s);
	int err = session_initiate(s);
	if (err == SESSION_PENDING) {
		if (!rpc_defer(&s->reply))
			return RPC_OK; /* answered when the server has answered */
		err = RPC_OUT_OF_METADATA;
		session_close(s);
		return err;
	}
	if (err) {
		s->waiting = true; /* nothing to close anywhere */
		session_close(s);
		return err;
	}
	s->phase = SESSION_CAP_HANDED_OUT;
	*cap_out = s->cap;
	if (c->policy->changed)
		c->policy->changed(c);
	return RPC_OK;
}

int serve_parent_session_cap(void *obj, const struct parent_id_args *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct child *c = obj;
	struct session *s = in->id < PARENT_ENV_IDS ? c->env_sessions[in->id] : 0;
	if (!s || (s->phase != SESSION_AVAILABLE && s->phase != SESSION_CAP_HANDED_OUT))
		return RPC_INVALID_ARGS;
	s->phase = SESSION_CAP_HANDED_OUT;
	*cap_out = s->cap;
	return RPC_OK;
}

int serve_parent_upgrade(void *obj, const struct parent_upgrade_args *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	struct session *s = session_of_client(c, in->id);
	if (!s || (s->phase != SESSION_CAP_HANDED_OUT && s->phase != SESSION_AVAILABLE))
		return RPC_INVALID_ARGS;
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	unsigned long ram = session_arg_ulong(args, "ram_quota", 0),
		      caps = session_arg_ulong(args, "cap_quota", 0);
	/* the child pays for its environment sessions too: through our PD */
	bool env = session_payer_is_parent(s);
	int err = env ? child_transfer(c->pd, c->env->pd, ram, caps) : RPC_OK;
	if (!err)
		err = session_upgrade(s, ram, caps, args);
	if (err == SESSION_PENDING)
		return rpc_defer(&s->reply);
	if (err && env)
		child_transfer(c->env->pd, c->pd, ram, caps);
	return err;
}

int serve_parent_close(void *obj, const struct parent_id_args *in, struct rpc_none *out,
		       struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	struct session *s = session_of_client(c, in->id);
	if (!s || in->id < PARENT_ENV_IDS)
		return RPC_INVALID_ARGS;
	if (s->reply)
		return RPC_INVALID_ARGS; /* a call for it is pending */
	if (session_close(s) == SESSION_PENDING)
		return rpc_defer(&s->reply);
	if (c->policy->changed)
		c->policy->changed(c);
	return RPC_OK;
}

int serve_parent_exit(void *obj, const struct parent_exit_args *in, struct rpc_none *out,
		      struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	if (c->exited)
		return RPC_OK;
	c->exited = true;
	c->policy->exit(c, in->exit_value);
	return RPC_OK;
}

int serve_parent_announce(void *obj, const struct parent_announce_args *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	char name[GENODE_SERVICE_NAME_MAX];
	strlcpy(name, in->service, sizeof(name));
	str_sanitize(name);
	return c->policy->announce ? c->policy->announce(c, name) : RPC_DENIED;
}

int serve_parent_resource_request(void *obj, const struct parent_resource_args *in,
				  struct rpc_none *out, struct rpc_cap_arg *cap_in,
				  seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	str_sanitize(args);
	if (c->policy->resource_request)
		c->policy->resource_request(c, args);
	return RPC_OK;
}

/* Keep a signal context the child gives us (core's object: it comes as a capability). */
static int keep_sigh(seL4_CPtr *slot, struct rpc_cap_arg *cap_in)
{
	if (cap_in->present && cap_in->local)
		return RPC_INVALID_ARGS;
	rpc_cap_release(*slot);
	*slot = cap_in->present ? cap_in->sel : 0;
	cap_in->taken = cap_in->present;
	return RPC_OK;
}

int serve_parent_resource_avail_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
				     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	return keep_sigh(&((struct child *)obj)->resource_avail_sigh, cap_in);
}

int serve_parent_yield_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			    struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	return keep_sigh(&((struct child *)obj)->yield_sigh, cap_in);
}

int serve_parent_yield_request(void *obj, const struct rpc_none *in,
			       struct parent_resource_args *out, struct rpc_cap_arg *cap_in,
			       seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	strlcpy(out->args, ((struct child *)obj)->yield_args, sizeof(out->args));
	return RPC_OK;
}

int serve_parent_yield_response(void *obj, const struct rpc_none *in, struct rpc_none *out,
				struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	struct child *c = obj;
	if (c->policy->yield_response)
		c->policy->yield_response(c);
	return RPC_OK;
}

int serve_parent_heartbeat_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
				struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	return keep_sigh(&((struct child *)obj)->heartbeat_sigh, cap_in);
}

int serve_parent_heartbeat_response(void *obj, const struct rpc_none *in, struct rpc_none *out,
				    struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	((struct child *)obj)->outstanding_heartbeats = 0;
	return RPC_OK;
}

int serve_parent_session_requests_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
				       struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct child *c = obj;
	int err = keep_sigh(&c->session_sigh, cap_in);
	/* requests may have come before the server asked to hear of them */
	if (!err && c->requests && c->session_sigh)
		signal_submit(c->session_sigh, 1);
	return err;
}

int serve_parent_session_request(void *obj, const struct rpc_none *in, struct parent_request *out,
				 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	struct session *s = server_next_request(obj);
	if (!s) {
		out->kind = PARENT_REQUEST_NONE;
		return RPC_OK;
	}
	out->id = s->server_id;
	strlcpy(out->service, s->service_name, sizeof(out->service));
	switch (s->phase) {
	case SESSION_CREATE_REQUESTED:
		out->kind = PARENT_REQUEST_CREATE;
		strlcpy(out->args, s->args, sizeof(out->args));
		break;
	case SESSION_UPGRADE_REQUESTED:
		out->kind = PARENT_REQUEST_UPGRADE;
		snprintf(out->args, sizeof(out->args), "ram_quota=%lu, cap_quota=%lu",
			 s->ram_upgrade, s->cap_upgrade);
		break;
	default:
		out->kind = PARENT_REQUEST_CLOSE;
		out->args[0] = 0;
		break;
	}
	return RPC_OK;
}

int serve_parent_deliver_session(void *obj, const struct parent_id_args *in, struct rpc_none *out,
				 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_out;
	if (!cap_in->present || cap_in->local)
		return RPC_INVALID_ARGS;
	int err = server_delivered(obj, in->id, cap_in->sel);
	cap_in->taken = !err;
	return err;
}

int serve_parent_session_response(void *obj, const struct parent_response_args *in,
				  struct rpc_none *out, struct rpc_cap_arg *cap_in,
				  seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	return server_responded(obj, in->id, (int)in->error);
}
