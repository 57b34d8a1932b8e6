/*
 * Invocation labels in seL4's generated order for x86_64, non-MCS,
 * no SMP, no hardware debug API, no IOMMU, no VT-x.
 *
 * An SMP build of seL4 (KernelMaxNumNodes > 1) has one label more:
 * TCBSetAffinity, right after TCBUnbindNotification, and every later label,
 * the architecture's too, is one higher. kernel-sim with more than one CPU
 * is such a kernel. The enum below is the uniprocessor numbering, which
 * names every method; sel4_smp_label() and sel4_up_label() convert.
 */
#pragma once

enum invocation_label {
	InvalidInvocation = 0,
	UntypedRetype,
	TCBReadRegisters,
	TCBWriteRegisters,
	TCBCopyRegisters,
	TCBConfigure,
	TCBSetPriority,
	TCBSetMCPriority,
	TCBSetSchedParams,
	TCBSetIPCBuffer,
	TCBSetSpace,
	TCBSuspend,
	TCBResume,
	TCBBindNotification,
	TCBUnbindNotification,
	TCBSetTLSBase,
	TCBSetFlags,
	CNodeRevoke,
	CNodeDelete,
	CNodeCancelBadgedSends,
	CNodeCopy,
	CNodeMint,
	CNodeMove,
	CNodeMutate,
	CNodeRotate,
	CNodeSaveCaller,
	IRQIssueIRQHandler,
	IRQAckIRQ,
	IRQSetIRQHandler,
	IRQClearIRQHandler,
	DomainSetSet,
	DomainScheduleConfigure,
	DomainScheduleSetStart,
	nInvocationLabels
};

enum sel4_arch_invocation_label {
	X86PDPTMap = nInvocationLabels,
	X86PDPTUnmap,
	nSeL4ArchInvocationLabels
};

enum arch_invocation_label {
	X86PageDirectoryMap = nSeL4ArchInvocationLabels,
	X86PageDirectoryUnmap,
	X86PageTableMap,
	X86PageTableUnmap,
	X86PageMap,
	X86PageUnmap,
	X86PageGetAddress,
	X86ASIDControlMakePool,
	X86ASIDPoolAssign,
	X86IOPortControlIssue,
	X86IOPortIn8,
	X86IOPortIn16,
	X86IOPortIn32,
	X86IOPortOut8,
	X86IOPortOut16,
	X86IOPortOut32,
	X86IRQIssueIRQHandlerIOAPIC,
	X86IRQIssueIRQHandlerMSI,
	nArchInvocationLabels
};

/* TCBSetAffinity's label in the SMP numbering; the uniprocessor one has none. */
#define SEL4_SMP_TCBSetAffinity (TCBUnbindNotification + 1)

/* The SMP build's label of a method named by its uniprocessor label. */
static inline unsigned long sel4_smp_label(unsigned long up_label)
{
	return up_label > TCBUnbindNotification ? up_label + 1 : up_label;
}

/*
 * The uniprocessor label of an SMP build's label; TCBSetAffinity, which has
 * none, stays SEL4_SMP_TCBSetAffinity (== TCBSetTLSBase: check it first).
 */
static inline unsigned long sel4_up_label(unsigned long smp_label)
{
	return smp_label > SEL4_SMP_TCBSetAffinity ? smp_label - 1 : smp_label;
}
