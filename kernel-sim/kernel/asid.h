/* The ASID table: which pool serves which ASIDs, and the VSpace of an ASID. */
#pragma once

#include "object.h"

extern struct asid_pool *asid_table[1u << ASID_HIGH_BITS];

/* The VSpace with this ASID, or NULL. */
struct vspace *asid_lookup(uint16_t asid);
