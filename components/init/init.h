/*
 * init: starts the children its config describes (with the framework's
 * Child API), routes their session requests (to its parent, to children
 * that serve, or to the child's own "config" ROM) and accounts for their
 * quotas, as Genode's init does.
 */
#pragma once

#include <base/xml.h>
#include <component/child.h>
#include <component/entrypoint.h>
#include <component/env.h>
#include <component/local_rom.h>
#include <genode/parent.h>

#define NAME_MAX_LEN  CHILD_NAME_MAX
#define LABEL_MAX_LEN CHILD_LABEL_MAX

struct init_child;

/* A service a child provides (listed in its <provides>), routable from its start on. */
struct provided {
	struct service service; /* SERVICE_CHILD */
	struct init_child *server;
	bool announced;
	struct provided *next;
};

enum init_child_state {
	CHILD_ALIVE,	  /* started, or starting */
	CHILD_INCOMPLETE, /* could not be started (Genode's state="incomplete") */
	CHILD_EXITED,	  /* ended, not restarted */
	CHILD_CRASHED,	  /* failed, not restarted */
	CHILD_RESTARTING  /* failed or ended, restarts at restart_at_us */
};

enum restart_policy { RESTART_NEVER, RESTART_ON_FAILURE, RESTART_ALWAYS };

/* A delay counted down as timeouts fire (restart.c). */
struct countdown {
	unsigned long left; /* us */
	bool active, counting;
};

struct init_child {
	struct child child; /* the framework's record, while it has a PD */
	char name[NAME_MAX_LEN], binary[NAME_MAX_LEN];
	unsigned long ram, caps;		   /* what the config asks for */
	unsigned long assigned_ram, assigned_caps; /* what it got */
	long priority;				   /* from -prio_levels + 1 to 0 */
	struct genode_affinity affinity;	   /* its CPUs in init's affinity space */
	struct xml_node start;
	char *start_copy; /* the text of its start node, to notice changes */
	struct provided *provides;
	struct local_rom config; /* its inline <config> as its "config" ROM */
	bool has_config;
	char *config_copy;
	struct signal_handler fault;
	enum init_child_state state;
	bool has_pd; /* child is valid: created, not destroyed yet */
	long exit_value;
	enum restart_policy restart;
	unsigned long restart_delay_ms, restart_max;
	unsigned long restarts;	     /* how often it was restarted */
	unsigned long failures;	     /* failures in a row (for the back-off) */
	struct countdown restart_cd; /* CHILD_RESTARTING: until the restart */
	struct countdown stable_cd;  /* until it ran long enough to reset the back-off */
	char reason[96];	     /* why it crashed */
	unsigned long requested_ram, requested_caps; /* resource request not answered yet */
	bool heartbeat;				     /* <heartbeat> in its start node */
	unsigned long restart_after_skipped;
	unsigned long last_skipped;
	struct init_child *next;
};

/* A session init opens for itself (own.c). */
struct own_session {
	struct session *s; /* at a child: the request (the framework's record) */
	seL4_CPtr cap;
	seL4_Word parent_id;
	bool open;		    /* available */
	bool at_parent;		    /* s.parent_id names it at the parent */
	struct init_child *pending; /* it waits for this child to serve */
	void (*ready)(struct own_session *o);
};

enum own_state { OWN_UNTRIED, OWN_OPEN, OWN_WAITING, OWN_ABSENT };

/* A Timer session of init's own (restart delays, heartbeats, report delays). */
struct own_timer {
	struct own_session session;
	enum own_state state;
	const char *what;    /* for the log: what goes without it */
	seL4_CPtr sigh;	     /* its timeouts' handler */
	void (*ready)(void); /* it became available after a wait */
};

struct init {
	struct env *env;
	const char *config_text;
	unsigned long config_size;
	struct xml_node config;
	struct init_child *children;
	unsigned long prio_levels, prio_shift;	     /* levels = 1 << shift */
	struct genode_affinity_space affinity_space; /* <affinity-space>, else 1 x 1 */
	bool has_affinity_space;
	unsigned long preserve_ram, preserve_caps; /* what init keeps for itself */
	bool verbose;
	struct signal_handler config_sigh; /* the config ROM changed */
	struct signal_handler control;	   /* a request from the host (sim restart) */
	struct signal_handler resource_avail;
	struct own_timer timer; /* for restart delays, opened on demand */
	char *config_copy;	/* init's copy of the config text in use */
};

extern struct init init;
extern const struct child_policy init_policy;

/* --- children (children.c) ----------------------------------------------- */

/* Start the child a <start> node describes; NULL (with an error logged) if it cannot. */
struct init_child *start_child(struct xml_node *start);
/* Close the child's sessions, free its PD and everything in it; keep the record if it ended. */
void stop_child(struct init_child *c);
/* Destroy the child and drop its record, ended or not. */
void remove_child(struct init_child *c);
/* A changed start node of a running child: config, quota, heartbeat, in place. */
void update_child(struct init_child *c, const struct xml_node *start);
struct init_child *child_named(const char *name);
struct init_child *init_child_of(struct child *c);
bool child_alive(const struct init_child *c);
/* The priority argument a CPU-session request of child c carries onward. */
unsigned long child_priority(const struct init_child *c, unsigned long requested);
/* Sessions waiting for a server that is back: route them again. */
void children_retry_sessions(void);

/* --- routing (route.c) --------------------------------------------------- */

bool init_route(struct child *c, const char *service, const char *label, struct route *r);
/* Route a session of init itself by the <default-route>: false if there is none. */
bool init_route_own(const char *service, const char *label, struct route *r);
int init_announce(struct child *c, const char *service);
/* The <provides> services of a child: made at its start, dropped at its end. */
void provided_create(struct init_child *c);
void provided_destroy(struct init_child *c);
/* Whether a <policy> or route rule's label attributes match a full label. */
int policy_score(const struct xml_node *policy, const char *label);
/* "a -> b -> c": "c" */
const char *label_last(const char *label);

/* --- re-exported services (reexport.c) ----------------------------------- */

void reexports_update(void);

/* --- init's own sessions (own.c) ----------------------------------------- */

/*
 * Open one at the parent or else by the <default-route>: RPC_OK,
 * RPC_UNAVAILABLE while the serving child has not answered yet (ready is
 * called once it did), or the error.
 */
int own_session_open(struct own_session *o, const char *service, const char *label,
		     unsigned long ram, unsigned long caps, const char *extra,
		     void (*ready)(struct own_session *));
void own_session_close(struct own_session *o);
/* Whether the Timer is there; opens it on first use (the state tells the rest). */
bool own_timer_open(struct own_timer *t);
/* Its timeouts (false: no Timer); its signal handler. */
bool own_timer_once(struct own_timer *t, unsigned long us);
bool own_timer_periodic(struct own_timer *t, unsigned long us);
void own_timer_sigh(struct own_timer *t, seL4_CPtr sigh);

/* --- calls to init's own sessions, made by init's worker thread (worker.c) --- */

void worker_timer_sigh(seL4_CPtr timer, seL4_CPtr sigh);
void worker_timer_once(seL4_CPtr timer, unsigned long us);
void worker_timer_periodic(seL4_CPtr timer, unsigned long us);
/* Submit a report through session (generation: which one; mapped on first use). */
void worker_report(seL4_CPtr session, unsigned long generation, const char *text, size_t len);
/* Release a capability once the calls queued before have been made. */
void worker_release(seL4_CPtr cap);
/* The child server is gone: a Timer it served is gone too (true if so). */
bool own_timer_server_gone(struct own_timer *t, struct init_child *server);
/* A config change may route to a Timer now. */
void own_timer_retry(struct own_timer *t);
/* --- restarts (restart.c) ------------------------------------------------ */

/*
 * The end of a child: it crashed (failure, with a reason) or exited. Its
 * resources are freed at once; the restart policy decides what follows.
 */
void child_ended(struct init_child *c, bool failure);
/* The child runs: count the time until its back-off starts over. */
void child_started_running(struct init_child *c);
void restarts_init(void);
/* The Timer became available: count the delays from now. */
void restarts_due(void);
/* A child that served init's Timer is gone. */
void timer_server_gone(struct init_child *server);

/* --- heartbeats (heartbeat.c) -------------------------------------------- */

void heartbeat_apply_config(void);
void heartbeat_server_gone(struct init_child *server);

/* --- state report (report.c) --------------------------------------------- */

/* The state report, if the config asks for one, now or after its delay. */
void report_state(void);
/*
 * The full report (accounts, sessions and where each was routed) the host
 * asked for (`sim graph`), on init's LOG.
 */
void report_state_for_host(void);
void report_apply_config(void);
void report_server_gone(struct init_child *server);

/* --- config (main.c, validate.c) ----------------------------------------- */

/* Config checking: the number of problems reported. */
unsigned config_validate(const struct xml_node *config);
/* Apply a changed config: remove, restart, update and start children. */
void reconfigure(void);
/* <config verbose prio_levels> and <resource name="RAM|CAP" preserve>. */
void read_settings(void);
