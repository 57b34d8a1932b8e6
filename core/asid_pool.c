/*
 * ASID pools: a VSpace root needs an ASID before it can be used. seL4 on
 * x86_64 gives the root task one pool of 512 ASIDs; core makes the next pool
 * from a block of untyped memory when the pools it has are full, up to the
 * kernel's limit of pools. Pools are never given back.
 */
#include "asid_pool.h"
#include "core.h"
#include "cspace.h"
#include "untyped.h"

#define MAX_POOLS 8 /* seL4's ASID table on x86_64: 2^3 pools */

static seL4_CPtr pools[MAX_POOLS] = {seL4_CapInitThreadASIDPool};
static unsigned pool_count = 1;

/* A fresh pool from untyped memory, or 0. */
static seL4_CPtr make_pool(void)
{
	seL4_CPtr sel = cspace_alloc();
	struct ut_block *ut = sel ? untyped_alloc(seL4_ASIDPoolBits) : 0;
	if (ut && seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut->sel, core_cspace, sel,
						CORE_DEPTH) == seL4_NoError)
		return sel;
	untyped_free(ut);
	cspace_free(sel);
	return 0;
}

seL4_Error asid_assign(seL4_CPtr vspace_root)
{
	/*
	 * The newest pool is the one with room, unless ASIDs were freed in
	 * older ones; only a full pool (DeleteFirst) sends us to the next.
	 */
	for (unsigned i = pool_count; i-- > 0;) {
		seL4_Error e = seL4_X86_ASIDPool_Assign(pools[i], vspace_root);
		if (e != seL4_DeleteFirst)
			return e;
	}
	if (pool_count == MAX_POOLS || !(pools[pool_count] = make_pool()))
		return seL4_DeleteFirst;
	return seL4_X86_ASIDPool_Assign(pools[pool_count++], vspace_root);
}
