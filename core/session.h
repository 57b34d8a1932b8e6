/*
 * Core's services and the sessions they create. A session request names a
 * service and carries Genode session arguments (label="...",
 * ram_quota=N, cap_quota=N, ...); the requester's account pays the donated
 * quota into the session's own account, which pays for everything the
 * session allocates. Closing the session returns the donation.
 */
#pragma once

#include "account.h"
#include "object.h"
#include <genode/affinity.h>

#define SESSION_LABEL_MAX 160

struct core_session;

struct core_service {
	const char *name;
	unsigned long ram_cost, cap_cost; /* at least this much must be donated */
	/* Set up s (already zeroed, with label and account); an rpc_error. */
	int (*create)(struct core_session *s, const char *args);
	void (*destroy)(struct core_session *s);
	const struct rpc_interface *iface;
	unsigned long size; /* of the session struct */
};

struct core_session {
	struct core_obj obj;
	const struct core_service *service;
	char label[SESSION_LABEL_MAX];
	struct account account; /* the donation, and what the session spends */
	struct account *payer;	/* where the donation returns to */
	unsigned long donated_ram, donated_caps;
	struct genode_affinity affinity; /* what the request carried (Genode's Session_state) */
};

/*
 * Create a session of the named service with the request's affinity (set
 * before the service's create); *err RPC_DENIED for an unknown service.
 */
struct core_session *session_create(const char *service, const char *args,
				    const struct genode_affinity *affinity, struct account *payer,
				    int *err);
/* Close: free the session's resources and refund the donation (or what is left of it). */
void session_close(struct core_session *s);
/* Add quota to a session (Parent::upgrade). */
int session_upgrade(struct core_session *s, const char *args, struct account *payer);

const struct core_service *service_lookup(const char *name);

#include <base/session_args.h>
