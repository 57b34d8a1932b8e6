/*
 * The Child API (Genode's Child and Child_policy): any component can start
 * a child from a binary ROM, serve it the parent interface and supervise
 * it. The policy decides where each session request of the child goes
 * (its route): to our own parent, to a service implemented here (local),
 * or to another child that serves it. A parent never blocks on a server
 * child: requests reach servers asynchronously and the client's call is
 * answered once the server answered. init is built on this.
 */
#pragma once

#include <component/entrypoint.h>
#include <component/env.h>
#include <genode/parent.h>

#define CHILD_NAME_MAX	64
#define CHILD_LABEL_MAX 160

struct child;
struct session;

/* Genode's Session_state::Phase. */
enum session_phase {
	SESSION_CREATE_REQUESTED,
	SESSION_SERVICE_DENIED,
	SESSION_INSUFFICIENT_RAM_QUOTA,
	SESSION_INSUFFICIENT_CAP_QUOTA,
	SESSION_AVAILABLE,
	SESSION_CAP_HANDED_OUT,
	SESSION_UPGRADE_REQUESTED,
	SESSION_CLOSE_REQUESTED,
	SESSION_CLOSED
};
/* "CREATE_REQUESTED", ... as Genode prints them in state reports. */
const char *session_phase_name(enum session_phase p);

enum service_kind { SERVICE_PARENT, SERVICE_LOCAL, SERVICE_CHILD };

/*
 * A service sessions can be routed to: implemented here (local: its
 * functions create, upgrade and close sessions at once) or by a child
 * (server: requests are queued for it).
 */
struct service {
	char name[GENODE_SERVICE_NAME_MAX];
	enum service_kind kind;
	/* SERVICE_LOCAL: create returns an rpc_error and the session's capability */
	int (*create)(struct service *sv, struct session *s, seL4_CPtr *cap);
	void (*upgrade)(struct service *sv, struct session *s);
	void (*close)(struct service *sv, struct session *s);
	void *data;
	/* SERVICE_CHILD: the serving child */
	struct child *server;
};

/* Where a session request goes, as the policy decides. */
struct route {
	enum service_kind kind;
	struct service *service;     /* SERVICE_LOCAL, SERVICE_CHILD */
	char label[CHILD_LABEL_MAX]; /* the label the server sees */
	bool wait;		     /* not yet: ask again on child_retry_sessions */
};

/* A session routed by this parent (Genode's Session_state). */
struct session {
	struct child *client; /* NULL: a session of the parent itself */
	seL4_Word client_id;
	char service_name[GENODE_SERVICE_NAME_MAX];
	enum service_kind kind;
	struct service *service;
	struct child *server; /* SERVICE_CHILD, until it is gone */
	enum session_phase phase;
	char args[GENODE_SESSION_ARGS_MAX]; /* as the server sees them */
	char label[CHILD_LABEL_MAX];	    /* the label the client gave, relative to it */
	struct genode_affinity affinity;    /* as the server sees it (all 0: none) */
	unsigned long ram, caps;	    /* the donation the server holds */
	unsigned long ram_upgrade, cap_upgrade;
	seL4_CPtr cap;
	seL4_Word parent_id;	 /* SERVICE_PARENT: its id at our parent */
	seL4_Word server_id;	 /* SERVICE_CHILD: its id at the server */
	seL4_CPtr reply;	 /* a client call waiting for the server's answer */
	bool waiting;		 /* its route said wait */
	bool heap;		 /* the framework's record: freed when the session is over */
	bool close_when_created; /* closed while its server creates it */
	bool queued;		 /* a request in the server's queue, not fetched yet */
	/* a session of the parent itself: called when the server answered */
	void (*done)(struct session *s);
	void *data;
	struct session *next;	      /* the client's sessions */
	struct session *next_request; /* the server's queue */
	struct session *next_served;  /* the server's sessions */
};

struct child_policy {
	/* Where a session request goes; false: denied (route->label may say why). */
	bool (*route)(struct child *c, const char *service, const char *label, struct route *r);
	/* Change the session arguments on their way (init: CPU priorities); may be NULL. */
	void (*filter_args)(struct child *c, const char *service, char *args, size_t size);
	/*
	 * Subordinate a session's affinity to the child's CPUs (Genode's
	 * filter_session_affinity); may be NULL: passed on as it is.
	 */
	void (*filter_affinity)(struct child *c, struct genode_affinity *affinity);
	/* The child's PD and CPU session exist (fault and exception handlers); may be NULL. */
	void (*init_pd)(struct child *c);
	void (*init_cpu)(struct child *c);
	void (*exit)(struct child *c, long value);
	/* The child announces a service: an rpc_error; NULL: refused. */
	int (*announce)(struct child *c, const char *service);
	void (*resource_request)(struct child *c, const char *args); /* may be NULL */
	void (*yield_response)(struct child *c);		     /* may be NULL */
	/* Something a state report shows changed (sessions); may be NULL. */
	void (*changed)(struct child *c);
	/* The child's session s is being closed (by the child or at its end); may be NULL. */
	void (*closing)(struct child *c, const struct session *s);
	/*
	 * At its end, nothing of the child runs any more and its PD is still
	 * there: release what was kept for it (fault handler, config); may be NULL.
	 */
	void (*halted)(struct child *c);
};

enum child_state { CHILD_STARTING, CHILD_RUNNING, CHILD_FAILED };

struct child {
	const struct child_policy *policy;
	void *data; /* the policy's */
	struct env *env;
	enum child_state state;
	char name[CHILD_NAME_MAX], binary[CHILD_NAME_MAX];
	unsigned long ram, caps; /* the quota its PD was given */
	struct session *env_sessions[PARENT_ENV_IDS];
	seL4_CPtr pd, cpu, log, rom; /* the environment sessions' capabilities */
	seL4_CPtr rom_ds, thread;
	struct rpc_object parent; /* the child's parent capability */
	struct session *sessions; /* as a client */
	struct session *requests; /* as a server: requests not fetched yet */
	struct session *served;	  /* as a server */
	seL4_Word next_server_id;
	seL4_CPtr session_sigh, resource_avail_sigh, yield_sigh, heartbeat_sigh;
	char yield_args[GENODE_SESSION_ARGS_MAX];
	unsigned outstanding_heartbeats;
	bool exited;
};

/*
 * A route to our parent for the services named in a space-separated list
 * (Genode's Parent_service registry of a test's child policy), labelled
 * as the child asked; false if the service is not in it.
 */
bool child_route_parent(const char *service, const char *label, const char *services,
			struct route *r);

/*
 * Start a child: its PD gets ram and caps from our PD, the costs of its
 * CPU and LOG sessions are taken from there; its environment sessions are
 * routed by the policy (PD, CPU, LOG labelled with its name, ROM with its
 * binary's); the ELF image is loaded and the main thread started as soon
 * as they are available. An rpc_error, logged; on failure the child is
 * destroyed already.
 */
int child_create(struct env *env, struct child *c, const struct child_policy *policy, void *data,
		 const char *name, const char *binary, unsigned long ram, unsigned long caps);
/* Close every session of and at the child and free its PD and everything in it. */
void child_destroy(struct child *c);
/* Whether the child's main thread runs (its environment was complete). */
bool child_started(const struct child *c);

/* Re-route the child's session requests whose route said wait. */
void child_retry_sessions(struct child *c);
/* Ask the child to give back quota (Genode's Child::yield). */
void child_yield(struct child *c, const char *args);
/* Tell the child that more quota is there (after a resource request). */
void child_notify_resource_avail(struct child *c);
/* Send a heartbeat; the count of unanswered ones beyond the first. */
void child_heartbeat(struct child *c);
unsigned child_skipped_heartbeats(const struct child *c);

/* Move quota between PDs (capabilities of PD sessions): an rpc_error. */
int child_transfer(seL4_CPtr from, seL4_CPtr to, unsigned long ram, unsigned long caps);

/*
 * A session of the parent itself (no client child), routed as r says:
 * s->args must hold the arguments. At our parent or at a local service it
 * is done at once; at a server child, done(s) is called once the server
 * answered (s->phase tells how). RPC_OK, or an rpc_error when it cannot
 * be requested at all.
 */
int session_request_own(struct env *env, struct session *s, const char *service,
			const struct route *r, void (*done)(struct session *));
/* Close it; done is called again once the server closed it. */
void session_close_own(struct session *s);

/* An answer beyond protocol/genode/rpc.h: it comes later. */
#define SESSION_PENDING (-1)
/*
 * More quota (ram, caps; args as the server gets them) for a session:
 * RPC_OK, SESSION_PENDING (at a server child: done is called when it
 * answered, or the client's call answered), or an error.
 */
int session_upgrade(struct session *s, unsigned long ram, unsigned long caps, const char *args);

/* For init's report: every session the child opened, and every one it serves. */
#define child_for_each_session(c, s) for (struct session *s = (c)->sessions; s; s = s->next)
#define child_for_each_served(c, s)  for (struct session *s = (c)->served; s; s = s->next_served)

/* The parent interface served to children (component/child.c). */
extern const struct rpc_interface parent_interface;
