/*
 * The PC's I/O ports, ISA interrupt lines and time stamp counter as the
 * device tests reach them.
 */
#include "test.h"
#include <sim/pit.h>

uint64_t tsc_now(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t tsc_ns(uint64_t t0, uint64_t t1)
{
	seL4_Word mhz = sim_tsc_mhz(boot_info);
	return mhz ? (t1 - t0) * 1000 / mhz : 0;
}

void spin_ns(uint64_t ns)
{
	uint64_t t0 = tsc_now();
	while (tsc_ns(t0, tsc_now()) < ns)
		;
}

bool spin_until_moved(volatile seL4_Word *c, seL4_Word old, uint64_t ns)
{
	uint64_t t0 = tsc_now();
	while (*c == old)
		if (tsc_ns(t0, tsc_now()) > ns)
			return false;
	return true;
}

seL4_CPtr io_ports(seL4_Word first, seL4_Word last)
{
	seL4_CPtr slot = alloc_slot();
	if (seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last, ROOT_CNODE, slot,
					 WORD_BITS) != seL4_NoError) {
		free_slot(slot);
		return 0;
	}
	return slot;
}

seL4_CPtr isa_irq_handler(seL4_Word irq, seL4_CPtr *ntfn)
{
	seL4_CPtr slot = alloc_slot(), badged = alloc_slot();
	*ntfn = alloc_notification();
	seL4_Word pin = irq == PIT_IRQ ? PIT_IOAPIC_PIN : irq;
	seL4_Error e = seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, slot, WORD_BITS, 0,
						 pin, 0, 0, irq);
	if (e == seL4_IllegalOperation)
		e = seL4_IRQControl_Get(seL4_CapIRQControl, irq, ROOT_CNODE, slot, WORD_BITS);
	bool ok = cnode_mint(*ntfn, badged, seL4_AllRights, 1ul << irq) == seL4_NoError &&
		  e == seL4_NoError &&
		  seL4_IRQHandler_SetNotification(slot, badged) == seL4_NoError;
	release_slot(badged); /* the handler keeps its own copy */
	if (!ok) {
		free_slot(slot);
		return 0;
	}
	return slot;
}

bool signalled(seL4_CPtr ntfn)
{
	seL4_Word word = 0;
	seL4_Poll(ntfn, &word);
	return word != 0;
}
