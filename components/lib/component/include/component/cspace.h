/*
 * Capability slots of the component's CSpace (genode/layout.h): the
 * allocator behind rpc_cspace. The CSpace grows by a CNode at a time.
 */
#pragma once

#include <sel4/sel4.h>

/* A free slot (a CPtr with depth 64), or 0 when the CSpace is full. */
seL4_CPtr cspace_slot_alloc(void);
void cspace_slot_free(seL4_CPtr slot);
