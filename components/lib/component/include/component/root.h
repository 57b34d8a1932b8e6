/*
 * Serving a session interface: a root object creates, upgrades and closes
 * sessions on behalf of the parent; root_announce offers the service to
 * the parent under a name.
 */
#pragma once

#include <component/entrypoint.h>

struct root {
	struct rpc_object obj;
	/* A session for args (label, quota, ...): its capability and id, or an rpc_error. */
	int (*create)(struct root *r, const char *args, seL4_CPtr *session, seL4_Word *id);
	/* The session with this id is closed by the parent. */
	void (*destroy)(struct root *r, seL4_Word id);
	/* More quota for a session (may be NULL: accepted and ignored). */
	int (*upgrade)(struct root *r, seL4_Word id, const char *args);
};

int root_announce(struct env *env, const char *service, struct root *r);
