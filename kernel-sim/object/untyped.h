/* Untyped memory: the source of every kernel object. */
#pragma once

#include <stdint.h>
#include "../kernel/state.h"

/*
 * Split [start, end) into the naturally aligned blocks seL4 makes untypeds
 * of (largest first at each step, at most seL4_MaxUntypedBits, blocks below
 * seL4_MinUntypedBits dropped), calling emit for each. Stops early and
 * returns emit's value if it is non-zero.
 */
int untyped_split_region(uint64_t start, uint64_t end,
			 int (*emit)(uint64_t paddr, unsigned size_bits, void *ctx), void *ctx);

enum exception decode_untyped_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					 struct cte *slot, struct cap cap, seL4_Word *buffer);
