/*
 * Sessions a parent routes (Genode's Session_state): to its own parent
 * (done at once, our entrypoint waits for our parent), to a local service
 * (done at once) or to a server child (queued for the server; the client's
 * call is answered when the server answered). Donated quota moves from
 * the client's PD (the parent's own for its own and for environment
 * sessions) to whoever holds the session: our PD for our parent's and
 * local sessions, the server's PD for a server child's; closing brings it
 * back.
 */
#include "child_internal.h"
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

const char *session_phase_name(enum session_phase p)
{
	static const char *const names[] = {
	    "CREATE_REQUESTED",	      "SERVICE_DENIED",	 "INSUFFICIENT_RAM_QUOTA",
	    "INSUFFICIENT_CAP_QUOTA", "AVAILABLE",	 "CAP_HANDED_OUT",
	    "UPGRADE_REQUESTED",      "CLOSE_REQUESTED", "CLOSED"};
	return p <= SESSION_CLOSED ? names[p] : "?";
}

static int transfer(seL4_CPtr from, seL4_CPtr to, unsigned long ram, unsigned long caps)
{
	struct pd_transfer_args t = {ram, caps};
	return pd_session_transfer_quota(from, &t, 0, to, 0);
}

/*
 * Quota moves only between a PD and its reference account: between two
 * children (a client and its server), it goes through our own PD.
 */
int child_transfer(seL4_CPtr from, seL4_CPtr to, unsigned long ram, unsigned long caps)
{
	seL4_CPtr ours = genode_env()->pd;
	if ((!ram && !caps) || from == to)
		return RPC_OK;
	if (from == ours || to == ours)
		return transfer(from, to, ram, caps);
	int err = transfer(from, ours, ram, caps);
	if (!err && (err = transfer(ours, to, ram, caps)))
		transfer(ours, from, ram, caps);
	return err;
}

bool session_payer_is_parent(const struct session *s)
{
	return !s->client || s->client_id < PARENT_ENV_IDS;
}

static struct env *env_of(const struct session *s)
{
	return s->client ? s->client->env : genode_env();
}

/* The PD that pays the donation and gets it back. */
static seL4_CPtr payer(const struct session *s)
{
	return session_payer_is_parent(s) ? env_of(s)->pd : s->client->pd;
}

/* The PD that holds the donation: the server's, else ours (a dead server's came back to us). */
static seL4_CPtr holder(const struct session *s)
{
	return s->kind == SERVICE_CHILD && s->server ? s->server->pd : env_of(s)->pd;
}

struct session *session_of_client(struct child *c, seL4_Word id)
{
	for (struct session *s = c->sessions; s; s = s->next)
		if (s->client_id == id)
			return s;
	return 0;
}

void session_link_client(struct session *s)
{
	if (!s->client)
		return;
	s->next = s->client->sessions;
	s->client->sessions = s;
}

static void unlink_client(struct session *s)
{
	if (!s->client)
		return;
	for (struct session **p = &s->client->sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			return;
		}
}

static void unlink_server(struct session *s)
{
	struct child *srv = s->server;
	if (!srv)
		return;
	for (struct session **p = &srv->served; *p; p = &(*p)->next_served)
		if (*p == s) {
			*p = s->next_served;
			break;
		}
	if (s->queued)
		for (struct session **p = &srv->requests; *p; p = &(*p)->next_request)
			if (*p == s) {
				*p = s->next_request;
				break;
			}
	s->queued = false;
}

/* Put a request of s into the server's queue and tell the server. */
static void queue_request(struct session *s)
{
	struct child *srv = s->server;
	if (!s->queued) {
		struct session **p = &srv->requests;
		while (*p)
			p = &(*p)->next_request;
		s->next_request = 0;
		*p = s;
		s->queued = true;
	}
	if (srv->session_sigh)
		signal_submit(srv->session_sigh, 1);
}

static void changed(struct child *c)
{
	if (c && c->policy->changed)
		c->policy->changed(c);
}

/* The session is over: forget it everywhere; a client's record is freed. */
static void finish(struct session *s)
{
	unlink_server(s);
	unlink_client(s);
	rpc_cap_release(s->cap);
	s->cap = 0;
	s->phase = SESSION_CLOSED;
	struct child *client = s->client;
	if (s->heap)
		free(s);
	changed(client);
}

static int phase_error(enum session_phase p)
{
	switch (p) {
	case SESSION_INSUFFICIENT_RAM_QUOTA:
		return RPC_INSUFFICIENT_RAM_QUOTA;
	case SESSION_INSUFFICIENT_CAP_QUOTA:
		return RPC_INSUFFICIENT_CAP_QUOTA;
	default:
		return RPC_DENIED;
	}
}

static enum session_phase error_phase(int err)
{
	switch (err) {
	case RPC_INSUFFICIENT_RAM_QUOTA:
	case RPC_OUT_OF_RAM:
		return SESSION_INSUFFICIENT_RAM_QUOTA;
	case RPC_INSUFFICIENT_CAP_QUOTA:
	case RPC_OUT_OF_CAPS:
		return SESSION_INSUFFICIENT_CAP_QUOTA;
	default:
		return SESSION_SERVICE_DENIED;
	}
}

/* Open s where the route leads. */
static int initiate_at(struct session *s, const struct route *r)
{
	struct env *env = env_of(s);
	s->kind = r->kind;
	s->service = r->service;
	if (!session_arg_set_label(s->args, sizeof(s->args), r->label))
		return RPC_DENIED; /* the label does not fit the arguments */
	s->ram = session_arg_ulong(s->args, "ram_quota", 0);
	s->caps = session_arg_ulong(s->args, "cap_quota", 0);
	if (r->kind == SERVICE_CHILD)
		s->server = r->service->server;
	int err = child_transfer(payer(s), holder(s), s->ram, s->caps);
	if (err) {
		s->server = 0;
		return err;
	}
	switch (r->kind) {
	case SERVICE_PARENT:
		err = env_session_at(env, s->service_name, s->args, &s->affinity, &s->cap,
				     &s->parent_id);
		break;
	case SERVICE_LOCAL:
		err = r->service->create(r->service, s, &s->cap);
		break;
	case SERVICE_CHILD:
		s->server_id = ++s->server->next_server_id;
		s->next_served = s->server->served;
		s->server->served = s;
		s->phase = SESSION_CREATE_REQUESTED;
		queue_request(s);
		changed(s->server);
		return SESSION_PENDING;
	}
	if (err) {
		child_transfer(holder(s), payer(s), s->ram, s->caps);
		s->phase = error_phase(err);
		return err;
	}
	s->phase = SESSION_AVAILABLE;
	return RPC_OK;
}

int session_initiate(struct session *s)
{
	struct child *c = s->client;
	struct route r = {0};
	char full[CHILD_LABEL_MAX];
	/* the policy's filters, once: a request that waited for its route comes again */
	if (c && !s->waiting && c->policy->filter_args)
		c->policy->filter_args(c, s->service_name, s->args, sizeof(s->args));
	if (c && !s->waiting && c->policy->filter_affinity)
		c->policy->filter_affinity(c, &s->affinity);
	if (!c)
		return RPC_DENIED; /* own sessions come with their route */
	size_t n;
	if (s->client_id < PARENT_ENV_IDS)
		n = strlcpy(full, s->label, sizeof(full));
	else if (s->label[0])
		n = (size_t)snprintf(full, sizeof(full), "%s -> %s", c->name, s->label);
	else
		n = strlcpy(full, c->name, sizeof(full));
	if (n >= sizeof(full)) {
		error("%s: the label of its \"%s\" session grows beyond %zu characters", c->name,
		      s->service_name, sizeof(full) - 1);
		s->phase = SESSION_SERVICE_DENIED;
		return RPC_DENIED;
	}
	strlcpy(r.label, full, sizeof(r.label));
	if (!c->policy->route(c, s->service_name, full, &r)) {
		s->phase = SESSION_SERVICE_DENIED;
		return RPC_DENIED;
	}
	if (r.wait) {
		s->waiting = true;
		s->phase = SESSION_CREATE_REQUESTED;
		return SESSION_PENDING;
	}
	s->waiting = false;
	return initiate_at(s, &r);
}

int session_request_own(struct env *env, struct session *s, const char *service,
			const struct route *r, void (*done)(struct session *))
{
	(void)env;
	s->client = 0;
	s->done = done;
	strlcpy(s->service_name, service, sizeof(s->service_name));
	int err = initiate_at(s, r);
	return err == SESSION_PENDING ? RPC_OK : err;
}

/* Answer the client (or the parent itself) that waits for s. */
static void answer(struct session *s, int err)
{
	if (s->reply) {
		rpc_reply_deferred(s->reply, err, err ? 0 : s->cap);
		s->reply = 0;
		if (!err && s->phase == SESSION_AVAILABLE)
			s->phase = SESSION_CAP_HANDED_OUT;
	}
	if (!s->client && s->done)
		s->done(s);
}

int session_upgrade(struct session *s, unsigned long ram, unsigned long caps, const char *args)
{
	struct env *env = env_of(s);
	int err = child_transfer(payer(s), holder(s), ram, caps);
	if (err)
		return err;
	switch (s->kind) {
	case SERVICE_PARENT:
		err = env_upgrade(env, s->parent_id, args);
		break;
	case SERVICE_LOCAL:
		if (s->service->upgrade)
			s->service->upgrade(s->service, s);
		break;
	case SERVICE_CHILD:
		if (!s->server) {
			err = RPC_UNAVAILABLE;
			break;
		}
		s->ram_upgrade += ram;
		s->cap_upgrade += caps;
		s->ram += ram;
		s->caps += caps;
		s->phase = SESSION_UPGRADE_REQUESTED;
		queue_request(s);
		return SESSION_PENDING;
	}
	if (err) {
		child_transfer(holder(s), payer(s), ram, caps);
		return err;
	}
	s->ram += ram;
	s->caps += caps;
	return RPC_OK;
}

/* The donation back, from whoever holds it. */
static void refund(struct session *s)
{
	if (session_payer_is_parent(s) && (s->kind != SERVICE_CHILD || !s->server)) {
		s->ram = s->caps = 0; /* it is in our PD already */
		return;
	}
	seL4_CPtr to = payer(s);
	if (!session_payer_is_parent(s) && !s->client->pd)
		to = env_of(s)->pd; /* the client's PD is gone: its quota came back to us */
	if (child_transfer(holder(s), to, s->ram, s->caps))
		warning("cannot refund %lu bytes of a closed \"%s\" session", s->ram,
			s->service_name);
	s->ram = s->caps = 0;
}

int session_close(struct session *s)
{
	struct child *c = s->client;
	if (c && c->policy->closing && s->client_id >= PARENT_ENV_IDS &&
	    (s->phase == SESSION_AVAILABLE || s->phase == SESSION_CAP_HANDED_OUT))
		c->policy->closing(c, s);
	if (s->phase == SESSION_CREATE_REQUESTED && !s->waiting && s->kind == SERVICE_CHILD &&
	    s->server && !s->queued) {
		/* the server is creating it: close it once it is there */
		s->close_when_created = true;
		return SESSION_PENDING;
	}
	if (s->waiting || s->phase == SESSION_CREATE_REQUESTED) {
		/* never reached a server: nothing to close there */
		if (s->reply)
			answer(s, RPC_UNAVAILABLE);
		if (!s->waiting)
			refund(s);
		finish(s);
		return RPC_OK;
	}
	switch (s->kind) {
	case SERVICE_PARENT:
		env_close(env_of(s), s->parent_id, s->cap);
		s->cap = 0;
		break;
	case SERVICE_LOCAL:
		if (s->service && s->service->close)
			s->service->close(s->service, s);
		break;
	case SERVICE_CHILD:
		if (s->server) {
			s->phase = SESSION_CLOSE_REQUESTED;
			queue_request(s);
			return SESSION_PENDING;
		}
		break;
	}
	refund(s);
	finish(s);
	return RPC_OK;
}

static bool is_cpu(const struct session *s)
{
	return s->client_id >= PARENT_ENV_IDS && !strcmp(s->service_name, "CPU");
}

/*
 * The client's CPU sessions go first, oldest first (a component's before
 * those of the components it started): the threads of everything it
 * started stop before anything is taken away from them. The environment
 * goes last, in its order (child_destroy).
 */
void sessions_of_client_gone(struct child *c)
{
	for (;;) {
		struct session *oldest = 0;
		for (struct session *s = c->sessions; s; s = s->next)
			if (is_cpu(s))
				oldest = s; /* the list has the newest first */
		if (!oldest)
			break;
		session_client_gone(oldest); /* no longer in the list */
	}
	for (struct session *s = c->sessions, *next; s; s = next) {
		next = s->next;
		if (s->client_id >= PARENT_ENV_IDS)
			session_client_gone(s);
	}
}

void session_client_gone(struct session *s)
{
	if (s->reply) {
		rpc_cap_release(s->reply); /* nobody to answer */
		s->reply = 0;
	}
	if (session_close(s) == SESSION_PENDING) {
		/* the server closes it later; the quota then comes back to us */
		unlink_client(s);
		s->client = 0;
		s->done = 0;
	}
}

void sessions_of_server_gone(struct child *server)
{
	while (server->served) {
		struct session *s = server->served;
		server->served = s->next_served;
		s->queued = false;
		s->server = 0;
		switch (s->phase) {
		case SESSION_CREATE_REQUESTED:
			/* the server's PD and the donation in it came back to us */
			refund(s);
			s->phase = SESSION_SERVICE_DENIED;
			if (s->heap) {
				answer(s, RPC_DENIED);
				finish(s);
			} else {
				answer(s, RPC_DENIED);
			}
			break;
		case SESSION_CLOSE_REQUESTED:
			refund(s);
			rpc_cap_release(s->cap);
			s->cap = 0;
			s->phase = SESSION_CLOSED;
			if (s->heap) {
				answer(s, RPC_OK);
				finish(s);
			} else {
				answer(s, RPC_OK);
			}
			break;
		case SESSION_UPGRADE_REQUESTED:
			s->phase = SESSION_CAP_HANDED_OUT;
			answer(s, RPC_OK);
			break;
		default:
			break; /* the client learns it when it calls: an IPC error */
		}
	}
	server->requests = 0;
}

struct session *server_next_request(struct child *server)
{
	struct session *s = server->requests;
	if (!s)
		return 0;
	server->requests = s->next_request;
	s->queued = false;
	return s;
}

static struct session *served(struct child *server, seL4_Word id)
{
	for (struct session *s = server->served; s; s = s->next_served)
		if (s->server_id == id)
			return s;
	return 0;
}

int server_delivered(struct child *server, seL4_Word id, seL4_CPtr cap)
{
	struct session *s = served(server, id);
	if (!s || s->phase != SESSION_CREATE_REQUESTED)
		return RPC_INVALID_ARGS;
	s->cap = cap;
	s->phase = SESSION_AVAILABLE;
	if (s->close_when_created) {
		s->phase = SESSION_CLOSE_REQUESTED;
		queue_request(s);
		return RPC_OK;
	}
	answer(s, RPC_OK);
	if (s->client && s->client_id < PARENT_ENV_IDS)
		child_env_progress(s->client);
	changed(s->client);
	changed(server);
	return RPC_OK;
}

int server_responded(struct child *server, seL4_Word id, int err)
{
	struct session *s = served(server, id);
	if (!s)
		return RPC_INVALID_ARGS;
	switch (s->phase) {
	case SESSION_CREATE_REQUESTED:
		if (!err)
			return RPC_INVALID_ARGS; /* a create is answered with deliver_session */
		refund(s);
		s->phase = error_phase(err);
		unlink_server(s);
		if (s->client && s->client_id < PARENT_ENV_IDS) {
			error("child \"%s\": its %s session was refused", s->client->name,
			      s->service_name);
			s->client->state = CHILD_FAILED;
			break;
		}
		changed(server);
		/* the answer last: the parent's own session may go with it */
		if (s->heap) {
			answer(s, phase_error(s->phase));
			finish(s);
		} else {
			answer(s, phase_error(s->phase));
		}
		return RPC_OK;
	case SESSION_UPGRADE_REQUESTED:
		s->phase = SESSION_CAP_HANDED_OUT;
		s->ram_upgrade = s->cap_upgrade = 0;
		changed(server);
		answer(s, RPC_OK);
		return RPC_OK;
	case SESSION_CLOSE_REQUESTED:
		refund(s);
		unlink_server(s);
		rpc_cap_release(s->cap);
		s->cap = 0;
		s->phase = SESSION_CLOSED;
		changed(server);
		if (s->heap) {
			answer(s, RPC_OK);
			finish(s);
		} else {
			answer(s, RPC_OK);
		}
		return RPC_OK;
	default:
		return RPC_INVALID_ARGS;
	}
	changed(server);
	return RPC_OK;
}

void session_close_own(struct session *s)
{
	void (*done)(struct session *) = s->heap ? 0 : s->done;
	if (session_close(s) != SESSION_PENDING && done)
		done(s);
}
