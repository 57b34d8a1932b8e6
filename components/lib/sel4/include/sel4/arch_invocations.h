/*
 * x86_64 object invocations with libsel4's names and argument order: paging
 * structures, frames, ASID control and pools, IRQs and I/O ports.
 */
#pragma once

/* A call whose reply carries one result word in MR 0. */
static inline seL4_Error sel4_invoke_result(seL4_CPtr service, seL4_Word label, seL4_Word length,
					    seL4_Word extra_caps, seL4_Word m0, seL4_Word m1,
					    seL4_Word *result)
{
	seL4_Word m2 = 0, m3 = 0;
	seL4_MessageInfo_t out = seL4_CallWithMRs(
	    service, seL4_MessageInfo_new(sel4_label(label), 0, extra_caps, length), &m0, &m1, &m2,
	    &m3);
	seL4_Error error = (seL4_Error)seL4_MessageInfo_get_label(out);
	if (error != seL4_NoError)
		sel4_store_mrs(m0, m1, m2, m3);
	*result = error == seL4_NoError ? m0 : 0;
	return error;
}

/* --- Paging structures ------------------------------------------------ */

static inline seL4_Error seL4_X86_PDPT_Map(seL4_X86_PDPT service, seL4_CPtr vspace, seL4_Word vaddr,
					   seL4_X86_VMAttributes attr)
{
	seL4_SetCap(0, vspace);
	return sel4_invoke4(service, X86PDPTMap, 2, 1, vaddr, attr, 0, 0);
}

static inline seL4_Error seL4_X86_PDPT_Unmap(seL4_X86_PDPT service)
{
	return sel4_invoke4(service, X86PDPTUnmap, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_PageDirectory_Map(seL4_X86_PageDirectory service,
						    seL4_CPtr vspace, seL4_Word vaddr,
						    seL4_X86_VMAttributes attr)
{
	seL4_SetCap(0, vspace);
	return sel4_invoke4(service, X86PageDirectoryMap, 2, 1, vaddr, attr, 0, 0);
}

static inline seL4_Error seL4_X86_PageDirectory_Unmap(seL4_X86_PageDirectory service)
{
	return sel4_invoke4(service, X86PageDirectoryUnmap, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_PageTable_Map(seL4_X86_PageTable service, seL4_CPtr vspace,
						seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
	seL4_SetCap(0, vspace);
	return sel4_invoke4(service, X86PageTableMap, 2, 1, vaddr, attr, 0, 0);
}

static inline seL4_Error seL4_X86_PageTable_Unmap(seL4_X86_PageTable service)
{
	return sel4_invoke4(service, X86PageTableUnmap, 0, 0, 0, 0, 0, 0);
}

/* --- Frames ----------------------------------------------------------- */

static inline seL4_Error seL4_X86_Page_Map(seL4_X86_Page service, seL4_CPtr vspace, seL4_Word vaddr,
					   seL4_CapRights_t rights, seL4_X86_VMAttributes attr)
{
	seL4_SetCap(0, vspace);
	return sel4_invoke4(service, X86PageMap, 3, 1, vaddr, rights.words[0], attr, 0);
}

static inline seL4_Error seL4_X86_Page_Unmap(seL4_X86_Page service)
{
	return sel4_invoke4(service, X86PageUnmap, 0, 0, 0, 0, 0, 0);
}

typedef struct seL4_X86_Page_GetAddress {
	int error;
	seL4_Word paddr;
} seL4_X86_Page_GetAddress_t;

static inline seL4_X86_Page_GetAddress_t seL4_X86_Page_GetAddress(seL4_X86_Page service)
{
	seL4_X86_Page_GetAddress_t r;
	r.error = sel4_invoke_result(service, X86PageGetAddress, 0, 0, 0, 0, &r.paddr);
	return r;
}

/* --- ASIDs ------------------------------------------------------------ */

static inline seL4_Error seL4_X86_ASIDControl_MakePool(seL4_X86_ASIDControl service,
						       seL4_Untyped untyped, seL4_CNode root,
						       seL4_Word index, seL4_Uint8 depth)
{
	seL4_SetCap(0, untyped);
	seL4_SetCap(1, root);
	return sel4_invoke4(service, X86ASIDControlMakePool, 2, 2, index, depth, 0, 0);
}

static inline seL4_Error seL4_X86_ASIDPool_Assign(seL4_X86_ASIDPool service, seL4_CPtr vspace)
{
	seL4_SetCap(0, vspace);
	return sel4_invoke4(service, X86ASIDPoolAssign, 0, 1, 0, 0, 0, 0);
}

/* --- Interrupts ------------------------------------------------------- */

static inline seL4_Error seL4_IRQControl_Get(seL4_IRQControl service, seL4_Word irq,
					     seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
	seL4_SetCap(0, root);
	return sel4_invoke4(service, IRQIssueIRQHandler, 3, 1, irq, index, depth, 0);
}

static inline seL4_Error seL4_IRQControl_GetIOAPIC(seL4_IRQControl service, seL4_CNode root,
						   seL4_Word index, seL4_Uint8 depth,
						   seL4_Word ioapic, seL4_Word pin, seL4_Word level,
						   seL4_Word polarity, seL4_Word vector)
{
	seL4_SetCap(0, root);
	seL4_SetMR(4, level);
	seL4_SetMR(5, polarity);
	seL4_SetMR(6, vector);
	return sel4_invoke4(service, X86IRQIssueIRQHandlerIOAPIC, 7, 1, index, depth, ioapic, pin);
}

static inline seL4_Error seL4_IRQControl_GetMSI(seL4_IRQControl service, seL4_CNode root,
						seL4_Word index, seL4_Uint8 depth,
						seL4_Word pci_bus, seL4_Word pci_dev,
						seL4_Word pci_func, seL4_Word handle,
						seL4_Word vector)
{
	seL4_SetCap(0, root);
	seL4_SetMR(4, pci_func);
	seL4_SetMR(5, handle);
	seL4_SetMR(6, vector);
	return sel4_invoke4(service, X86IRQIssueIRQHandlerMSI, 7, 1, index, depth, pci_bus,
			    pci_dev);
}

static inline seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler service)
{
	return sel4_invoke4(service, IRQAckIRQ, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler service,
							 seL4_CPtr notification)
{
	seL4_SetCap(0, notification);
	return sel4_invoke4(service, IRQSetIRQHandler, 0, 1, 0, 0, 0, 0);
}

static inline seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler service)
{
	return sel4_invoke4(service, IRQClearIRQHandler, 0, 0, 0, 0, 0, 0);
}

/* --- I/O ports -------------------------------------------------------- */

static inline seL4_Error seL4_X86_IOPortControl_Issue(seL4_X86_IOPortControl service,
						      seL4_Word first_port, seL4_Word last_port,
						      seL4_CNode root, seL4_Word index,
						      seL4_Uint8 depth)
{
	seL4_SetCap(0, root);
	return sel4_invoke4(service, X86IOPortControlIssue, 4, 1, first_port, last_port, index,
			    depth);
}

#define SEL4_IOPORT_IN(BITS)                                                                       \
	typedef struct seL4_X86_IOPort_In##BITS {                                                  \
		int error;                                                                         \
		seL4_Uint##BITS result;                                                            \
	} seL4_X86_IOPort_In##BITS##_t;                                                            \
	static inline seL4_X86_IOPort_In##BITS##_t seL4_X86_IOPort_In##BITS(                       \
	    seL4_X86_IOPort service, seL4_Uint16 port)                                             \
	{                                                                                          \
		seL4_Word value;                                                                   \
		seL4_X86_IOPort_In##BITS##_t r;                                                    \
		r.error = sel4_invoke_result(service, X86IOPortIn##BITS, 1, 0, port, 0, &value);   \
		r.result = (seL4_Uint##BITS)value;                                                 \
		return r;                                                                          \
	}                                                                                          \
	static inline seL4_Error seL4_X86_IOPort_Out##BITS(seL4_X86_IOPort service,                \
							   seL4_Word port, seL4_Word data)         \
	{                                                                                          \
		return sel4_invoke4(service, X86IOPortOut##BITS, 2, 0, port, data, 0, 0);          \
	}

SEL4_IOPORT_IN(8)
SEL4_IOPORT_IN(16)
SEL4_IOPORT_IN(32)
