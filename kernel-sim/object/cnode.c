#include "cnode.h"

#include <stdlib.h>

struct cnode *cnode_create(uint64_t paddr, uint8_t radix)
{
	size_t slots = (size_t)1 << radix;
	struct cnode *cn = calloc(1, sizeof(*cn) + slots * sizeof(struct cte));
	if (!cn)
		return NULL;
	cn->obj.paddr = paddr;
	cn->obj.size_bits = (uint8_t)(radix + seL4_SlotBits);
	cn->radix = radix;
	return cn;
}
