/* Dataspaces and their frames. */
#include "dataspace.h"
#include "core.h"
#include "cspace.h"
#include "region_map.h"
#include <base/string.h>
#include <genode/dataspace.h>

#define LARGE (1ul << seL4_LargePageBits)
#define PAGE  seL4_PageSize

RPC_SERVER(dataspace_interface, DATASPACE_RPC);

int serve_dataspace_info(void *obj, const struct rpc_none *in, struct dataspace_info *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	struct dataspace *ds = obj;
	out->size = ds->size;
	out->writeable = ds->writeable;
	return RPC_OK;
}

/* Retype one block into count frames at consecutive core slots. */
static bool add_block(struct dataspace *ds, unsigned order, bool large, seL4_CPtr *sels)
{
	unsigned long count = 1ul << (order - (large ? seL4_LargePageBits : seL4_PageBits));
	struct ut_block *b = untyped_alloc(order);
	seL4_CPtr first = b ? cspace_alloc_range((unsigned)count) : 0;
	if (!first || untyped_retype(b, large ? seL4_X86_LargePageObject : seL4_X86_4K, 0, first,
				     (unsigned)count) != seL4_NoError) {
		if (first)
			cspace_free_range(first, (unsigned)count);
		untyped_free(b);
		return false;
	}
	ds->blocks[ds->block_count++] = b;
	for (unsigned long i = 0; i < count; i++)
		sels[i] = first + i;
	return true;
}

static void free_frames(struct dataspace *ds)
{
	for (unsigned i = 0; i < ds->block_count; i++)
		untyped_free(ds->blocks[i]); /* revokes frames and all mapped copies */
	for (unsigned long i = 0; i < ds->large_count; i++)
		if (ds->large[i])
			cspace_free(ds->large[i]);
	for (unsigned long i = 0; ds->kind == DS_RAM && i < ds->small_count; i++)
		if (ds->small[i])
			cspace_free(ds->small[i]);
	core_free(ds->blocks);
	core_free(ds->large);
	core_free(ds->small);
}

struct dataspace *ds_alloc_ram(unsigned long size, struct account *account, int *err)
{
	*err = RPC_INVALID_ARGS;
	if (!size || size > (1ul << 40))
		return 0;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	*err = RPC_OUT_OF_RAM;
	if (!account_charge(account, size, 1))
		return 0;
	*err = RPC_OUT_OF_METADATA;
	struct dataspace *ds = core_zalloc(sizeof(*ds));
	if (!ds) {
		account_release(account, size, 1);
		return 0;
	}
	ds->kind = DS_RAM;
	ds->size = size;
	ds->writeable = true;
	ds->account = account;
	ds->large_count = size / LARGE;
	ds->small_count = (size % LARGE) / PAGE;
	ds->large = core_zalloc((ds->large_count + 1) * sizeof(seL4_CPtr));
	ds->small = core_zalloc((ds->small_count + 1) * sizeof(seL4_CPtr));
	ds->blocks = core_zalloc((ds->large_count + 16) * sizeof(struct ut_block *));
	bool ok = ds->large && ds->small && ds->blocks;
	for (unsigned long i = 0; ok && i < ds->large_count; i++)
		ok = add_block(ds, seL4_LargePageBits, true, &ds->large[i]);
	unsigned long done = 0;
	for (int bit = 8; ok && bit >= 0; bit--)
		if (ds->small_count & (1ul << bit)) {
			ok = add_block(ds, seL4_PageBits + (unsigned)bit, false, &ds->small[done]);
			done += 1ul << bit;
		}
	if (ok)
		ok = obj_register(&ds->obj, &dataspace_interface, ds);
	if (!ok) {
		*err = untyped_avail() < size ? RPC_OUT_OF_RAM : RPC_OUT_OF_METADATA;
		free_frames(ds);
		core_free(ds);
		account_release(account, size, 1);
		return 0;
	}
	*err = RPC_OK;
	return ds;
}

struct dataspace *ds_from_frames(enum ds_kind kind, const seL4_CPtr *frames, unsigned long count,
				 unsigned long size, bool writeable)
{
	struct dataspace *ds = core_zalloc(sizeof(*ds));
	seL4_CPtr *small = core_zalloc((count + 1) * sizeof(seL4_CPtr));
	if (!ds || !small || !obj_register(&ds->obj, &dataspace_interface, ds)) {
		core_free(small);
		core_free(ds);
		return 0;
	}
	for (unsigned long i = 0; i < count; i++)
		small[i] = frames[i];
	ds->kind = kind;
	ds->size = size;
	ds->writeable = writeable;
	ds->small = small;
	ds->small_count = count;
	return ds;
}

struct dataspace *ds_managed(struct region_map *rm, unsigned long size)
{
	struct dataspace *ds = core_zalloc(sizeof(*ds));
	if (!ds || !obj_register(&ds->obj, &dataspace_interface, ds)) {
		core_free(ds);
		return 0;
	}
	ds->kind = DS_MANAGED;
	ds->size = size;
	ds->writeable = true;
	ds->managed = rm;
	return ds;
}

void ds_destroy(struct dataspace *ds)
{
	if (!ds)
		return;
	while (ds->attachments)
		rm_detach_region(ds->attachments);
	obj_unregister(&ds->obj);
	if (ds->kind == DS_RAM) {
		free_frames(ds);
		account_release(ds->account, ds->size, 1);
	} else {
		core_free(ds->small);
	}
	core_free(ds);
}

bool ds_frame_at(const struct dataspace *ds, unsigned long offset, seL4_CPtr *frame, unsigned *bits,
		 unsigned long *frame_offset)
{
	if (offset >= ds->size || ds->kind == DS_MANAGED)
		return false;
	unsigned long large_bytes = ds->large_count * LARGE;
	if (offset < large_bytes) {
		*frame = ds->large[offset / LARGE];
		*bits = seL4_LargePageBits;
		*frame_offset = offset & ~(LARGE - 1);
	} else {
		unsigned long i = (offset - large_bytes) / PAGE;
		if (i >= ds->small_count)
			return false;
		*frame = ds->small[i];
		*bits = seL4_PageBits;
		*frame_offset = offset & ~(PAGE - 1);
	}
	return *frame != 0;
}

/* Write bytes into a RAM dataspace through a temporary local mapping. */
bool ds_write(struct dataspace *ds, unsigned long offset, const void *src, unsigned long len)
{
	while (len) {
		seL4_CPtr frame;
		unsigned bits;
		unsigned long foff;
		if (!ds_frame_at(ds, offset, &frame, &bits, &foff))
			return false;
		char *p = core_map_local(&frame, 1, bits == seL4_LargePageBits);
		if (!p)
			return false;
		unsigned long in = offset - foff, n = (1ul << bits) - in;
		if (n > len)
			n = len;
		memcpy(p + in, src, n);
		core_unmap_local(p, 1, bits == seL4_LargePageBits);
		offset += n, len -= n;
		src = (const char *)src + n;
	}
	return true;
}
