#include "untyped.h"
#include <sel4/constants.h>

static unsigned ctz64(uint64_t v)
{
	return v ? (unsigned)__builtin_ctzl(v) : 64;
}

static unsigned log2_floor(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzl(v);
}

int untyped_split_region(uint64_t start, uint64_t end,
			 int (*emit)(uint64_t paddr, unsigned size_bits, void *ctx), void *ctx)
{
	while (start < end) {
		unsigned bits = ctz64(start);
		if (log2_floor(end - start) < bits)
			bits = log2_floor(end - start);
		if (bits > seL4_MaxUntypedBits)
			bits = seL4_MaxUntypedBits;
		if (bits >= seL4_MinUntypedBits) {
			int rc = emit(start, bits, ctx);
			if (rc)
				return rc;
		}
		start += 1ul << bits;
	}
	return 0;
}
