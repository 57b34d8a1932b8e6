/* Region maps: attach, detach, resolution of faults, unmapping where a map is attached. */
#include "region_map.h"
#include "core.h"
#include "signal.h"
#include <genode/rm_session.h>

#define PAGE  seL4_PageSize
#define LARGE (1ul << seL4_LargePageBits)
/* What a region record costs the account that pays for the region map: its block of core's heap. */
#define REGION_COST 256

RPC_SERVER(region_map_interface, REGION_MAP_RPC);

/* --- the region tree ---------------------------------------------------- */

static struct region *region_of(struct avl_node *n)
{
	return n ? avl_entry(n, struct region, node) : 0;
}

static unsigned long max2(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

/* A subtree's first base, last end and largest gap between its regions. */
static void update(struct avl_node *n)
{
	struct region *r = region_of(n), *l = region_of(n->left), *h = region_of(n->right);
	r->lo = l ? l->lo : r->base;
	r->hi = h ? h->hi : r->base + r->size;
	r->gap = max2(l ? max2(l->gap, r->base - l->hi) : 0,
		      h ? max2(h->gap, h->lo - (r->base + r->size)) : 0);
}

struct region_map *rm_create(unsigned long size, struct account *account, bool managed,
			     struct vm_space *vs)
{
	struct region_map *rm = core_zalloc(sizeof(*rm));
	if (!rm)
		return 0;
	rm->size = size;
	rm->account = account;
	rm->vs = vs;
	rm->regions.update = update;
	if (!obj_register(&rm->obj, &region_map_interface, rm)) {
		core_free(rm);
		return 0;
	}
	if (managed && !(rm->ds = ds_managed(rm, size))) {
		obj_unregister(&rm->obj);
		core_free(rm);
		return 0;
	}
	return rm;
}

/* The region that covers addr, or NULL. */
static struct region *lookup(const struct region_map *rm, unsigned long addr)
{
	struct region *r = region_of(avl_floor(&rm->regions, addr));
	return r && addr - r->base < r->size ? r : 0;
}

/*
 * Remove the mappings of [addr, addr + size) of rm from every address space
 * showing it. The maps form an acyclic graph, so this ends.
 */
static void unmap_range(struct region_map *rm, unsigned long addr, unsigned long size)
{
	if (rm->vs)
		vm_space_unmap(rm->vs, addr, size);
	if (!rm->ds)
		return;
	for (struct region *r = rm->ds->attachments; r; r = r->ds_next) {
		unsigned long lo = max2(addr, r->offset);
		unsigned long hi =
		    addr + size < r->offset + r->size ? addr + size : r->offset + r->size;
		if (lo < hi)
			unmap_range(r->rm, r->base + (lo - r->offset), hi - lo);
	}
}

#define UNLINK(head, r, next, prev)                                                                \
	do {                                                                                       \
		if ((r)->prev)                                                                     \
			(r)->prev->next = (r)->next;                                               \
		else                                                                               \
			(head) = (r)->next;                                                        \
		if ((r)->next)                                                                     \
			(r)->next->prev = (r)->prev;                                               \
	} while (0)

#define PUSH(head, r, next, prev)                                                                  \
	do {                                                                                       \
		(r)->prev = 0;                                                                     \
		(r)->next = (head);                                                                \
		if (head)                                                                          \
			(head)->prev = (r);                                                        \
		(head) = (r);                                                                      \
	} while (0)

void rm_detach_region(struct region *r)
{
	struct region_map *rm = r->rm;
	avl_remove(&rm->regions, &r->node);
	if (r->ds) {
		UNLINK(r->ds->attachments, r, ds_next, ds_prev);
		if (r->ds->kind == DS_MANAGED)
			UNLINK(rm->nested, r, nested_next, nested_prev);
	}
	unmap_range(rm, r->base, r->size);
	account_release(rm->account, REGION_COST, 0);
	core_free(r);
}

void rm_destroy(struct region_map *rm)
{
	if (!rm)
		return;
	while (rm->regions.root)
		rm_detach_region(region_of(rm->regions.root));
	if (rm->ds)
		ds_destroy(rm->ds);
	obj_unregister(&rm->obj);
	core_free(rm);
}

static bool range_free(const struct region_map *rm, unsigned long base, unsigned long size)
{
	if (base >= rm->size || size > rm->size - base)
		return false;
	/* only the last region starting below the end can reach into the range */
	struct region *r = region_of(avl_floor(&rm->regions, base + size - 1));
	return !r || r->base + r->size <= base;
}

/* Whether [start, end) holds size bytes at an address >= floor aligned to align; where. */
static bool fit_gap(unsigned long start, unsigned long end, unsigned long size, unsigned long align,
		    unsigned long floor, unsigned long *out)
{
	unsigned long a = (max2(start, floor) + align - 1) & ~(align - 1);
	if (a < start || a >= end || end - a < size)
		return false;
	*out = a;
	return true;
}

/* The lowest fit among the gaps of subtree r, whose predecessor ends at prev. */
static bool fit_in(const struct region *r, unsigned long prev, unsigned long size,
		   unsigned long align, unsigned long floor, unsigned long *out)
{
	if (!r || max2(r->gap, r->lo - prev) < size)
		return false;
	const struct region *l = region_of(r->node.left);
	if (fit_in(l, prev, size, align, floor, out) ||
	    fit_gap(l ? l->hi : prev, r->base, size, align, floor, out))
		return true;
	return fit_in(region_of(r->node.right), r->base + r->size, size, align, floor, out);
}

/* The lowest free address for size, aligned to align (in an address space, above the null page). */
static bool find_free(const struct region_map *rm, unsigned long size, unsigned long align,
		      unsigned long *out)
{
	const struct region *root = region_of(rm->regions.root);
	const unsigned long floor = rm->vs ? 0x10000 : 0;
	return fit_in(root, 0, size, align, floor, out) ||
	       fit_gap(root ? root->hi : 0, rm->size, size, align, floor, out);
}

/* Whether target is inside managed map m, at any depth (or is m): attaching m there closes a cycle.
 */
static bool contains(struct region_map *m, const struct region_map *target, unsigned long visit)
{
	if (m == target)
		return true;
	if (m->visit == visit)
		return false; /* searched already in this search */
	m->visit = visit;
	for (struct region *r = m->nested; r; r = r->nested_next)
		if (contains(r->ds->managed, target, visit))
			return true;
	return false;
}

unsigned long rm_attachments;

int rm_attach(struct region_map *rm, struct dataspace *ds, unsigned long size, unsigned long offset,
	      bool use_at, unsigned long at, bool executable, bool writeable, unsigned long *addr)
{
	static unsigned long visits;
	if (ds) {
		if (offset & (PAGE - 1) || offset >= ds->size)
			return RPC_INVALID_DATASPACE;
		if (!size)
			size = ds->size - offset;
		if (size > ds->size - offset)
			return RPC_INVALID_DATASPACE;
		if (ds->kind == DS_MANAGED && contains(ds->managed, rm, ++visits))
			return RPC_INVALID_DATASPACE; /* a map inside itself */
	}
	if (!size)
		return RPC_INVALID_ARGS;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	if (use_at) {
		if (at & (PAGE - 1) || !range_free(rm, at, size))
			return RPC_REGION_CONFLICT;
	} else {
		/* large dataspaces go where their 2 MiB frames can be mapped whole */
		unsigned long align =
		    ds && ds->large_count && !(offset & (LARGE - 1)) ? LARGE : PAGE;
		if (!find_free(rm, size, align, &at))
			return RPC_REGION_CONFLICT;
	}
	if (!account_charge(rm->account, REGION_COST, 0))
		return RPC_OUT_OF_RAM;
	struct region *r = core_zalloc(sizeof(*r));
	if (!r) {
		account_release(rm->account, REGION_COST, 0);
		return RPC_OUT_OF_METADATA;
	}
	*r = (struct region){.node.key = at,
			     .base = at,
			     .size = size,
			     .offset = offset,
			     .ds = ds,
			     .writeable = writeable && ds && ds->writeable,
			     .executable = executable,
			     .rm = rm};
	avl_insert(&rm->regions, &r->node);
	if (ds) {
		PUSH(ds->attachments, r, ds_next, ds_prev);
		if (ds->kind == DS_MANAGED)
			PUSH(rm->nested, r, nested_next, nested_prev);
	}
	rm_attachments++;
	*addr = at;
	return RPC_OK;
}

int rm_detach(struct region_map *rm, unsigned long addr)
{
	struct region *r = lookup(rm, addr);
	if (r)
		rm_detach_region(r);
	return RPC_OK; /* Genode: detaching nothing is not an error */
}

/* The frame of a dataspace (not a managed one) at offset off of region r. */
static bool resolve_frame(const struct region *r, unsigned long off, struct rm_resolution *res)
{
	unsigned long frame_off;
	if (!ds_frame_at(r->ds, off, &res->frame, &res->bits, &frame_off)) {
		res->reason = "beyond the dataspace";
		return false;
	}
	res->map_addr = r->base + (frame_off - r->offset);
	res->writeable = r->writeable;
	if (res->bits == seL4_LargePageBits &&
	    (frame_off < r->offset || frame_off + LARGE > r->offset + r->size ||
	     (res->map_addr & (LARGE - 1)))) {
		res->reason = "2 MiB frame not aligned to its region";
		return false;
	}
	return true;
}

static bool resolve_at(struct region_map *rm, unsigned long addr, bool write,
		       struct rm_resolution *res, unsigned depth)
{
	struct region *r = lookup(rm, addr);
	res->fault_rm = rm;
	res->fault_addr = addr;
	if (!r || !r->ds) {
		res->reason = r ? "reserved region" : "no region";
		res->unbacked = true;
		return false;
	}
	if (write && !r->writeable) {
		res->reason = "write to a read-only region";
		return false;
	}
	unsigned long off = addr - r->base + r->offset;
	if (r->ds->kind != DS_MANAGED)
		return resolve_frame(r, off, res);
	if (depth + 1 >= RM_NESTING_LIMIT) {
		res->reason = "region maps nested too deep";
		return false;
	}
	/* continue in the nested map; translate the result back on the way out */
	struct rm_resolution sub = {0};
	if (!resolve_at(r->ds->managed, off, write, &sub, depth + 1)) {
		*res = sub;
		return false;
	}
	if (sub.bits == seL4_LargePageBits &&
	    (sub.map_addr < r->offset || sub.map_addr + LARGE > r->offset + r->size ||
	     ((r->base - r->offset) & (LARGE - 1)))) {
		res->reason = "2 MiB frame not aligned in the outer map";
		return false;
	}
	*res = sub;
	res->map_addr = r->base + (sub.map_addr - r->offset);
	res->writeable = sub.writeable && r->writeable;
	return true;
}

bool rm_resolve(struct region_map *rm, unsigned long addr, bool write, struct rm_resolution *res)
{
	return resolve_at(rm, addr, write, res, 0);
}

/* --- RPC interface ------------------------------------------------------ */

int serve_region_map_attach(void *obj, const struct region_map_attach_args *in,
			    struct region_map_addr *out, struct rpc_cap_arg *cap_in,
			    seL4_CPtr *cap_out)
{
	(void)cap_out;
	struct region_map *rm = obj;
	struct dataspace *ds = obj_arg(cap_in, &dataspace_interface);
	if (!ds)
		return RPC_INVALID_DATASPACE;
	return rm_attach(rm, ds, in->size, in->offset, in->use_at, in->at, in->executable,
			 in->writeable, &out->addr);
}

int serve_region_map_detach(void *obj, const struct region_map_addr *in, struct rpc_none *out,
			    struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	return rm_detach(obj, in->addr);
}

void rm_fault_note(const struct rm_resolution *res, unsigned long type)
{
	if (!res->fault_rm)
		return;
	res->fault_rm->fault_type = type;
	res->fault_rm->fault_addr = res->fault_addr;
}

int serve_region_map_fault_handler(void *obj, const struct rpc_none *in, struct rpc_none *out,
				   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct region_map *rm = obj;
	rm->fault_sigh = signal_badge_arg(cap_in);
	return RPC_OK;
}

int serve_region_map_state(void *obj, const struct rpc_none *in, struct region_map_state *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	struct region_map *rm = obj;
	out->type = rm->fault_type;
	out->addr = rm->fault_addr;
	return RPC_OK;
}

int serve_region_map_dataspace(void *obj, const struct rpc_none *in, struct rpc_none *out,
			       struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in;
	struct region_map *rm = obj;
	if (!rm->ds)
		return RPC_INVALID_OBJECT;
	*cap_out = rm->ds->obj.cap;
	return RPC_OK;
}
