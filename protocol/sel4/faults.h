/*
 * Fault types and the message layouts a fault handler receives on x86_64
 * (seL4_FaultType is the label of the fault IPC).
 */
#pragma once

typedef enum {
	seL4_Fault_NullFault = 0,
	seL4_Fault_CapFault = 1,
	seL4_Fault_UnknownSyscall = 2,
	seL4_Fault_UserException = 3,
	seL4_Fault_VMFault = 5,
} seL4_FaultType;

typedef enum {
	seL4_VMFault_IP,
	seL4_VMFault_Addr,
	seL4_VMFault_PrefetchFault,
	seL4_VMFault_FSR,
	seL4_VMFault_Length,
} seL4_VMFault_Msg;

typedef enum {
	seL4_UnknownSyscall_RAX,
	seL4_UnknownSyscall_RBX,
	seL4_UnknownSyscall_RCX,
	seL4_UnknownSyscall_RDX,
	seL4_UnknownSyscall_RSI,
	seL4_UnknownSyscall_RDI,
	seL4_UnknownSyscall_RBP,
	seL4_UnknownSyscall_R8,
	seL4_UnknownSyscall_R9,
	seL4_UnknownSyscall_R10,
	seL4_UnknownSyscall_R11,
	seL4_UnknownSyscall_R12,
	seL4_UnknownSyscall_R13,
	seL4_UnknownSyscall_R14,
	seL4_UnknownSyscall_R15,
	seL4_UnknownSyscall_FaultIP,
	seL4_UnknownSyscall_SP,
	seL4_UnknownSyscall_FLAGS,
	seL4_UnknownSyscall_Syscall,
	seL4_UnknownSyscall_Length,
} seL4_UnknownSyscall_Msg;

typedef enum {
	seL4_UserException_FaultIP,
	seL4_UserException_SP,
	seL4_UserException_FLAGS,
	seL4_UserException_Number,
	seL4_UserException_Code,
	seL4_UserException_Length,
} seL4_UserException_Msg;

typedef enum {
	seL4_CapFault_IP,
	seL4_CapFault_Addr,
	seL4_CapFault_InRecvPhase,
	seL4_CapFault_LookupFailureType,
	seL4_CapFault_BitsLeft,
	seL4_CapFault_DepthMismatch_BitsFound,
	seL4_CapFault_GuardMismatch_GuardFound = seL4_CapFault_DepthMismatch_BitsFound,
	seL4_CapFault_GuardMismatch_BitsFound,
} seL4_CapFault_Msg;
