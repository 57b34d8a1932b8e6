/* Badges and capabilities of core's RPC objects. */
#include "object.h"
#include "core.h"
#include "cspace.h"
#include "umap.h"
#include <genode/layout.h>

seL4_CPtr core_ep;

static struct umap objects;
static seL4_Word next_badge = 1;

seL4_Word badge_alloc(void)
{
	return next_badge < GENODE_BADGE_LIMIT ? next_badge++ : 0;
}

bool obj_register(struct core_obj *o, const struct rpc_interface *iface, void *impl)
{
	o->badge = badge_alloc();
	o->iface = iface;
	o->impl = impl;
	o->cap = cspace_alloc();
	if (!o->badge || !o->cap ||
	    seL4_CNode_Mint(core_cspace, o->cap, CORE_DEPTH, core_cspace, core_ep, CORE_DEPTH,
			    seL4_AllRights, o->badge) != seL4_NoError ||
	    !umap_put(&objects, o->badge, (unsigned long)o)) {
		cspace_release(o->cap);
		o->cap = 0;
		return false;
	}
	return true;
}

void obj_unregister(struct core_obj *o)
{
	if (!o->cap)
		return;
	umap_del(&objects, o->badge, 0);
	/* The copies handed out derive from core's: revoking it removes them everywhere. */
	seL4_CNode_Revoke(core_cspace, o->cap, CORE_DEPTH);
	cspace_release(o->cap);
	o->cap = 0;
}

struct core_obj *obj_lookup(seL4_Word badge)
{
	unsigned long v;
	return umap_get(&objects, badge, &v) ? (struct core_obj *)v : 0;
}

void *obj_arg(const struct rpc_cap_arg *arg, const struct rpc_interface *iface)
{
	if (!arg->present || !arg->local)
		return 0;
	struct core_obj *o = obj_lookup(arg->badge);
	return o && o->iface == iface ? o->impl : 0;
}

unsigned long obj_count(void)
{
	return objects.count;
}
