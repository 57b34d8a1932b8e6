/* The main thread's entrypoint: RPC objects by badge, signals by imprint. */
#include <base/string.h>
#include <component/clients.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <genode/layout.h>

/* Objects by badge: a small open-addressing table on the heap. */
static struct rpc_object **table;
static size_t table_size, table_count;

static size_t hash(seL4_Word badge)
{
	return (size_t)(badge * 0x9e3779b97f4a7c15ul >> 20) & (table_size - 1);
}

static bool insert(struct rpc_object *o)
{
	if ((table_count + 1) * 2 > table_size) {
		size_t old = table_size;
		struct rpc_object **t = table;
		table_size = old ? old * 2 : 64;
		table = calloc(table_size, sizeof(*table));
		if (!table) {
			table = t, table_size = old;
			return false;
		}
		table_count = 0;
		for (size_t i = 0; i < old; i++)
			if (t[i] && t[i] != (void *)1)
				insert(t[i]);
		free(t);
	}
	size_t i = hash(o->badge);
	while (table[i] && table[i] != (void *)1)
		i = (i + 1) & (table_size - 1);
	table[i] = o;
	table_count++;
	return true;
}

static struct rpc_object *lookup(seL4_Word badge, size_t *at)
{
	if (!table_size)
		return 0;
	for (size_t i = hash(badge), n = 0; table[i] && n < table_size;
	     i = (i + 1) & (table_size - 1), n++)
		if (table[i] != (void *)1 && table[i]->badge == badge) {
			if (at)
				*at = i;
			return table[i];
		}
	return 0;
}

int ep_manage(struct env *env, struct rpc_object *o, const struct rpc_interface *iface, void *impl)
{
	struct pd_rpc_cap_args a = {0};
	struct pd_rpc_cap_result r;
	int err = pd_session_alloc_rpc_cap(env->pd, &a, &r, 0, &o->cap);
	if (err)
		return err;
	o->iface = iface;
	o->impl = impl;
	o->badge = r.badge;
	if (!insert(o)) {
		ep_dissolve(env, o);
		return RPC_OUT_OF_METADATA;
	}
	return RPC_OK;
}

void ep_dissolve(struct env *env, struct rpc_object *o)
{
	size_t at;
	if (lookup(o->badge, &at)) {
		table[at] = (void *)1;
		table_count--;
	}
	struct pd_badge_args a = {o->badge};
	pd_session_free_rpc_cap(env->pd, &a, 0, 0, 0);
	rpc_cap_release(o->cap);
	o->cap = 0;
}

int signal_handler_init(struct env *env, struct signal_handler *h,
			void (*handle)(struct signal_handler *, unsigned long))
{
	h->handle = handle;
	struct pd_context_args a = {(seL4_Word)h};
	return pd_session_alloc_context(env->pd, &a, 0, 0, &h->cap);
}

void signal_handler_dissolve(struct env *env, struct signal_handler *h)
{
	pd_session_free_context(env->pd, 0, 0, h->cap, 0);
	rpc_cap_release(h->cap);
	h->cap = 0;
}

void signal_submit(seL4_CPtr context, unsigned long count)
{
	struct signal_submit_args a = {count};
	signal_context_submit(context, &a, 0, 0, 0);
}

static bool deferred;

int rpc_defer(seL4_CPtr *reply)
{
	*reply = rpc_cspace.alloc();
	if (!*reply ||
	    seL4_CNode_SaveCaller(rpc_cspace.cnode, *reply, (seL4_Uint8)rpc_cspace.depth)) {
		if (*reply)
			rpc_cspace.free(*reply);
		*reply = 0;
		return RPC_OUT_OF_METADATA;
	}
	deferred = true;
	return RPC_OK;
}

void rpc_reply_deferred(seL4_CPtr reply, int err, seL4_CPtr cap)
{
	if (!reply)
		return;
	if (!err && cap)
		seL4_SetCap(0, cap);
	seL4_Send(reply,
		  seL4_MessageInfo_new((seL4_Word)err | RPC_REPLY_MARK, 0, !err && cap ? 1 : 0, 0));
	rpc_cap_release(reply);
}

static void dispatch_signals(struct env *env)
{
	for (;;) {
		struct pd_signal_result r = {0};
		if (pd_session_pending_signal(env->pd, 0, &r, 0, 0) || !r.count)
			return;
		struct signal_handler *h = (struct signal_handler *)r.imprint;
		if (h && h->handle)
			h->handle(h, r.count);
	}
}

__attribute__((noreturn)) void ep_serve(struct env *env)
{
	seL4_CPtr ep = GENODE_SEL_THREAD_EP(0);
	seL4_CPtr slot = 0;
	seL4_Word badge;
	seL4_MessageInfo_t reply = {{0}};
	bool answer = false;
	for (;;) {
		if (!slot)
			slot = rpc_cspace.alloc();
		seL4_SetCapReceivePath(rpc_cspace.cnode, slot, rpc_cspace.depth);
		seL4_MessageInfo_t info =
		    answer ? seL4_ReplyRecv(ep, reply, &badge) : seL4_Recv(ep, &badge);
		answer = false;
		if (badge & GENODE_SIGNAL_BADGE) {
			dispatch_signals(env);
			continue;
		}
		bool received = seL4_MessageInfo_get_extraCaps(info) &&
				!(seL4_MessageInfo_get_capsUnwrapped(info) & 1);
		struct rpc_object *o = lookup(badge, 0);
		if (!o) {
			reply = rpc_error_reply(RPC_INVALID_OBJECT);
		} else {
			bool used;
			reply = rpc_dispatch(o->iface, o->impl, info, slot, &used);
			if (used)
				slot = 0, received = false;
		}
		if (received)
			seL4_CNode_Delete(rpc_cspace.cnode, slot, (seL4_Uint8)rpc_cspace.depth);
		answer = !deferred;
		deferred = false;
	}
}
