/* Signal sources and contexts, and the delivery of signals to their PD. */
#include "signal.h"
#include "core.h"
#include "cspace.h"
#include "pd_session.h"
#include "untyped.h"
#include <genode/layout.h>
#include <genode/pd_session.h>

RPC_SERVER(signal_context_interface, SIGNAL_CONTEXT_RPC);

static seL4_Word next_source_id = 1;

struct signal_source *signal_source_create(struct pd_session *pd, seL4_CPtr ntfn, unsigned slot)
{
	struct signal_source *s = core_zalloc(sizeof(*s));
	if (!s)
		return 0;
	if (!ntfn &&
	    !(ntfn = s->own = kobj_create(seL4_NotificationObject, 0, seL4_PageBits, &s->own_ut))) {
		core_free(s);
		return 0;
	}
	s->ntfn = cspace_alloc();
	if (!s->ntfn || seL4_CNode_Mint(core_cspace, s->ntfn, CORE_DEPTH, core_cspace, ntfn,
					CORE_DEPTH, seL4_AllRights, GENODE_SIGNAL_BADGE)) {
		cspace_release(s->ntfn);
		if (s->own)
			kobj_destroy(s->own, s->own_ut);
		core_free(s);
		return 0;
	}
	s->id = next_source_id++;
	s->pd = pd;
	s->bound_slot = s->own ? ~0u : slot;
	s->next = pd->sources;
	pd->sources = s;
	return s;
}

unsigned long signal_source_destroy(struct signal_source *s)
{
	unsigned long n = 0;
	for (struct signal_context **p = &s->pd->contexts; *p;) {
		if ((*p)->source != s) {
			p = &(*p)->next;
			continue;
		}
		signal_context_destroy(*p);
		n++;
	}
	for (struct signal_source **p = &s->pd->sources; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	cspace_release(s->ntfn);
	if (s->own)
		kobj_destroy(s->own, s->own_ut);
	core_free(s);
	return n;
}

struct signal_source *signal_source_lookup(struct pd_session *pd, seL4_Word id)
{
	struct signal_source *s = pd->sources;
	while (s && s->id != id)
		s = s->next;
	return s;
}

void signal_sources_unbind(struct pd_session *pd, unsigned slot)
{
	for (struct signal_source *s = pd->sources; s; s = s->next)
		if (!s->own && s->bound_slot == slot && s->ntfn) {
			cspace_release(s->ntfn);
			s->ntfn = 0;
		}
}

struct signal_context *signal_context_create(struct signal_source *s, seL4_Word imprint)
{
	struct signal_context *c = core_zalloc(sizeof(*c));
	if (!c || !obj_register(&c->obj, &signal_context_interface, c)) {
		core_free(c);
		return 0;
	}
	c->source = s;
	c->imprint = imprint;
	c->next = s->pd->contexts;
	s->pd->contexts = c;
	return c;
}

static void unqueue(struct signal_context *c)
{
	if (!c->queued)
		return;
	for (struct signal_context **p = &c->source->pending; *p; p = &(*p)->next_pending)
		if (*p == c) {
			*p = c->next_pending;
			break;
		}
	c->queued = false;
}

void signal_context_destroy(struct signal_context *c)
{
	if (!c)
		return;
	unqueue(c);
	for (struct signal_context **p = &c->source->pd->contexts; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	obj_unregister(&c->obj);
	core_free(c);
}

void signal_submit(struct signal_context *c, unsigned long count)
{
	if (!c || !count)
		return;
	c->count += count;
	if (!c->queued) {
		/* FIFO: append */
		struct signal_context **p = &c->source->pending;
		while (*p)
			p = &(*p)->next_pending;
		c->next_pending = 0;
		*p = c;
		c->queued = true;
	}
	if (c->source->ntfn)
		seL4_Signal(c->source->ntfn);
}

struct signal_context *signal_next_pending(struct signal_source *s, unsigned long *count)
{
	struct signal_context *c = s->pending;
	if (!c)
		return 0;
	s->pending = c->next_pending;
	c->queued = false;
	*count = c->count;
	c->count = 0;
	return c;
}

int serve_signal_context_submit(void *obj, const struct signal_submit_args *in,
				struct rpc_none *out, struct rpc_cap_arg *cap_in,
				seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	signal_submit(obj, in->count ? in->count : 1);
	return RPC_OK;
}

void signal_submit_badge(seL4_Word badge, unsigned long count)
{
	struct core_obj *o = badge ? obj_lookup(badge) : 0;
	if (o && o->iface == &signal_context_interface)
		signal_submit(o->impl, count);
}

seL4_Word signal_badge_arg(const struct rpc_cap_arg *arg)
{
	struct signal_context *c = obj_arg(arg, &signal_context_interface);
	return c ? c->obj.badge : 0;
}
