/*
 * seL4 constants for x86_64 (non-MCS, debug build, no SMP, no IOMMU, no VT-x),
 * with the values of seL4's libsel4.
 */
#pragma once

#include "types.h"

#define seL4_WordBits	      64
#define seL4_WordSizeBits     3
#define seL4_PageBits	      12
#define seL4_SlotBits	      5
#define seL4_TCBBits	      11
#define seL4_EndpointBits     4
#define seL4_NotificationBits 5

#define seL4_PageTableBits	12
#define seL4_PageTableEntryBits 3
#define seL4_PageTableIndexBits 9
#define seL4_PageDirBits	12
#define seL4_PageDirIndexBits	9
#define seL4_PDPTBits		12
#define seL4_PDPTIndexBits	9
#define seL4_PML4Bits		12
#define seL4_PML4IndexBits	9
#define seL4_VSpaceBits		seL4_PML4Bits
#define seL4_LargePageBits	21
#define seL4_HugePageBits	30
#define seL4_NumASIDPoolsBits	3
#define seL4_ASIDPoolBits	12
#define seL4_ASIDPoolIndexBits	9
#define seL4_IOPageTableBits	12

#define seL4_MinUntypedBits 4
#define seL4_MaxUntypedBits 47

#define seL4_PageSize ((seL4_Word)1 << seL4_PageBits)

/* The end of user virtual memory on x86_64. */
#define seL4_UserTop	   0x00007ffffffff000ul
#define seL4_UserVSpaceTop (seL4_UserTop - 1)

/* The root CNode of the initial thread has 2^12 slots (seL4's default). */
#define seL4_RootCNodeSizeBits 12

/* Untyped retype fan-out (CONFIG_RETYPE_FAN_OUT_LIMIT). */
#define seL4_RetypeFanOutLimit 256

/* Priorities (CONFIG_NUM_PRIORITIES = 256). */
#define seL4_NumPriorities 256
#define seL4_MinPrio	   0
#define seL4_MaxPrio	   (seL4_NumPriorities - 1)

/* Message limits. */
#define seL4_MsgLengthBits	  7
#define seL4_MsgExtraCapBits	  2
#define seL4_MsgMaxLength	  120
#define seL4_MsgMaxExtraCaps	  ((1 << seL4_MsgExtraCapBits) - 1)
#define seL4_FastMessageRegisters 4

/* Most seL4_BootInfo untyped descriptors (CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS). */
#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS 230

#define seL4_DataFault	      0
#define seL4_InstructionFault 1

typedef enum {
	seL4_NoError = 0,
	seL4_InvalidArgument,
	seL4_InvalidCapability,
	seL4_IllegalOperation,
	seL4_RangeError,
	seL4_AlignmentError,
	seL4_FailedLookup,
	seL4_TruncatedMessage,
	seL4_DeleteFirst,
	seL4_RevokeFirst,
	seL4_NotEnoughMemory,
	seL4_NumErrors
} seL4_Error;

typedef enum {
	seL4_NoFailure = 0,
	seL4_InvalidRoot,
	seL4_MissingCapability,
	seL4_DepthMismatch,
	seL4_GuardMismatch,
} seL4_LookupFailureType;

/* Object types: generic, then x86_64 mode, then x86 arch (CONFIG_HUGE_PAGE on). */
typedef enum {
	seL4_UntypedObject = 0,
	seL4_TCBObject,
	seL4_EndpointObject,
	seL4_NotificationObject,
	seL4_CapTableObject,
	seL4_NonArchObjectTypeCount,
	seL4_X86_PDPTObject = seL4_NonArchObjectTypeCount,
	seL4_X64_PML4Object,
	seL4_X64_HugePageObject,
	seL4_ModeObjectTypeCount,
	seL4_X86_4K = seL4_ModeObjectTypeCount,
	seL4_X86_LargePageObject,
	seL4_X86_PageTableObject,
	seL4_X86_PageDirectoryObject,
	seL4_ObjectTypeCount
} seL4_ObjectType;

typedef enum {
	seL4_X86_Default_VMAttributes = 0,
	seL4_X86_WriteBack = 0,
	seL4_X86_WriteThrough = 1,
	seL4_X86_CacheDisabled = 2,
	seL4_X86_Uncacheable = 3,
	seL4_X86_WriteCombining = 4,
} seL4_X86_VMAttributes;
