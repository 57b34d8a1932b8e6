/*
 * The server side of the parent protocol: session requests fetched from
 * the parent when it signals, handed to the root of their service. A
 * request for a service not announced yet waits here for its root.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <component/root.h>

static struct root *roots;
static struct signal_handler requests;
static bool listening;

/* Creates that came before their root. */
struct early {
	struct parent_request req;
	struct early *next;
};
static struct early *early;

void root_deliver(struct env *env, seL4_Word id, seL4_CPtr session)
{
	struct parent_id_args a = {id};
	parent_deliver_session(env->parent, &a, 0, session, 0);
}

void root_answer(struct env *env, seL4_Word id, int err)
{
	struct parent_response_args a = {id, (seL4_Word)err};
	parent_session_response(env->parent, &a, 0, 0, 0);
}

static struct root *root_of(const char *service)
{
	struct root *r = roots;
	while (r && strcmp(r->service, service))
		r = r->next;
	return r;
}

static void handle(struct env *env, struct root *r, const struct parent_request *q)
{
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, q->args, sizeof(args));
	int err;
	seL4_CPtr cap = 0;
	switch (q->kind) {
	case PARENT_REQUEST_CREATE:
		err = r->create(r, q->id, args, &cap);
		if (!err)
			root_deliver(env, q->id, cap);
		else if (err != ROOT_PENDING)
			root_answer(env, q->id, err);
		break;
	case PARENT_REQUEST_UPGRADE:
		err = r->upgrade ? r->upgrade(r, q->id, args) : RPC_OK;
		if (err != ROOT_PENDING)
			root_answer(env, q->id, RPC_OK);
		break;
	case PARENT_REQUEST_CLOSE:
		if (r->destroy(r, q->id) != ROOT_PENDING)
			root_answer(env, q->id, RPC_OK);
		break;
	}
}

static void on_requests(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	struct env *env = genode_env();
	for (;;) {
		struct parent_request q = {0};
		if (parent_session_request(env->parent, 0, &q, 0, 0) ||
		    q.kind == PARENT_REQUEST_NONE)
			return;
		q.service[sizeof(q.service) - 1] = 0;
		struct root *r = root_of(q.service);
		if (r) {
			handle(env, r, &q);
			continue;
		}
		if (q.kind != PARENT_REQUEST_CREATE) {
			root_answer(env, q.id, RPC_OK); /* nothing of ours to upgrade or close */
			continue;
		}
		struct early *e = malloc(sizeof(*e));
		if (!e) {
			root_answer(env, q.id, RPC_OUT_OF_METADATA);
			continue;
		}
		e->req = q;
		e->next = early;
		early = e;
	}
}

int root_announce(struct env *env, const char *service, struct root *r)
{
	strlcpy(r->service, service, sizeof(r->service));
	r->next = roots;
	roots = r;
	if (!listening) {
		int err = signal_handler_init(env, &requests, on_requests);
		if (!err)
			err = parent_session_requests_sigh(env->parent, 0, 0, requests.cap, 0);
		if (err)
			return err;
		listening = true;
	}
	struct parent_announce_args a;
	strlcpy(a.service, service, sizeof(a.service));
	int err = parent_announce(env->parent, &a, 0, 0, 0);
	/* requests that waited for this root */
	for (struct early **p = &early; *p;) {
		struct early *e = *p;
		if (strcmp(e->req.service, service)) {
			p = &e->next;
			continue;
		}
		*p = e->next;
		handle(env, r, &e->req);
		free(e);
	}
	return err;
}
