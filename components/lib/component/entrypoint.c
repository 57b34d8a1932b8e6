/* Entrypoints: RPC objects by badge, signals by imprint, one loop per thread. */
#include <base/string.h>
#include <component/clients.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <genode/layout.h>

static struct entrypoint main_ep;

struct entrypoint *env_ep(struct env *env)
{
	(void)env;
	return &main_ep;
}

/* --- objects by badge: a small open-addressing table per entrypoint ------- */

#define TOMBSTONE ((struct rpc_object *)1)

static size_t hash(const struct entrypoint *ep, seL4_Word badge)
{
	return (size_t)(badge * 0x9e3779b97f4a7c15ul >> 20) & (ep->table_size - 1);
}

static bool insert(struct entrypoint *ep, struct rpc_object *o)
{
	if ((ep->table_count + 1) * 2 > ep->table_size) {
		size_t old = ep->table_size;
		struct rpc_object **t = ep->table;
		ep->table_size = old ? old * 2 : 64;
		ep->table = calloc(ep->table_size, sizeof(*ep->table));
		if (!ep->table) {
			ep->table = t, ep->table_size = old;
			return false;
		}
		ep->table_count = 0;
		for (size_t i = 0; i < old; i++)
			if (t[i] && t[i] != TOMBSTONE)
				insert(ep, t[i]);
		free(t);
	}
	size_t i = hash(ep, o->badge);
	while (ep->table[i] && ep->table[i] != TOMBSTONE)
		i = (i + 1) & (ep->table_size - 1);
	ep->table[i] = o;
	ep->table_count++;
	return true;
}

static struct rpc_object *lookup(struct entrypoint *ep, seL4_Word badge, size_t *at)
{
	if (!ep->table_size)
		return 0;
	for (size_t i = hash(ep, badge), n = 0; ep->table[i] && n < ep->table_size;
	     i = (i + 1) & (ep->table_size - 1), n++)
		if (ep->table[i] != TOMBSTONE && ep->table[i]->badge == badge) {
			if (at)
				*at = i;
			return ep->table[i];
		}
	return 0;
}

int entrypoint_manage(struct entrypoint *ep, struct rpc_object *o,
		      const struct rpc_interface *iface, void *impl)
{
	struct pd_rpc_cap_args a = {ep->slot};
	struct pd_rpc_cap_result r;
	int err = pd_session_alloc_rpc_cap(ep->env->pd, &a, &r, 0, &o->cap);
	if (err)
		return err;
	o->iface = iface;
	o->impl = impl;
	o->badge = r.badge;
	lock_acquire(&ep->lock);
	bool ok = insert(ep, o);
	lock_release(&ep->lock);
	if (!ok) {
		entrypoint_dissolve(ep, o);
		return RPC_OUT_OF_METADATA;
	}
	return RPC_OK;
}

void entrypoint_dissolve(struct entrypoint *ep, struct rpc_object *o)
{
	size_t at;
	lock_acquire(&ep->lock);
	if (lookup(ep, o->badge, &at)) {
		ep->table[at] = TOMBSTONE;
		ep->table_count--;
	}
	lock_release(&ep->lock);
	struct pd_badge_args a = {o->badge};
	pd_session_free_rpc_cap(ep->env->pd, &a, 0, 0, 0);
	rpc_cap_release(o->cap);
	o->cap = 0;
}

int ep_manage(struct env *env, struct rpc_object *o, const struct rpc_interface *iface, void *impl)
{
	return entrypoint_manage(env_ep(env), o, iface, impl);
}

void ep_dissolve(struct env *env, struct rpc_object *o)
{
	entrypoint_dissolve(env_ep(env), o);
}

/* --- signals -------------------------------------------------------------- */

int signal_handler_init_at(struct entrypoint *ep, struct signal_handler *h,
			   void (*handle)(struct signal_handler *, unsigned long), bool io)
{
	*h = (struct signal_handler){.handle = handle, .ep = ep, .io = io};
	struct pd_context_args a = {(seL4_Word)h, ep->source};
	return env_alloc_context(ep->env, &a, &h->cap);
}

int signal_handler_init(struct env *env, struct signal_handler *h,
			void (*handle)(struct signal_handler *, unsigned long))
{
	return signal_handler_init_at(env_ep(env), h, handle, false);
}

/* The next signal of the entrypoint's source (fetched from core in batches), or NULL. */
static struct signal_handler *next_signal(struct entrypoint *ep, unsigned long *count)
{
	while (ep->batch_next >= ep->batch.n || !ep->batch.signal[ep->batch_next].imprint) {
		if (ep->batch_next < ep->batch.n) {
			ep->batch_next++; /* a handler dissolved meanwhile */
			continue;
		}
		struct pd_pending_args a = {ep->source, PD_SIGNAL_BATCH};
		ep->batch_next = 0;
		if (pd_session_pending_signal(ep->env->pd, &a, &ep->batch, 0, 0))
			ep->batch.n = 0;
		if (!ep->batch.n)
			return 0;
	}
	*count = ep->batch.signal[ep->batch_next].count;
	return (struct signal_handler *)ep->batch.signal[ep->batch_next++].imprint;
}

/* Forget fetched signals of a handler that goes. */
static void forget_fetched(struct entrypoint *ep, struct signal_handler *h)
{
	for (unsigned i = ep->batch_next; i < ep->batch.n; i++)
		if (ep->batch.signal[i].imprint == (seL4_Word)h)
			ep->batch.signal[i].imprint = 0;
}

static void unhold(struct signal_handler *h)
{
	if (!h->ep)
		return;
	for (struct signal_handler **p = &h->ep->deferred; *p; p = &(*p)->next_held)
		if (*p == h) {
			*p = h->next_held;
			break;
		}
	h->held = 0;
}

void signal_handler_dissolve(struct env *env, struct signal_handler *h)
{
	unhold(h);
	if (h->ep)
		forget_fetched(h->ep, h);
	pd_session_free_context(env->pd, 0, 0, h->cap, 0);
	rpc_cap_release(h->cap);
	h->cap = 0;
}

void signal_submit(seL4_CPtr context, unsigned long count)
{
	struct signal_submit_args a = {count};
	signal_context_submit(context, &a, 0, 0, 0);
}

static void hold(struct entrypoint *ep, struct signal_handler *h, unsigned long count)
{
	if (!h->held) {
		h->next_held = 0;
		struct signal_handler **p = &ep->deferred;
		while (*p)
			p = &(*p)->next_held;
		*p = h;
	}
	h->held += count;
}

/* Dispatch what is pending: everything from the loop, I/O level only when nested. */
static void dispatch_signals(struct entrypoint *ep)
{
	for (;;) {
		if (!ep->io_depth && ep->deferred) {
			struct signal_handler *h = ep->deferred;
			unsigned long n = h->held;
			ep->deferred = h->next_held;
			h->held = 0;
			h->handle(h, n);
			continue;
		}
		unsigned long count;
		struct signal_handler *h = next_signal(ep, &count);
		if (!h)
			return;
		if (ep->io_depth && !h->io)
			hold(ep, h, count);
		else if (h->handle)
			h->handle(h, count);
	}
}

void entrypoint_wait_and_dispatch_one_io_signal(struct entrypoint *ep)
{
	ep->io_depth++;
	for (;;) {
		unsigned long count;
		struct signal_handler *h = next_signal(ep, &count);
		if (!h) {
			seL4_Wait(GENODE_SEL_THREAD_NTFN(ep->slot), 0);
			continue;
		}
		if (!h->io) {
			hold(ep, h, count);
			continue;
		}
		if (h->handle)
			h->handle(h, count);
		break;
	}
	ep->io_depth--;
}

/* --- the loop ------------------------------------------------------------- */

static bool deferred[GENODE_MAX_THREADS];

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
	deferred[thread_slot_self()] = true;
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

__attribute__((noreturn)) static void serve(struct entrypoint *ep)
{
	seL4_CPtr ep_cap = GENODE_SEL_THREAD_EP(ep->slot);
	seL4_CPtr slot = 0;
	seL4_Word badge;
	seL4_MessageInfo_t reply = {{0}};
	bool answer = false;
	for (;;) {
		if (!slot)
			slot = rpc_cspace.alloc();
		seL4_SetCapReceivePath(rpc_cspace.cnode, slot, rpc_cspace.depth);
		seL4_MessageInfo_t info =
		    answer ? seL4_ReplyRecv(ep_cap, reply, &badge) : seL4_Recv(ep_cap, &badge);
		answer = false;
		if (badge & GENODE_SIGNAL_BADGE) {
			dispatch_signals(ep);
			continue;
		}
		bool received = seL4_MessageInfo_get_extraCaps(info) &&
				!(seL4_MessageInfo_get_capsUnwrapped(info) & 1);
		lock_acquire(&ep->lock);
		struct rpc_object *o = lookup(ep, badge, 0);
		lock_release(&ep->lock);
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
		answer = !deferred[ep->slot];
		deferred[ep->slot] = false;
		/* application signals held back by a nested wait: answer, then dispatch them */
		if (ep->deferred) {
			if (answer)
				seL4_Reply(reply);
			answer = false;
			dispatch_signals(ep);
		}
	}
}

/* The signal source of an entrypoint: its thread's bound notification. */
static int init_source(struct entrypoint *ep)
{
	struct pd_source_args a = {ep->slot};
	struct pd_source_result r = {0};
	int err = pd_session_alloc_signal_source(ep->env->pd, &a, &r, 0, 0);
	ep->source = r.source;
	return err;
}

int entrypoint_init_main(struct env *env)
{
	main_ep.env = env;
	main_ep.slot = 0;
	return init_source(&main_ep);
}

__attribute__((noreturn)) void ep_serve(struct env *env)
{
	dispatch_signals(env_ep(env)); /* what came during construction */
	serve(env_ep(env));
}

static void ep_thread(void *arg)
{
	struct entrypoint *ep = arg;
	blockade_block(&ep->ready);
	serve(ep);
}

int entrypoint_create(struct env *env, struct entrypoint *ep, const char *name,
		      unsigned long stack_size)
{
	memset(ep, 0, sizeof(*ep));
	ep->env = env;
	int err = thread_create(env, &ep->thread, name, stack_size, ep_thread, ep);
	if (err)
		return err;
	ep->slot = ep->thread.slot;
	if ((err = init_source(ep)) || (err = thread_run(&ep->thread))) {
		thread_destroy(env, &ep->thread);
		return err;
	}
	blockade_wakeup(&ep->ready);
	return RPC_OK;
}

void entrypoint_destroy(struct entrypoint *ep)
{
	thread_destroy(ep->env, &ep->thread);
	/* objects still managed lose their capabilities, as in Genode's ~Rpc_entrypoint */
	for (size_t i = 0; ep->table_count && i < ep->table_size; i++) {
		struct rpc_object *o = ep->table[i];
		if (!o || o == TOMBSTONE)
			continue;
		warning("object pool not empty when destroying an entrypoint");
		entrypoint_dissolve(ep, o);
	}
	struct pd_source_id a = {ep->source};
	pd_session_free_signal_source(ep->env->pd, &a, 0, 0, 0);
	free(ep->table);
	ep->table = 0;
	ep->table_size = ep->table_count = 0;
}
