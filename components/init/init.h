/*
 * init: starts the children its config describes, routes their session
 * requests (to its parent or to other children that announced a service)
 * and accounts for their quotas, as Genode's init does.
 */
#pragma once

#include <base/xml.h>
#include <component/entrypoint.h>
#include <component/env.h>
#include <genode/parent.h>

#define NAME_MAX_LEN  64
#define LABEL_MAX_LEN 160

struct child;

/* A service a child announced. */
struct service {
	char name[GENODE_SERVICE_NAME_MAX];
	struct child *server;
	seL4_CPtr root;
	struct service *next;
};

enum session_state { SESSION_PENDING, SESSION_OPEN };

/* A session a child opened (or waits for) through init. */
struct child_session {
	seL4_Word id; /* the child's id */
	enum session_state state;
	seL4_Word parent_id;  /* init's id at its own parent, if routed there */
	struct child *server; /* the serving child, if routed to one */
	seL4_Word server_id;  /* the server's id of the session */
	bool local;	      /* the config ROM init serves itself */
	seL4_CPtr cap;
	unsigned long ram, caps; /* the donation, moved on to parent or server */
	struct rpc_object rom;	 /* the local config ROM's object */
	seL4_CPtr sigh;		 /* its update signal */
	seL4_CPtr reply;	 /* pending: the client's saved reply */
	char service[GENODE_SERVICE_NAME_MAX];
	char args[GENODE_SESSION_ARGS_MAX]; /* pending: the request, relabelled */
	struct child *child;
	struct child_session *next;
};

enum child_state {
	CHILD_ALIVE,
	CHILD_EXITED,	 /* ended, not restarted */
	CHILD_CRASHED,	 /* failed, not restarted */
	CHILD_RESTARTING /* failed or ended, restarts at restart_at_us */
};

enum restart_policy { RESTART_NEVER, RESTART_ON_FAILURE, RESTART_ALWAYS };

struct child {
	struct rpc_object parent; /* the child's parent capability */
	char name[NAME_MAX_LEN], binary[NAME_MAX_LEN];
	unsigned long ram, caps;
	long priority; /* from -prio_levels + 1 to 0 */
	struct xml_node start;
	seL4_CPtr pd, cpu, log, rom, rom_ds, thread;
	seL4_Word pd_id, cpu_id, log_id, rom_id;
	seL4_CPtr config_ds;   /* the nested <config>, if any */
	seL4_CPtr config_prev; /* the version before, valid until the next change */
	char *config_copy;     /* its text, to notice changes */
	unsigned long config_size;
	struct child_session *sessions;
	struct signal_handler fault;
	enum child_state state;
	long exit_value;
	enum restart_policy restart;
	unsigned long restart_delay_ms, restart_max;
	unsigned long restarts;	     /* how often it was restarted */
	unsigned long failures;	     /* failures in a row (for the back-off) */
	unsigned long started_us;    /* when it was last started */
	unsigned long restart_at_us; /* CHILD_RESTARTING: when */
	char reason[96];	     /* why it crashed */
	struct child *next;
};

/* A session init opens for itself (own.c). */
struct own_session {
	char service[GENODE_SERVICE_NAME_MAX];
	seL4_CPtr cap;
	seL4_Word parent_id;	 /* opened at the parent */
	struct child *server;	 /* or at this child, */
	seL4_Word server_id;	 /* which knows it by this id */
	struct child *pending;	 /* RPC_UNAVAILABLE: this child will provide it */
	unsigned long ram, caps; /* the donation */
};

/*
 * Open one at the parent or else by the <default-route>: RPC_OK,
 * RPC_UNAVAILABLE while the serving child has not announced the service
 * yet, or the error.
 */
int own_session_open(struct own_session *s, const char *service, const char *label,
		     unsigned long ram, unsigned long caps);
void own_session_close(struct own_session *s);
/* The child that served init's own sessions is gone. */
void own_sessions_forget(struct child *server);

enum timer_state { TIMER_UNTRIED, TIMER_OPEN, TIMER_WAITING, TIMER_ABSENT };

struct init {
	struct env *env;
	const char *config_text;
	unsigned long config_size;
	struct xml_node config;
	struct child *children;
	struct service *services;
	unsigned long prio_levels, prio_shift; /* levels = 1 << shift */
	unsigned long preserve;		       /* RAM init keeps for itself */
	bool verbose;
	struct signal_handler retry;	   /* retries requests waiting for a server */
	struct signal_handler config_sigh; /* the config ROM changed */
	struct signal_handler timeout;	   /* a restart is due */
	struct signal_handler control;	   /* a request from the host (sim restart) */
	struct own_session timer;	   /* for restart delays, opened on demand */
	enum timer_state timer_state;
	char *config_copy; /* init's copy of the config text in use */
};

extern struct init init;

/* Start the child a <start> node describes; NULL (with an error logged) if it cannot. */
struct child *child_start(struct xml_node *start);
/* Close the child's sessions, free its PD and everything in it; keep the record if it exited. */
void child_destroy(struct child *c);
/* Destroy the child and drop its record, exited or not. */
void child_remove(struct child *c);
/* Give the child its new nested <config> (from the new start node), signalling its ROM. */
void child_update_config(struct child *c, const struct xml_node *start);
struct child *child_by_name(const char *name);

/* Routing: where a session request of child c goes. */
enum route_kind { ROUTE_NONE, ROUTE_PARENT, ROUTE_CHILD, ROUTE_PENDING };
struct route {
	enum route_kind kind;
	struct child *server;	   /* ROUTE_CHILD, ROUTE_PENDING */
	struct service *service;   /* ROUTE_CHILD */
	char label[LABEL_MAX_LEN]; /* the label the target sees */
	char reason[128];	   /* ROUTE_NONE */
};
void route_session(struct child *c, const char *service, const char *label, struct route *r);
/* The label a session request of c carries onward: "c" or "c -> label". */
void child_label(const struct child *c, const char *label, char *out, size_t size);

/* A child announced a service: record it, serve requests that waited for it. */
int service_announce(struct child *c, const char *name, seL4_CPtr root);
void services_forget(struct child *c);
void sessions_retry_pending(void);

/* Re-exported services (top-level <service> nodes): announce those now served. */
void reexports_update(void);
void reexports_forget(struct child *c);
bool label_matches(const struct xml_node *n, const char *label);

/* Open a routed session (parent or child) for s; an rpc_error. */
int session_open(struct child_session *s, const struct route *r);
void session_close(struct child_session *s);

/*
 * The end of a child: it crashed (failure, with a reason) or exited. Its
 * resources are freed at once; the restart policy decides what follows.
 */
void child_ended(struct child *c, bool failure);
/* Microseconds on init's Timer session, 0 without one. */
unsigned long init_now_us(void);
/* Restart the children whose time has come. */
void restarts_due(void);
/* The Timer session init used is gone (its server died). */
void timer_lost(void);

/* The state report, if the config asks for one. */
void report_state(void);
/* The full report (accounts, sessions and routes) the host asked for (`sim graph`). */
void report_state_for_host(void);

/* The priority argument a CPU-session request of child c carries onward. */
unsigned long child_priority(const struct child *c, unsigned long requested);

/* The parent interface init serves to each child. */
extern const struct rpc_interface parent_interface;
extern const struct rpc_interface rom_session_interface;

/* Config checking: the number of problems reported. */
unsigned config_validate(const struct xml_node *config);

/* Apply a changed config: remove, restart and start children. */
void reconfigure(void);
/* <config verbose prio_levels> and <resource name="RAM" preserve>. */
void read_settings(void);
