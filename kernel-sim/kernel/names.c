#include "names.h"
#include "smp.h"
#include <sel4/cap_type.h>
#include <sel4/constants.h>
#include <sel4/faults.h>
#include <sel4/invocation.h>
#include <sel4/syscall.h>
#include <sim/debug.h>

#define NAME(table, i) ((i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : NULL)

const char *syscall_name(seL4_SWord sysno)
{
	static const char *const names[] = {
	    [-seL4_SysCall] = "Call",
	    [-seL4_SysReplyRecv] = "ReplyRecv",
	    [-seL4_SysSend] = "Send",
	    [-seL4_SysNBSend] = "NBSend",
	    [-seL4_SysRecv] = "Recv",
	    [-seL4_SysReply] = "Reply",
	    [-seL4_SysYield] = "Yield",
	    [-seL4_SysNBRecv] = "NBRecv",
	    [-seL4_SysDebugPutChar] = "DebugPutChar",
	    [-seL4_SysDebugDumpScheduler] = "DebugDumpScheduler",
	    [-seL4_SysDebugHalt] = "DebugHalt",
	    [-seL4_SysDebugCapIdentify] = "DebugCapIdentify",
	    [-seL4_SysDebugSnapshot] = "DebugSnapshot",
	    [-seL4_SysDebugNameThread] = "DebugNameThread",
	};
	switch (sysno) {
	case SIM_SysDebugThreadState:
		return "sim_DebugThreadState";
	case SIM_SysDebugKillPD:
		return "sim_DebugKillPD";
	case SIM_SysDebugHostResources:
		return "sim_DebugHostResources";
	case SIM_SysDebugPutString:
		return "sim_DebugPutString";
	default:
		return sysno < 0 ? NAME(names, (unsigned long)-sysno) : NULL;
	}
}

const char *invocation_name(seL4_Word label)
{
	static const char *const names[] = {
	    [UntypedRetype] = "UntypedRetype",
	    [TCBReadRegisters] = "TCBReadRegisters",
	    [TCBWriteRegisters] = "TCBWriteRegisters",
	    [TCBCopyRegisters] = "TCBCopyRegisters",
	    [TCBConfigure] = "TCBConfigure",
	    [TCBSetPriority] = "TCBSetPriority",
	    [TCBSetMCPriority] = "TCBSetMCPriority",
	    [TCBSetSchedParams] = "TCBSetSchedParams",
	    [TCBSetIPCBuffer] = "TCBSetIPCBuffer",
	    [TCBSetSpace] = "TCBSetSpace",
	    [TCBSuspend] = "TCBSuspend",
	    [TCBResume] = "TCBResume",
	    [TCBBindNotification] = "TCBBindNotification",
	    [TCBUnbindNotification] = "TCBUnbindNotification",
	    [TCBSetAffinity] = "TCBSetAffinity",
	    [TCBSetTLSBase] = "TCBSetTLSBase",
	    [TCBSetFlags] = "TCBSetFlags",
	    [CNodeRevoke] = "CNodeRevoke",
	    [CNodeDelete] = "CNodeDelete",
	    [CNodeCancelBadgedSends] = "CNodeCancelBadgedSends",
	    [CNodeCopy] = "CNodeCopy",
	    [CNodeMint] = "CNodeMint",
	    [CNodeMove] = "CNodeMove",
	    [CNodeMutate] = "CNodeMutate",
	    [CNodeRotate] = "CNodeRotate",
	    [CNodeSaveCaller] = "CNodeSaveCaller",
	    [IRQIssueIRQHandler] = "IRQIssueIRQHandler",
	    [IRQAckIRQ] = "IRQAckIRQ",
	    [IRQSetIRQHandler] = "IRQSetIRQHandler",
	    [IRQClearIRQHandler] = "IRQClearIRQHandler",
	    [DomainSetSet] = "DomainSetSet",
	    [DomainScheduleConfigure] = "DomainScheduleConfigure",
	    [DomainScheduleSetStart] = "DomainScheduleSetStart",
	    [X86PDPTMap] = "X86PDPTMap",
	    [X86PDPTUnmap] = "X86PDPTUnmap",
	    [X86PageDirectoryMap] = "X86PageDirectoryMap",
	    [X86PageDirectoryUnmap] = "X86PageDirectoryUnmap",
	    [X86PageTableMap] = "X86PageTableMap",
	    [X86PageTableUnmap] = "X86PageTableUnmap",
	    [X86PageMap] = "X86PageMap",
	    [X86PageUnmap] = "X86PageUnmap",
	    [X86PageGetAddress] = "X86PageGetAddress",
	    [X86ASIDControlMakePool] = "X86ASIDControlMakePool",
	    [X86ASIDPoolAssign] = "X86ASIDPoolAssign",
	    [X86IOPortControlIssue] = "X86IOPortControlIssue",
	    [X86IOPortIn8] = "X86IOPortIn8",
	    [X86IOPortIn16] = "X86IOPortIn16",
	    [X86IOPortIn32] = "X86IOPortIn32",
	    [X86IOPortOut8] = "X86IOPortOut8",
	    [X86IOPortOut16] = "X86IOPortOut16",
	    [X86IOPortOut32] = "X86IOPortOut32",
	    [X86IRQIssueIRQHandlerIOAPIC] = "X86IRQIssueIRQHandlerIOAPIC",
	    [X86IRQIssueIRQHandlerMSI] = "X86IRQIssueIRQHandlerMSI",
	};
	return NAME(names, label);
}

const char *error_name(seL4_Word error)
{
	static const char *const names[] = {
	    [seL4_NoError] = "seL4_NoError",
	    [seL4_InvalidArgument] = "seL4_InvalidArgument",
	    [seL4_InvalidCapability] = "seL4_InvalidCapability",
	    [seL4_IllegalOperation] = "seL4_IllegalOperation",
	    [seL4_RangeError] = "seL4_RangeError",
	    [seL4_AlignmentError] = "seL4_AlignmentError",
	    [seL4_FailedLookup] = "seL4_FailedLookup",
	    [seL4_TruncatedMessage] = "seL4_TruncatedMessage",
	    [seL4_DeleteFirst] = "seL4_DeleteFirst",
	    [seL4_RevokeFirst] = "seL4_RevokeFirst",
	    [seL4_NotEnoughMemory] = "seL4_NotEnoughMemory",
	};
	return NAME(names, error);
}

const char *object_type_name(seL4_Word type)
{
	static const char *const names[] = {
	    [seL4_UntypedObject] = "Untyped",
	    [seL4_TCBObject] = "TCB",
	    [seL4_EndpointObject] = "Endpoint",
	    [seL4_NotificationObject] = "Notification",
	    [seL4_CapTableObject] = "CNode",
	    [seL4_X86_PDPTObject] = "PDPT",
	    [seL4_X64_PML4Object] = "PML4",
	    [seL4_X64_HugePageObject] = "HugePage",
	    [seL4_X86_4K] = "Page4K",
	    [seL4_X86_LargePageObject] = "LargePage",
	    [seL4_X86_PageTableObject] = "PageTable",
	    [seL4_X86_PageDirectoryObject] = "PageDirectory",
	};
	return NAME(names, type);
}

const char *cap_type_name(unsigned type)
{
	static const char *const names[] = {
	    [seL4_CapType_Null] = "Null",
	    [seL4_CapType_Untyped] = "Untyped",
	    [seL4_CapType_Endpoint] = "Endpoint",
	    [seL4_CapType_Notification] = "Notification",
	    [seL4_CapType_Reply] = "Reply",
	    [seL4_CapType_CNode] = "CNode",
	    [seL4_CapType_Thread] = "TCB",
	    [seL4_CapType_IRQControl] = "IRQControl",
	    [seL4_CapType_IRQHandler] = "IRQHandler",
	    [seL4_CapType_Zombie] = "Zombie",
	    [seL4_CapType_Domain] = "Domain",
	    [seL4_CapType_Frame] = "Frame",
	    [seL4_CapType_PageTable] = "PageTable",
	    [seL4_CapType_PageDirectory] = "PageDirectory",
	    [seL4_CapType_PDPT] = "PDPT",
	    [seL4_CapType_PML4] = "PML4",
	    [seL4_CapType_ASIDControl] = "ASIDControl",
	    [seL4_CapType_ASIDPool] = "ASIDPool",
	    [seL4_CapType_IOPort] = "IOPort",
	    [seL4_CapType_IOPortControl] = "IOPortControl",
	};
	return NAME(names, type);
}

const char *fault_name(seL4_Word type)
{
	static const char *const names[] = {
	    [seL4_Fault_NullFault] = "NullFault",
	    [seL4_Fault_CapFault] = "CapFault",
	    [seL4_Fault_UnknownSyscall] = "UnknownSyscall",
	    [seL4_Fault_UserException] = "UserException",
	    [seL4_Fault_VMFault] = "VMFault",
	};
	return NAME(names, type);
}

const char *tcb_state_name(unsigned state)
{
	static const char *const names[] = {
	    "Inactive",
	    "Running",
	    "Restart",
	    "BlockedOnReceive",
	    "BlockedOnSend",
	    "BlockedOnReply",
	    "BlockedOnNotification",
	    "IdleThreadState",
	};
	return NAME(names, state);
}
