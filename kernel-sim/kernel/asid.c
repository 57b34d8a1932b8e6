#include "asid.h"

struct asid_pool *asid_table[1u << ASID_HIGH_BITS];

struct vspace *asid_lookup(uint16_t asid)
{
	if (asid == 0 || asid >= ASID_COUNT)
		return NULL;
	struct asid_pool *pool = asid_table[asid >> ASID_LOW_BITS];
	return pool ? pool->entry[asid & ((1u << ASID_LOW_BITS) - 1)] : NULL;
}
