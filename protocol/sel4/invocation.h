/*
 * Invocation labels in seL4's generated order for x86_64, non-MCS,
 * no SMP, no hardware debug API, no IOMMU, no VT-x.
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
