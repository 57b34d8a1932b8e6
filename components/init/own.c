/*
 * Sessions init opens for itself (its Timer for restart delays): at its
 * parent, as Genode's init does. Where the parent has no such service
 * (core offers no Timer: the PIT belongs to the timer component), init
 * routes its own request by its <default-route> like a child's, so a
 * top-level init gets its time from its own child "timer". The server
 * sees the label init gives.
 */
#include "init.h"
#include <base/format.h>
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

#define MAX_OWN 4

static struct own_session *open_sessions[MAX_OWN];

static void track(struct own_session *s, bool on)
{
	for (unsigned i = 0; i < MAX_OWN; i++)
		if (on ? !open_sessions[i] : open_sessions[i] == s) {
			open_sessions[i] = on ? s : 0;
			return;
		}
}

static int open_at_child(struct own_session *s, const struct route *r, const char *args)
{
	struct pd_transfer_args t = {s->ram, s->caps};
	struct root_session_args a;
	struct root_session_result res = {0};
	strlcpy(a.args, args, sizeof(a.args));
	session_arg_set_label(a.args, sizeof(a.args), r->label);
	int err = pd_session_transfer_quota(init.env->pd, &t, 0, r->server->pd, 0);
	if (err)
		return err;
	if ((err = root_session(r->service->root, &a, &res, 0, &s->cap))) {
		pd_session_transfer_quota(r->server->pd, &t, 0, init.env->pd, 0);
		return err;
	}
	s->server = r->server;
	s->server_id = res.id;
	return RPC_OK;
}

int own_session_open(struct own_session *s, const char *service, const char *label,
		     unsigned long ram, unsigned long caps)
{
	char args[GENODE_SESSION_ARGS_MAX];
	*s = (struct own_session){.ram = ram, .caps = caps};
	strlcpy(s->service, service, sizeof(s->service));
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu", label, ram,
		 caps);
	int err = env_session(init.env, service, args, &s->cap, &s->parent_id);
	if (err != RPC_DENIED) {
		if (!err)
			track(s, true);
		return err;
	}
	struct route r;
	route_session(0, service, label, &r);
	if (r.kind == ROUTE_PENDING) {
		s->pending = r.server;
		return RPC_UNAVAILABLE;
	}
	if (r.kind != ROUTE_CHILD)
		return RPC_DENIED;
	if ((err = open_at_child(s, &r, args)))
		return err;
	track(s, true);
	return RPC_OK;
}

void own_session_close(struct own_session *s)
{
	track(s, false);
	if (s->parent_id) {
		env_close(init.env, s->parent_id, s->cap);
	} else if (s->server) {
		struct service *v = init.services;
		while (v && !(v->server == s->server && !strcmp(v->name, s->service)))
			v = v->next;
		struct root_close_args a = {s->server_id};
		if (v)
			root_close(v->root, &a, 0, 0, 0);
		rpc_cap_release(s->cap);
		struct pd_transfer_args t = {s->ram, s->caps};
		pd_session_transfer_quota(s->server->pd, &t, 0, init.env->pd, 0);
	}
	*s = (struct own_session){0};
}

void own_sessions_forget(struct child *server)
{
	for (unsigned i = 0; i < MAX_OWN; i++) {
		struct own_session *s = open_sessions[i];
		if (!s || s->server != server)
			continue;
		/* the server's PD, and with it the donation, came back to init */
		rpc_cap_release(s->cap);
		open_sessions[i] = 0;
		*s = (struct own_session){0};
		if (s == &init.timer)
			timer_lost();
	}
}
