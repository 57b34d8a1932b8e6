/* Signal contexts and their delivery to the receiving PD. */
#include "signal.h"
#include "core.h"
#include "pd_session.h"
#include <genode/pd_session.h>

RPC_SERVER(signal_context_interface, SIGNAL_CONTEXT_RPC);

struct signal_context *signal_context_create(struct pd_session *pd, seL4_Word imprint)
{
	struct signal_context *c = core_zalloc(sizeof(*c));
	if (!c || !obj_register(&c->obj, &signal_context_interface, c)) {
		core_free(c);
		return 0;
	}
	c->receiver = pd;
	c->imprint = imprint;
	c->next = pd->contexts;
	pd->contexts = c;
	return c;
}

static void unqueue(struct signal_context *c)
{
	if (!c->queued)
		return;
	for (struct signal_context **p = &c->receiver->pending; *p; p = &(*p)->next_pending)
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
	for (struct signal_context **p = &c->receiver->contexts; *p; p = &(*p)->next)
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
		struct signal_context **p = &c->receiver->pending;
		while (*p)
			p = &(*p)->next_pending;
		c->next_pending = 0;
		*p = c;
		c->queued = true;
	}
	if (c->receiver->signal_ntfn)
		seL4_Signal(c->receiver->signal_ntfn);
}

struct signal_context *signal_next_pending(struct pd_session *pd, unsigned long *count)
{
	struct signal_context *c = pd->pending;
	if (!c)
		return 0;
	pd->pending = c->next_pending;
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
