/* The PD service. */
#include "pd_session.h"
#include "core.h"
#include "cpu_session.h"
#include <base/string.h>
#include <genode/layout.h>
#include <genode/pd_session.h>
#include <sim/layout.h>

struct pd_session *all_pds;

/* A signal context's record in core, paid by its PD as Genode's core charges it. */
#define CONTEXT_RAM ((sizeof(struct signal_context) + 15) & ~15ul)

static int pd_create(struct core_session *s, const char *args);
static void return_to_ref(struct pd_session *pd);
static void pd_destroy(struct core_session *s);

RPC_SERVER(pd_session_interface, PD_SESSION_RPC);

const struct core_service pd_service = {
    .name = "PD",
    .ram_cost = PLATFORM_PD_COST,
    .cap_cost = 4,
    .create = pd_create,
    .destroy = pd_destroy,
    .iface = &pd_session_interface,
    .size = sizeof(struct pd_session),
};

struct pd_session *pd_of_session(struct core_session *s)
{
	return s && s->service == &pd_service ? (struct pd_session *)s : 0;
}

static int pd_create(struct core_session *s, const char *args)
{
	(void)args;
	struct pd_session *pd = (struct pd_session *)s;
	seL4_Error assign_err;
	if (!platform_pd_create(&pd->pf, &assign_err)) {
		if (assign_err != seL4_NoError) {
			/* no ASID for it, or the kernel's host cannot make its process */
			core_log("core: PD '%s' cannot be created: seL4_X86_ASIDPool_Assign "
				 "returned %d%s\n",
				 s->label, (int)assign_err,
				 assign_err == seL4_NotEnoughMemory
				     ? " (NotEnoughMemory: the kernel is out of resources)"
				     : "");
			pd_destroy(s);
			return RPC_DENIED;
		}
		goto fail;
	}
	pd->address_space = rm_create(SIM_USER_TOP, &s->account, false, &pd->pf.vs);
	pd->stack_area = rm_create(GENODE_STACK_AREA_SIZE, &s->account, true, 0);
	if (!pd->address_space || !pd->stack_area)
		goto fail;
	unsigned long at;
	/* The parts of the window the host keeps (sim/layout.h) are never attached. */
	if (rm_attach(pd->address_space, 0, SIM_USER_BASE, 0, true, 0, false, false, &at) ||
	    rm_attach(pd->address_space, 0, SIM_RUNTIME_SIZE, 0, true, SIM_RUNTIME_BASE, false,
		      false, &at) ||
	    rm_attach(pd->address_space, pd->stack_area->ds, 0, 0, true, GENODE_STACK_AREA_BASE,
		      false, true, &at))
		goto fail;
	pd->initial_ram = s->account.ram_quota;
	pd->initial_caps = s->account.cap_quota;
	pd->next = all_pds;
	all_pds = pd;
	return RPC_OK;
fail:
	pd_destroy(s);
	return untyped_avail() < PLATFORM_PD_COST ? RPC_OUT_OF_RAM : RPC_OUT_OF_METADATA;
}

struct dataspace *pd_alloc_ram(struct pd_session *pd, unsigned long size, int *err)
{
	struct dataspace *ds = ds_alloc_ram(size, &pd->s.account, err);
	if (ds) {
		ds->next = pd->dataspaces;
		pd->dataspaces = ds;
	}
	return ds;
}

void pd_thread_add(struct pd_session *pd, struct cpu_thread *t)
{
	t->next_in_pd = pd->threads;
	pd->threads = t;
}

void pd_thread_remove(struct pd_session *pd, struct cpu_thread *t)
{
	for (struct cpu_thread **p = &pd->threads; *p; p = &(*p)->next_in_pd)
		if (*p == t) {
			*p = t->next_in_pd;
			break;
		}
}

void pd_fault_resolved(struct pd_session *pd)
{
	pd->faults++;
}

bool pd_lost(struct pd_session *pd)
{
	bool first = !pd->dead;
	pd->dead = true;
	return first;
}

static void pd_destroy(struct core_session *s)
{
	struct pd_session *pd = (struct pd_session *)s;
	if (core_verbose && pd->pf.pml4)
		core_log("core: PD '%s' closed: %lu page faults resolved, %lu KiB mapped\n",
			 s->label, pd->faults, pd->pf.vs.mapped_bytes >> 10);
	for (struct pd_session **p = &all_pds; *p; p = &(*p)->next)
		if (*p == pd) {
			*p = pd->next;
			break;
		}
	while (pd->threads)
		cpu_thread_destroy(pd->threads);
	size_t i = 0;
	unsigned long badge, sel;
	while (umap_next(&pd->rpc_caps, &i, &badge, &sel)) {
		seL4_CNode_Revoke(core_cspace, sel, CORE_DEPTH);
		cspace_release(sel);
		account_release(&s->account, 0, 1);
	}
	umap_clear(&pd->rpc_caps);
	while (pd->sources) {
		unsigned long ram = pd->sources->own ? seL4_PageSize : 0;
		unsigned long contexts = signal_source_destroy(pd->sources);
		account_release(&s->account, ram + contexts * CONTEXT_RAM, contexts + 1);
	}
	while (pd->dataspaces) {
		struct dataspace *ds = pd->dataspaces;
		pd->dataspaces = ds->next;
		ds_destroy(ds);
	}
	rm_destroy(pd->stack_area);
	rm_destroy(pd->address_space);
	/* deleting the CNodes and the PML4 ends the PD's process */
	platform_pd_destroy(&pd->pf);
	return_to_ref(pd);
}

/* --- RPC interface ------------------------------------------------------ */

int serve_pd_session_alloc(void *obj, const struct pd_alloc_args *in, struct pd_alloc_result *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)cap_in;
	struct pd_session *pd = obj;
	int err;
	struct dataspace *ds = pd_alloc_ram(pd, in->size, &err);
	if (!ds)
		return err;
	out->size = ds->size;
	*cap_out = ds->obj.cap;
	return RPC_OK;
}

int serve_pd_session_free(void *obj, const struct rpc_none *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct pd_session *pd = obj;
	struct dataspace *ds = obj_arg(cap_in, &dataspace_interface);
	for (struct dataspace **p = &pd->dataspaces; ds && *p; p = &(*p)->next)
		if (*p == ds) {
			*p = ds->next;
			ds_destroy(ds);
			return RPC_OK;
		}
	return RPC_INVALID_DATASPACE;
}

int serve_pd_session_quota(void *obj, const struct rpc_none *in, struct pd_quota_result *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	struct pd_session *pd = obj;
	out->ram_quota = pd->s.account.ram_quota;
	out->ram_used = pd->s.account.ram_used;
	out->cap_quota = pd->s.account.cap_quota;
	out->cap_used = pd->s.account.cap_used;
	return RPC_OK;
}

/* What a PD can give away: its quota beyond the donation, as far as it is free. */
static unsigned long transferable(unsigned long quota, unsigned long initial, unsigned long used)
{
	unsigned long above = quota > initial ? quota - initial : 0, free = quota - used;
	return above < free ? above : free;
}

int serve_pd_session_transfer_quota(void *obj, const struct pd_transfer_args *in,
				    struct rpc_none *out, struct rpc_cap_arg *cap_in,
				    seL4_CPtr *cap_out)
{
	(void)out, (void)cap_out;
	struct pd_session *from = obj, *to = obj_arg(cap_in, &pd_session_interface);
	if (!to)
		return RPC_INVALID_OBJECT;
	/* transfers are permitted only from and to the reference account */
	if (from->ref != to && to->ref != from)
		return RPC_DENIED;
	const struct account *a = &from->s.account;
	if (in->ram > transferable(a->ram_quota, from->initial_ram, a->ram_used))
		return RPC_OUT_OF_RAM;
	if (in->caps > transferable(a->cap_quota, from->initial_caps, a->cap_used))
		return RPC_OUT_OF_CAPS;
	account_transfer(&from->s.account, &to->s.account, in->ram, in->caps);
	return RPC_OK;
}

int serve_pd_session_ref_account(void *obj, const struct rpc_none *in, struct rpc_none *out,
				 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct pd_session *pd = obj, *ref = obj_arg(cap_in, &pd_session_interface);
	if (!ref || ref == pd)
		return RPC_INVALID_OBJECT;
	if (pd->ref)
		return pd->ref == ref ? RPC_OK : RPC_DENIED; /* set once, as Genode's */
	pd->ref = ref;
	return RPC_OK;
}

/*
 * A PD goes: what it got by transfers goes back to its reference account,
 * which adopts the PDs that had this one as theirs (Genode's ~Account).
 */
static void return_to_ref(struct pd_session *pd)
{
	for (struct pd_session *p = all_pds; p; p = p->next)
		if (p->ref == pd)
			p->ref = pd->ref;
	if (!pd->ref)
		return; /* all of it goes back to the session's payer */
	struct account *a = &pd->s.account;
	unsigned long ram = transferable(a->ram_quota, pd->initial_ram, a->ram_used),
		      caps = transferable(a->cap_quota, pd->initial_caps, a->cap_used);
	account_transfer(a, &pd->ref->s.account, ram, caps);
	pd->ref = 0;
}

int serve_pd_session_address_space(void *obj, const struct rpc_none *in, struct rpc_none *out,
				   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in;
	*cap_out = ((struct pd_session *)obj)->address_space->obj.cap;
	return RPC_OK;
}

int serve_pd_session_stack_area(void *obj, const struct rpc_none *in, struct rpc_none *out,
				struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in;
	*cap_out = ((struct pd_session *)obj)->stack_area->obj.cap;
	return RPC_OK;
}

int serve_pd_session_assign_parent(void *obj, const struct rpc_none *in, struct rpc_none *out,
				   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct pd_session *pd = obj;
	if (!cap_in->present)
		return RPC_INVALID_ARGS;
	/* the parent is another component's object: it arrived as a capability */
	seL4_CPtr cap = cap_in->local ? 0 : cap_in->sel;
	if (!cap || platform_pd_install(&pd->pf, GENODE_SEL_PARENT, cap, 0) != seL4_NoError)
		return RPC_INVALID_ARGS;
	return RPC_OK;
}

int serve_pd_session_alloc_rpc_cap(void *obj, const struct pd_rpc_cap_args *in,
				   struct pd_rpc_cap_result *out, struct rpc_cap_arg *cap_in,
				   seL4_CPtr *cap_out)
{
	(void)cap_in;
	struct pd_session *pd = obj;
	struct cpu_thread *t = pd->threads;
	while (t && t->slot != in->thread_slot)
		t = t->next_in_pd;
	if (!t)
		return RPC_INVALID_ARGS;
	if (!account_charge(&pd->s.account, 0, 1))
		return RPC_OUT_OF_CAPS;
	seL4_Word badge = badge_alloc();
	seL4_CPtr sel = badge ? cspace_alloc() : 0;
	if (!sel ||
	    seL4_CNode_Mint(core_cspace, sel, CORE_DEPTH, core_cspace, t->pf.ep, CORE_DEPTH,
			    seL4_AllRights, badge) != seL4_NoError ||
	    !umap_put(&pd->rpc_caps, badge, sel)) {
		cspace_release(sel);
		account_release(&pd->s.account, 0, 1);
		return RPC_OUT_OF_METADATA;
	}
	out->badge = badge;
	*cap_out = sel;
	return RPC_OK;
}

int serve_pd_session_free_rpc_cap(void *obj, const struct pd_badge_args *in, struct rpc_none *out,
				  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct pd_session *pd = obj;
	unsigned long sel;
	if (!umap_del(&pd->rpc_caps, in->badge, &sel))
		return RPC_INVALID_ARGS;
	seL4_CNode_Revoke(core_cspace, sel, CORE_DEPTH);
	cspace_release(sel);
	account_release(&pd->s.account, 0, 1);
	return RPC_OK;
}

/* What a source costs: its slot, and a notification if it has one of its own. */
static unsigned long source_ram(const struct pd_source_args *in)
{
	return in->thread_slot == PD_SOURCE_UNBOUND ? seL4_PageSize : 0;
}

int serve_pd_session_alloc_signal_source(void *obj, const struct pd_source_args *in,
					 struct pd_source_result *out, struct rpc_cap_arg *cap_in,
					 seL4_CPtr *cap_out)
{
	(void)cap_in;
	struct pd_session *pd = obj;
	seL4_CPtr ntfn = 0;
	if (in->thread_slot != PD_SOURCE_UNBOUND) {
		struct cpu_thread *t = pd->threads;
		while (t && t->slot != in->thread_slot)
			t = t->next_in_pd;
		if (!t)
			return RPC_INVALID_ARGS;
		ntfn = t->pf.ntfn;
	}
	if (!account_charge(&pd->s.account, source_ram(in), 1))
		return source_ram(in) > pd->s.account.ram_quota - pd->s.account.ram_used
			   ? RPC_OUT_OF_RAM
			   : RPC_OUT_OF_CAPS;
	struct signal_source *s = signal_source_create(pd, ntfn, (unsigned)in->thread_slot);
	if (!s) {
		account_release(&pd->s.account, source_ram(in), 1);
		return RPC_OUT_OF_METADATA;
	}
	out->source = s->id;
	*cap_out = s->own;
	return RPC_OK;
}

int serve_pd_session_free_signal_source(void *obj, const struct pd_source_id *in,
					struct rpc_none *out, struct rpc_cap_arg *cap_in,
					seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct pd_session *pd = obj;
	struct signal_source *s = signal_source_lookup(pd, in->source);
	if (!s)
		return RPC_INVALID_ARGS;
	struct pd_source_args a = {s->own ? PD_SOURCE_UNBOUND : 0};
	unsigned long contexts = signal_source_destroy(s);
	account_release(&pd->s.account, source_ram(&a) + contexts * CONTEXT_RAM, contexts + 1);
	return RPC_OK;
}

int serve_pd_session_alloc_context(void *obj, const struct pd_context_args *in,
				   struct rpc_none *out, struct rpc_cap_arg *cap_in,
				   seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct pd_session *pd = obj;
	struct signal_source *src = signal_source_lookup(pd, in->source);
	if (!src)
		return RPC_INVALID_ARGS;
	if (!account_charge(&pd->s.account, CONTEXT_RAM, 1))
		return CONTEXT_RAM > pd->s.account.ram_quota - pd->s.account.ram_used
			   ? RPC_OUT_OF_RAM
			   : RPC_OUT_OF_CAPS;
	struct signal_context *c = signal_context_create(src, in->imprint);
	if (!c) {
		account_release(&pd->s.account, CONTEXT_RAM, 1);
		return RPC_OUT_OF_METADATA;
	}
	*cap_out = c->obj.cap;
	return RPC_OK;
}

int serve_pd_session_free_context(void *obj, const struct rpc_none *in, struct rpc_none *out,
				  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct pd_session *pd = obj;
	struct signal_context *c = obj_arg(cap_in, &signal_context_interface);
	if (!c || c->source->pd != pd)
		return RPC_INVALID_ARGS;
	signal_context_destroy(c);
	account_release(&pd->s.account, CONTEXT_RAM, 1);
	return RPC_OK;
}

int serve_pd_session_pending_signal(void *obj, const struct pd_pending_args *in,
				    struct pd_signal_result *out, struct rpc_cap_arg *cap_in,
				    seL4_CPtr *cap_out)
{
	(void)cap_in, (void)cap_out;
	struct signal_source *s = signal_source_lookup(obj, in->source);
	unsigned long count;
	struct signal_context *c;
	out->n = 0;
	while (s && out->n < in->max && out->n < PD_SIGNAL_BATCH &&
	       (c = signal_next_pending(s, &count))) {
		out->signal[out->n].imprint = c->imprint;
		out->signal[out->n++].count = count;
	}
	return RPC_OK;
}

int serve_pd_session_cspace_extend(void *obj, const struct rpc_none *in,
				   struct pd_cspace_result *out, struct rpc_cap_arg *cap_in,
				   seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	struct pd_session *pd = obj;
	if (pd->pf.cnode_count == GENODE_PD_CSPACE_ENTRIES)
		return RPC_OUT_OF_CAPS; /* the CSpace is as large as it gets */
	if (!account_charge(&pd->s.account, PLATFORM_PD_CNODE_COST, 0))
		return RPC_OUT_OF_RAM;
	if (!platform_pd_cspace_add(&pd->pf)) {
		account_release(&pd->s.account, PLATFORM_PD_CNODE_COST, 0);
		return untyped_avail() < PLATFORM_PD_CNODE_COST ? RPC_OUT_OF_RAM
								: RPC_OUT_OF_METADATA;
	}
	out->entries = pd->pf.cnode_count;
	return RPC_OK;
}
