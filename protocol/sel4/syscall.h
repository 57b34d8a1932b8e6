/*
 * System-call numbers as libsel4 generates them for a non-MCS debug build
 * without SMP or benchmarks, with CONFIG_SET_TLS_BASE_SELF (the default
 * x86_64 kernel). The numbers of the calls such a kernel leaves out
 * (-15 to -29: SMP, code injection, benchmarks, MSRs, VMEnter) are skipped
 * as libsel4 skips them. On x86_64 the number travels in rdx.
 */
#pragma once

typedef enum {
	seL4_SysCall = -1,
	seL4_SysReplyRecv = -2,
	seL4_SysSend = -3,
	seL4_SysNBSend = -4,
	seL4_SysRecv = -5,
	seL4_SysReply = -6,
	seL4_SysYield = -7,
	seL4_SysNBRecv = -8,
	seL4_SysDebugPutChar = -9,
	seL4_SysDebugDumpScheduler = -10,
	seL4_SysDebugHalt = -11,
	seL4_SysDebugCapIdentify = -12,
	seL4_SysDebugSnapshot = -13,
	seL4_SysDebugNameThread = -14,
	seL4_SysSetTLSBase = -30, /* CONFIG_SET_TLS_BASE_SELF */
} seL4_Syscall_ID;

#define seL4_SysAPIMin seL4_SysNBRecv
#define seL4_SysAPIMax seL4_SysCall
