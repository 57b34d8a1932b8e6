/*
 * The client side of the parent protocol: sessions (a call the parent
 * answers once the server answered), Genode's connection semantics,
 * resource requests, yield and heartbeats.
 */
#include <base/format.h>
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/signal.h>

/* The calling thread stops for good (the component's end is its parent's business). */
__attribute__((noreturn)) static void stop(void)
{
	for (;;)
		seL4_Wait(GENODE_SEL_THREAD_LOCK(thread_slot_self()), 0);
}

int env_session(struct env *env, const char *service, const char *args, seL4_CPtr *cap,
		seL4_Word *id)
{
	return env_session_at(env, service, args, 0, cap, id);
}

int env_session_at(struct env *env, const char *service, const char *args,
		   const struct genode_affinity *affinity, seL4_CPtr *cap, seL4_Word *id)
{
	struct parent_session_args a = {
	    .id = __atomic_fetch_add(&env->next_session_id, 1, __ATOMIC_RELAXED)};
	if (affinity)
		a.affinity = *affinity;
	if (strlcpy(a.service, service, sizeof(a.service)) >= sizeof(a.service) ||
	    strlcpy(a.args, args, sizeof(a.args)) >= sizeof(a.args))
		return RPC_INVALID_ARGS;
	int err = parent_session(env->parent, &a, 0, 0, cap);
	if (err == RPC_IPC_ERROR)
		stop(); /* the parent is gone: we are being destroyed, with what we started */
	if (!err && id)
		*id = a.id;
	return err;
}

int env_connect(struct env *env, const char *service, const char *args, seL4_CPtr *cap,
		seL4_Word *id)
{
	char argbuf[GENODE_SESSION_ARGS_MAX];
	strlcpy(argbuf, args, sizeof(argbuf));
	unsigned long ram = session_arg_ulong(argbuf, "ram_quota", 0),
		      caps = session_arg_ulong(argbuf, "cap_quota", 0);
	for (unsigned attempt = 0;; attempt++) {
		session_arg_set_ulong(argbuf, sizeof(argbuf), "ram_quota", ram);
		session_arg_set_ulong(argbuf, sizeof(argbuf), "cap_quota", caps);
		int err = env_session(env, service, argbuf, cap, id);
		switch (err) {
		case RPC_OK:
			return RPC_OK;
		case RPC_INSUFFICIENT_RAM_QUOTA:
			ram += 4096;
			break;
		case RPC_INSUFFICIENT_CAP_QUOTA:
			caps += 4;
			break;
		case RPC_OUT_OF_RAM:
		case RPC_OUT_OF_CAPS:
			if (env_resource_request(env, err == RPC_OUT_OF_RAM ? ram : 0,
						 err == RPC_OUT_OF_CAPS ? caps : 0))
				return err;
			break;
		case RPC_DENIED:
			error("stop because parent denied %s-session: %s", service, argbuf);
			stop();
		default:
			return err;
		}
		if (attempt == 2 || (attempt > 2 && !(attempt & (attempt - 1))))
			warning("re-attempted %s session request %u times (args: %s)", service,
				attempt, argbuf);
	}
}

int env_upgrade(struct env *env, seL4_Word id, const char *args)
{
	struct parent_upgrade_args a = {.id = id};
	strlcpy(a.args, args, sizeof(a.args));
	int err = parent_upgrade(env->parent, &a, 0, 0, 0);
	if (err == RPC_OUT_OF_RAM || err == RPC_OUT_OF_CAPS) {
		if (env_resource_request(env, session_arg_ulong(args, "ram_quota", 0),
					 session_arg_ulong(args, "cap_quota", 0)))
			return err;
		err = parent_upgrade(env->parent, &a, 0, 0, 0);
	}
	return err;
}

int env_close(struct env *env, seL4_Word id, seL4_CPtr cap)
{
	struct parent_id_args a = {id};
	int err = parent_close(env->parent, &a, 0, 0, 0);
	rpc_cap_release(cap);
	return err;
}

/* --- resources ------------------------------------------------------------ */

static struct lock resource_lock;
static bool user_avail_sigh; /* the component handles resource_avail itself */
static bool avail_ready;
static struct signal_receiver avail_receiver;
static struct signal_context avail_context;

void env_resource_avail_sigh(struct env *env, seL4_CPtr sigh)
{
	user_avail_sigh = sigh != 0;
	/* none of the component's: ours again */
	parent_resource_avail_sigh(env->parent, 0, 0, sigh ? sigh : avail_context.cap, 0);
}

int env_resource_request(struct env *env, unsigned long ram, unsigned long caps)
{
	struct parent_resource_args a;
	snprintf(a.args, sizeof(a.args), "ram_quota=%lu, cap_quota=%lu", ram, caps);
	if (user_avail_sigh) {
		parent_resource_request(env->parent, &a, 0, 0, 0);
		return RPC_OUT_OF_RAM;
	}
	/* one request at a time; the others find the quota it brought */
	lock_acquire(&resource_lock);
	if (!avail_ready) {
		lock_release(&resource_lock);
		return RPC_OUT_OF_RAM; /* no way to wait for the answer */
	}
	int err = parent_resource_request(env->parent, &a, 0, 0, 0);
	if (!err) {
		struct signal s = signal_wait(&avail_receiver);
		signal_release(&s);
	}
	lock_release(&resource_lock);
	return err;
}

void env_yield_sigh(struct env *env, seL4_CPtr sigh)
{
	parent_yield_sigh(env->parent, 0, 0, sigh, 0);
}

void env_yield_request(struct env *env, char *args, size_t size)
{
	struct parent_resource_args r = {0};
	parent_yield_request(env->parent, 0, &r, 0, 0);
	strlcpy(args, r.args, size);
}

void env_yield_response(struct env *env)
{
	parent_yield_response(env->parent, 0, 0, 0, 0);
}

/* --- heartbeats: answered by the main entrypoint, as Genode's ------------- */

static struct signal_handler heartbeat;

static void on_heartbeat(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	parent_heartbeat_response(genode_env()->parent, 0, 0, 0, 0);
}

/*
 * At the start: heartbeats answered, and a receiver to wait for resources
 * on. It is there before the first resource request, whose cause may be
 * that no RAM is left for it (Genode has the slab block of the first
 * signal source for it).
 */
void env_init_parent(struct env *env)
{
	if (!signal_handler_init(env, &heartbeat, on_heartbeat))
		parent_heartbeat_sigh(env->parent, 0, 0, heartbeat.cap, 0);
	if (!signal_receiver_init(env, &avail_receiver) &&
	    signal_receiver_manage(&avail_receiver, &avail_context) &&
	    !parent_resource_avail_sigh(env->parent, 0, 0, avail_context.cap, 0))
		avail_ready = true;
}
