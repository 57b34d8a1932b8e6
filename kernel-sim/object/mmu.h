/* x86_64 MMU invocations: frames, paging structures, ASID control and pools. */
#pragma once

#include "../kernel/state.h"

enum exception decode_x86_mmu_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					 struct cte *slot, struct cap cap, bool is_call,
					 seL4_Word *buffer);

/* The last cap to an ASID pool is gone: its VSpaces lose their ASIDs. */
void delete_asid_pool(struct asid_pool *pool, uint16_t asid_base);
