/*
 * dummy's LOG service and LOG connections, as Genode's dummy has them:
 *   <log_service verbose="no" delay_close_ms="0" open_on_create="no"/>
 *       announce a LOG service; each message is logged as "[label] text";
 *       open_on_create (ours): each session's creation opens a LOG session
 *       at our parent first (a server calling its parent while it creates
 *       a session), closed with it
 *   <create_log_connections count="N" ram_upgrade="Q"/>
 *       open N LOG sessions at the parent (labelled 0 .. N-1), upgrade each
 *       by Q bytes
 *   <destroy_log_connections/>
 *       close them again
 */
#include "dummy.h"
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>
#include <component/root.h>
#include <component/timer.h>
#include <genode/log_session.h>

/* --- the service ---------------------------------------------------------- */

struct log_session {
	struct rpc_object obj; /* first: the entrypoint finds the session by it */
	seL4_Word id;
	char label[128];
	struct connection own; /* open_on_create: ours at the parent */
	struct log_session *next;
};

static struct log_session *sessions;
static struct root root;
static bool verbose, open_on_create;
static unsigned long delay_close_ms;
static struct timer timer;

RPC_SERVER(log_session_interface, LOG_SESSION_RPC);

int serve_log_session_write(void *obj, const struct log_write_args *in, struct rpc_none *out,
			    struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct log_session *s = obj;
	char text[LOG_STRING_MAX];
	strlcpy(text, in->string, sizeof(text));
	/* strip the line's end */
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		text[--n] = 0;
	log("[%s] %s", s->label, text);
	return RPC_OK;
}

static int create(struct root *r, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)r;
	struct log_session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	session_arg_string(args, "label", s->label, sizeof(s->label));
	if (open_on_create) {
		char label[160];
		snprintf(label, sizeof(label), "for %s", s->label);
		int err = log_connect(genode_env(), label, &s->own);
		if (err) {
			error("no session at the parent while creating one: %s",
			      rpc_error_name(err));
			free(s);
			return err;
		}
		log("opened a session at the parent while creating one for %s", s->label);
	}
	int err = ep_manage(genode_env(), &s->obj, &log_session_interface, s);
	if (err) {
		if (s->own.cap)
			env_close(genode_env(), s->own.id, s->own.cap);
		free(s);
		return err;
	}
	s->id = id;
	s->next = sessions;
	sessions = s;
	*cap = s->obj.cap;
	if (verbose)
		log("opening session with label %s", s->label);
	return RPC_OK;
}

static int upgrade(struct root *r, seL4_Word id, const char *args)
{
	(void)r, (void)id;
	struct pd_quota_result q = {0};
	pd_session_quota(genode_env()->pd, 0, &q, 0, 0);
	if (q.ram_quota - q.ram_used >= session_arg_ulong(args, "ram_quota", 0))
		log("received session quota upgrade");
	return RPC_OK;
}

static int destroy(struct root *r, seL4_Word id)
{
	(void)r;
	if (delay_close_ms) {
		log("delay close by %lu ms", delay_close_ms);
		timer_msleep(&timer, delay_close_ms);
	} else {
		log("close session without delay");
	}
	for (struct log_session **p = &sessions; *p; p = &(*p)->next)
		if ((*p)->id == id) {
			struct log_session *s = *p;
			*p = s->next;
			if (verbose)
				log("closing session with label %s", s->label);
			ep_dissolve(genode_env(), &s->obj);
			if (s->own.cap)
				env_close(genode_env(), s->own.id, s->own.cap);
			free(s);
			break;
		}
	return RPC_OK;
}

void dummy_log_service(struct env *env, const struct xml_node *n)
{
	verbose = xml_attr_bool(n, "verbose", false);
	open_on_create = xml_attr_bool(n, "open_on_create", false);
	xml_attr_ulong(n, "delay_close_ms", &delay_close_ms);
	if (delay_close_ms && timer_connect(env, &timer)) {
		error("no Timer session for delay_close_ms");
		delay_close_ms = 0;
	}
	root.create = create;
	root.upgrade = upgrade;
	root.destroy = destroy;
	int err = root_announce(env, "LOG", &root);
	if (err)
		error("cannot announce the LOG service: %s", rpc_error_name(err));
	else
		log("created LOG service");
}

/* --- connections ------------------------------------------------------------ */

#define MAX_CONNECTIONS 64

static struct connection connections[MAX_CONNECTIONS];
static unsigned connection_count;

void dummy_create_log_connections(struct env *env, const struct xml_node *n)
{
	unsigned long count = 0, ram_upgrade = 0;
	xml_attr_ulong(n, "count", &count);
	xml_attr_ulong(n, "ram_upgrade", &ram_upgrade);
	log("going to create %lu LOG connections", count);
	for (unsigned long i = 0; i < count && connection_count < MAX_CONNECTIONS; i++) {
		char label[24];
		snprintf(label, sizeof(label), "%lu", i);
		struct connection *c = &connections[connection_count];
		int err = log_connect(env, label, c);
		if (err) {
			error("LOG connection %lu failed: %s", i, rpc_error_name(err));
			continue;
		}
		connection_count++;
		if (ram_upgrade) {
			char args[48];
			log("upgrade connection %lu", i);
			snprintf(args, sizeof(args), "ram_quota=%lu", ram_upgrade);
			if ((err = env_upgrade(env, c->id, args)))
				error("upgrade of connection %lu failed: %s", i,
				      rpc_error_name(err));
		}
	}
	log("created all LOG connections");
}

void dummy_destroy_log_connections(struct env *env)
{
	while (connection_count) {
		struct connection *c = &connections[--connection_count];
		env_close(env, c->id, c->cap);
	}
	log("destroyed all LOG connections");
}
