/*
 * Serving a session interface (Genode's Root): root_announce offers a
 * service to the parent under a name; the parent then passes its clients'
 * requests to this component asynchronously (parent.session_request), and
 * the framework calls the root's functions for them on the main
 * entrypoint. The parent names each session by an id; the answers go
 * back to it (deliver_session, session_response). A root that needs time
 * (init passing a request on to a child) returns ROOT_PENDING and answers
 * later with root_deliver or root_answer.
 */
#pragma once

#include <component/entrypoint.h>
#include <genode/parent.h>

#define ROOT_PENDING (-1)

struct root {
	/* A session for args: its capability, an rpc_error, or ROOT_PENDING. */
	int (*create)(struct root *r, seL4_Word id, const char *args, seL4_CPtr *session);
	/* More quota for a session (NULL: accepted); RPC_OK or ROOT_PENDING. */
	int (*upgrade)(struct root *r, seL4_Word id, const char *args);
	/* The session is closed by the parent: RPC_OK or ROOT_PENDING. */
	int (*destroy)(struct root *r, seL4_Word id);
	char service[GENODE_SERVICE_NAME_MAX];
	struct root *next;
};

int root_announce(struct env *env, const char *service, struct root *r);
/* The answers of a root that returned ROOT_PENDING. */
void root_deliver(struct env *env, seL4_Word id, seL4_CPtr session);
/* A create refused (err), or an upgrade or close done (RPC_OK). */
void root_answer(struct env *env, seL4_Word id, int err);
