/* Region maps: attach, detach, resolution of faults, unmapping where a map is attached. */
#include "region_map.h"
#include "core.h"
#include "signal.h"
#include <genode/rm_session.h>

#define PAGE  seL4_PageSize
#define LARGE (1ul << seL4_LargePageBits)
/* What a region record costs the account that pays for the region map. */
#define REGION_COST 64

RPC_SERVER(region_map_interface, REGION_MAP_RPC);

struct region_map *rm_create(unsigned long size, struct account *account, bool managed)
{
	struct region_map *rm = core_zalloc(sizeof(*rm));
	if (!rm)
		return 0;
	rm->size = size;
	rm->account = account;
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

/* Remove the mappings of [addr, addr + size) of rm from every address space showing it. */
static void unmap_range(struct region_map *rm, unsigned long addr, unsigned long size, int depth)
{
	if (depth > 8)
		return;
	if (rm->vs)
		vm_space_unmap(rm->vs, addr, size);
	if (!rm->ds)
		return;
	for (struct region *r = rm->ds->attachments; r; r = r->ds_next) {
		unsigned long lo = addr > r->offset ? addr : r->offset;
		unsigned long hi =
		    addr + size < r->offset + r->size ? addr + size : r->offset + r->size;
		if (lo < hi)
			unmap_range(r->rm, r->base + (lo - r->offset), hi - lo, depth + 1);
	}
}

void rm_detach_region(struct region *r)
{
	struct region_map *rm = r->rm;
	for (struct region **p = &rm->regions; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	if (r->ds)
		for (struct region **p = &r->ds->attachments; *p; p = &(*p)->ds_next)
			if (*p == r) {
				*p = r->ds_next;
				break;
			}
	unmap_range(rm, r->base, r->size, 0);
	account_release(rm->account, REGION_COST, 0);
	core_free(r);
}

void rm_destroy(struct region_map *rm)
{
	if (!rm)
		return;
	while (rm->regions)
		rm_detach_region(rm->regions);
	if (rm->ds)
		ds_destroy(rm->ds);
	obj_unregister(&rm->obj);
	core_free(rm);
}

static bool range_free(const struct region_map *rm, unsigned long base, unsigned long size)
{
	if (base >= rm->size || size > rm->size - base)
		return false;
	for (const struct region *r = rm->regions; r; r = r->next)
		if (base < r->base + r->size && r->base < base + size)
			return false;
	return true;
}

/* The lowest free address for size, aligned to align, above the null page. */
static bool find_free(const struct region_map *rm, unsigned long size, unsigned long align,
		      unsigned long *out)
{
	unsigned long a = align > 0x10000 ? align : 0x10000;
	a = (a + align - 1) & ~(align - 1);
	for (;;) {
		if (a + size < a || a + size > rm->size)
			return false;
		const struct region *hit = 0;
		for (const struct region *r = rm->regions; r; r = r->next)
			if (a < r->base + r->size && r->base < a + size) {
				hit = r;
				break;
			}
		if (!hit) {
			*out = a;
			return true;
		}
		a = (hit->base + hit->size + align - 1) & ~(align - 1);
	}
}

int rm_attach(struct region_map *rm, struct dataspace *ds, unsigned long size, unsigned long offset,
	      bool use_at, unsigned long at, bool executable, bool writeable, unsigned long *addr)
{
	if (ds) {
		if (offset & (PAGE - 1) || offset >= ds->size)
			return RPC_INVALID_DATASPACE;
		if (!size)
			size = ds->size - offset;
		if (size > ds->size - offset)
			return RPC_INVALID_DATASPACE;
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
	*r = (struct region){.base = at,
			     .size = size,
			     .offset = offset,
			     .ds = ds,
			     .writeable = writeable && ds && ds->writeable,
			     .executable = executable,
			     .rm = rm};
	struct region **p = &rm->regions;
	while (*p && (*p)->base < at)
		p = &(*p)->next;
	r->next = *p;
	*p = r;
	if (ds) {
		r->ds_next = ds->attachments;
		ds->attachments = r;
	}
	*addr = at;
	return RPC_OK;
}

int rm_detach(struct region_map *rm, unsigned long addr)
{
	for (struct region *r = rm->regions; r; r = r->next)
		if (addr >= r->base && addr < r->base + r->size) {
			rm_detach_region(r);
			return RPC_OK;
		}
	return RPC_OK; /* Genode: detaching nothing is not an error */
}

bool rm_resolve(struct region_map *rm, unsigned long addr, bool write, struct rm_resolution *res)
{
	for (int depth = 0; depth < 8; depth++) {
		struct region *r = rm->regions;
		while (r && !(addr >= r->base && addr < r->base + r->size))
			r = r->next;
		res->fault_rm = rm;
		res->fault_addr = addr;
		if (!r || !r->ds) {
			res->reason = r ? "reserved region" : "no region";
			return false;
		}
		if (write && !r->writeable) {
			res->reason = "write to a read-only region";
			return false;
		}
		unsigned long off = addr - r->base + r->offset;
		if (r->ds->kind == DS_MANAGED) {
			/* continue in the nested map; translate the result back on the way out */
			struct rm_resolution sub = {0};
			if (!rm_resolve(r->ds->managed, off, write, &sub)) {
				*res = sub;
				return false;
			}
			if (sub.bits == seL4_LargePageBits &&
			    (sub.map_addr < r->offset ||
			     sub.map_addr + LARGE > r->offset + r->size ||
			     ((r->base - r->offset) & (LARGE - 1)))) {
				res->reason = "2 MiB frame not aligned in the outer map";
				return false;
			}
			*res = sub;
			res->map_addr = r->base + (sub.map_addr - r->offset);
			res->writeable = sub.writeable && r->writeable;
			return true;
		}
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
	res->reason = "region maps nested too deep";
	return false;
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
	if (ds->kind == DS_MANAGED && ds->managed == rm)
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
