/* The IRQ service and core's interrupts. */
#include "irq.h"
#include "core.h"
#include "session.h"
#include "signal.h"
#include <genode/io_session.h>
#include <genode/layout.h>
#include <sim/pit.h>

seL4_CPtr core_irq_ntfn;
static struct irq_session *irqs[CORE_IRQS];
static void (*core_irqs[CORE_IRQS])(void); /* IRQs core keeps for its own devices */

/*
 * The handler of a legacy (ISA) interrupt line, as Genode's core on seL4
 * gets it: through the I/O APIC, on the pin the line reaches (the PC's
 * source override: line 0 is pin 2, others pin = line), vector = line,
 * edge triggered, active high; or from the PIC when the kernel is
 * configured for it.
 */
static seL4_Error irq_control_get(unsigned long irq, seL4_CPtr handler)
{
	unsigned long pin = irq == PIT_IRQ ? PIT_IOAPIC_PIN : irq;
	seL4_Error e = seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, core_cspace, handler,
						 CORE_DEPTH, 0, pin, 0, 0, irq);
	if (e == seL4_IllegalOperation)
		e = seL4_IRQControl_Get(seL4_CapIRQControl, irq, core_cspace, handler, CORE_DEPTH);
	return e;
}

/*
 * An interrupt: its handler capability and a copy of core's interrupt
 * notification badged with the IRQ's bit; false (nothing kept) if it fails.
 */
static bool irq_claim(unsigned long irq, seL4_CPtr *handler, seL4_CPtr *ntfn)
{
	*handler = cspace_alloc();
	*ntfn = cspace_alloc();
	if (*handler && *ntfn && !irq_control_get(irq, *handler) &&
	    !seL4_CNode_Mint(core_cspace, *ntfn, CORE_DEPTH, core_cspace, core_irq_ntfn, CORE_DEPTH,
			     seL4_AllRights, GENODE_SIGNAL_BADGE | 1ul << irq) &&
	    !seL4_IRQHandler_SetNotification(*handler, *ntfn))
		return true;
	cspace_release(*handler);
	cspace_release(*ntfn);
	*handler = *ntfn = 0;
	return false;
}

bool irq_claim_core(unsigned long irq, void (*on_irq)(void), seL4_CPtr *handler)
{
	seL4_CPtr ntfn;
	if (irq >= CORE_IRQS || irqs[irq] || core_irqs[irq])
		return false;
	core_irqs[irq] = on_irq; /* kept even if the claim fails: never a session's */
	return irq_claim(irq, handler, &ntfn);
}

struct irq_session {
	struct core_session s;
	unsigned long irq;
	seL4_CPtr handler, ntfn;
	seL4_Word sigh;
};

static int irq_create(struct core_session *s, const char *args)
{
	struct irq_session *q = (struct irq_session *)s;
	q->irq = session_arg_ulong(args, "irq_number", ~0ul);
	if (q->irq >= CORE_IRQS || irqs[q->irq] || core_irqs[q->irq]) {
		core_log("core: IRQ %ld is not available\n", (long)q->irq);
		q->irq = ~0ul;
		return RPC_DENIED;
	}
	if (!irq_claim(q->irq, &q->handler, &q->ntfn)) {
		q->irq = ~0ul;
		return RPC_DENIED;
	}
	irqs[q->irq] = q;
	return RPC_OK;
}

static void irq_destroy(struct core_session *s)
{
	struct irq_session *q = (struct irq_session *)s;
	if (q->irq < CORE_IRQS)
		irqs[q->irq] = 0;
	if (q->handler)
		seL4_IRQHandler_Clear(q->handler);
	cspace_release(q->handler);
	cspace_release(q->ntfn);
}

RPC_SERVER(irq_session_interface, IRQ_SESSION_RPC);

const struct core_service irq_service = {
    .name = "IRQ",
    .create = irq_create,
    .destroy = irq_destroy,
    .iface = &irq_session_interface,
    .size = sizeof(struct irq_session),
};

void irq_dispatch(seL4_Word bits)
{
	for (unsigned i = 0; i < CORE_IRQS; i++) {
		if (!(bits & (1ul << i)))
			continue;
		if (core_irqs[i])
			core_irqs[i]();
		else if (irqs[i])
			signal_submit_badge(irqs[i]->sigh, 1);
	}
}

int serve_irq_session_ack(void *obj, const struct rpc_none *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	seL4_IRQHandler_Ack(((struct irq_session *)obj)->handler);
	return RPC_OK;
}

int serve_irq_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	((struct irq_session *)obj)->sigh = signal_badge_arg(cap_in);
	return RPC_OK;
}
