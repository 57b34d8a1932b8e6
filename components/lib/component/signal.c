/* Signal receivers: a notification of their own, contexts with references. */
#include <component/clients.h>
#include <component/entrypoint.h>
#include <component/signal.h>
#include <genode/pd_session.h>

int signal_receiver_init(struct env *env, struct signal_receiver *r)
{
	*r = (struct signal_receiver){.env = env};
	struct pd_source_args a = {PD_SOURCE_UNBOUND};
	struct pd_source_result res = {0};
	int err = pd_session_alloc_signal_source(env->pd, &a, &res, 0, &r->ntfn);
	r->source = res.source;
	return err;
}

void signal_receiver_destroy(struct signal_receiver *r)
{
	struct pd_source_id a = {r->source};
	if (r->source)
		pd_session_free_signal_source(r->env->pd, &a, 0, 0, 0);
	rpc_cap_release(r->ntfn);
	r->source = 0;
	r->ntfn = 0;
}

seL4_CPtr signal_receiver_manage(struct signal_receiver *r, struct signal_context *c)
{
	*c = (struct signal_context){.receiver = r};
	struct pd_context_args a = {(seL4_Word)c, r->source};
	if (env_alloc_context(r->env, &a, &c->cap))
		c->cap = 0;
	return c->cap;
}

void signal_receiver_dissolve(struct signal_receiver *r, struct signal_context *c)
{
	/* after this, no fetch can return c any more */
	lock_acquire(&r->lock);
	pd_session_free_context(r->env->pd, 0, 0, c->cap, 0);
	c->dissolving = true;
	bool referenced = c->refs;
	lock_release(&r->lock);
	if (referenced)
		blockade_block(&c->released);
	rpc_cap_release(c->cap);
	c->cap = 0;
}

struct signal signal_pending(struct signal_receiver *r)
{
	struct pd_pending_args a = {r->source, 1};
	struct pd_signal_result res = {0};
	struct signal s = {0};
	lock_acquire(&r->lock);
	if (!pd_session_pending_signal(r->env->pd, &a, &res, 0, 0) && res.n) {
		s.context = (struct signal_context *)res.signal[0].imprint;
		s.num = res.signal[0].count;
		s.context->refs++;
	}
	lock_release(&r->lock);
	return s;
}

struct signal signal_wait(struct signal_receiver *r)
{
	for (;;) {
		struct signal s = signal_pending(r);
		if (s.num)
			return s;
		seL4_Wait(r->ntfn, 0);
	}
}

struct signal signal_copy(const struct signal *s)
{
	if (s->context) {
		lock_acquire(&s->context->receiver->lock);
		s->context->refs++;
		lock_release(&s->context->receiver->lock);
	}
	return *s;
}

void signal_release(struct signal *s)
{
	struct signal_context *c = s->context;
	if (!c)
		return;
	lock_acquire(&c->receiver->lock);
	bool last = !--c->refs && c->dissolving;
	lock_release(&c->receiver->lock);
	if (last)
		blockade_wakeup(&c->released);
	s->context = 0;
}
