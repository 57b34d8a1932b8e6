/* Untyped memory. */
#pragma once

#include <stdint.h>

/*
 * Split [start, end) into the naturally aligned blocks seL4 makes untypeds
 * of (largest first at each step, at most seL4_MaxUntypedBits, blocks below
 * seL4_MinUntypedBits dropped), calling emit for each. Stops early and
 * returns emit's value if it is non-zero.
 */
int untyped_split_region(uint64_t start, uint64_t end,
			 int (*emit)(uint64_t paddr, unsigned size_bits, void *ctx), void *ctx);
