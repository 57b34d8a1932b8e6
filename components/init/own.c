/*
 * Sessions init opens for itself (its Timer, its Report session for the
 * state report): at its parent, as Genode's init does. Where the parent
 * has no such service (core offers neither: the PIT belongs to the timer
 * component, reports to report_rom), init routes its own request by its
 * <default-route> like a child's, so a top-level init can use its own
 * children "timer" and "report_rom". The server sees the label init gives.
 */
#include "init.h"
#include <base/format.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

#define container_of(p, type, member) ((type *)((char *)(p) - __builtin_offsetof(type, member)))

/* A copy of a capability, for the worker's calls (it releases it after them). */
static seL4_CPtr copy(seL4_CPtr cap)
{
	seL4_CPtr slot = rpc_cspace.alloc();
	if (slot &&
	    seL4_CNode_Copy(rpc_cspace.cnode, slot, (seL4_Uint8)rpc_cspace.depth, rpc_cspace.cnode,
			    cap, (seL4_Uint8)rpc_cspace.depth, seL4_AllRights)) {
		rpc_cspace.free(slot);
		slot = 0;
	}
	return slot;
}

static void own_done(struct session *s)
{
	struct own_session *o = s->data;
	if (!o)
		return; /* closed meanwhile */
	o->pending = 0;
	if (s->phase == SESSION_AVAILABLE) {
		s->phase = SESSION_CAP_HANDED_OUT;
		o->cap = copy(s->cap);
		o->open = o->cap != 0;
	}
	if (o->ready)
		o->ready(o);
}

int own_session_open(struct own_session *o, const char *service, const char *label,
		     unsigned long ram, unsigned long caps, const char *extra,
		     void (*ready)(struct own_session *))
{
	char args[GENODE_SESSION_ARGS_MAX];
	*o = (struct own_session){.ready = ready};
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu%s", label, ram,
		 caps, extra);
	int err = env_session(init.env, service, args, &o->cap, &o->parent_id);
	if (err != RPC_DENIED) {
		o->open = o->at_parent = !err;
		return err;
	}
	struct route r = {0};
	if (!init_route_own(service, label, &r) || r.kind == SERVICE_PARENT)
		return RPC_DENIED;
	if (r.wait) {
		o->pending = container_of(r.service, struct provided, service)->server;
		return RPC_UNAVAILABLE;
	}
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	strlcpy(s->args, args, sizeof(s->args));
	s->data = o;
	if ((err = session_request_own(init.env, s, service, &r, own_done))) {
		free(s);
		return err;
	}
	o->s = s;
	if (s->phase == SESSION_AVAILABLE) {
		o->cap = copy(s->cap);
		o->open = o->cap != 0;
		return o->open ? RPC_OK : RPC_OUT_OF_METADATA;
	}
	if (r.kind == SERVICE_CHILD)
		o->pending = container_of(r.service, struct provided, service)->server;
	return RPC_UNAVAILABLE;
}

void own_session_close(struct own_session *o)
{
	/* the worker may still call it: it lets the capability go after those calls */
	if (o->cap)
		worker_release(o->cap);
	if (o->at_parent) {
		env_close(init.env, o->parent_id, 0);
	} else if (o->s) {
		/* the framework frees the record once the server closed it */
		o->s->data = 0;
		o->s->done = 0;
		o->s->heap = true;
		session_close_own(o->s);
	}
	*o = (struct own_session){0};
}

/* --- init's Timer sessions -------------------------------------------------- */

static void timer_session_ready(struct own_session *o)
{
	struct own_timer *t = container_of(o, struct own_timer, session);
	if (t->state != OWN_WAITING)
		return;
	t->state = OWN_UNTRIED;
	if (t->ready)
		t->ready();
}

bool own_timer_open(struct own_timer *t)
{
	if (t->state == OWN_OPEN || t->state == OWN_ABSENT)
		return t->state == OWN_OPEN;
	if (t->state == OWN_WAITING && !t->session.open)
		return false;
	int err = t->session.open ? RPC_OK
				  : own_session_open(&t->session, "Timer", "", 10240, 3, "",
						     timer_session_ready);
	if (err == RPC_UNAVAILABLE) {
		t->state = OWN_WAITING;
		return false;
	}
	if (!err) {
		worker_timer_sigh(t->session.cap, t->sigh);
		t->state = OWN_OPEN;
		return true;
	}
	warning("no Timer session (%s): %s", rpc_error_name(err), t->what);
	t->state = OWN_ABSENT;
	return false;
}

void own_timer_sigh(struct own_timer *t, seL4_CPtr sigh)
{
	t->sigh = sigh;
	if (t->state == OWN_OPEN)
		worker_timer_sigh(t->session.cap, sigh);
}

bool own_timer_once(struct own_timer *t, unsigned long us)
{
	if (!own_timer_open(t))
		return false;
	worker_timer_once(t->session.cap, us);
	return true;
}

bool own_timer_periodic(struct own_timer *t, unsigned long us)
{
	if (!own_timer_open(t))
		return false;
	worker_timer_periodic(t->session.cap, us);
	return true;
}

bool own_timer_server_gone(struct own_timer *t, struct init_child *server)
{
	if (t->session.pending != server &&
	    !(t->session.s && t->session.s->server == &server->child))
		return false;
	own_session_close(&t->session);
	t->state = OWN_UNTRIED;
	return true;
}

void own_timer_retry(struct own_timer *t)
{
	if (t->state == OWN_ABSENT)
		t->state = OWN_UNTRIED;
}
