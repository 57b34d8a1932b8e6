/*
 * Basic seL4 types for x86_64, shared by kernel-sim and every PD.
 * Freestanding: only compiler-provided headers.
 */
#pragma once

#include <stdint.h>
#include <stddef.h>

typedef uint64_t seL4_Word;
typedef int64_t seL4_SWord;
typedef seL4_Word seL4_CPtr;
typedef uint8_t seL4_Uint8;
typedef uint16_t seL4_Uint16;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_Domain;
typedef seL4_Word seL4_SlotPos;
typedef seL4_Word seL4_Bool;
typedef seL4_Uint64 seL4_Time; /* a domain schedule entry's duration, in timer ticks */

#define seL4_Null ((void *)0)

/* Capability pointers of the kinds the manual names. */
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_CPtr seL4_X86_ASIDControl;
typedef seL4_CPtr seL4_X86_ASIDPool;
typedef seL4_CPtr seL4_X86_IOPortControl;
typedef seL4_CPtr seL4_X86_IOPort;
typedef seL4_CPtr seL4_X86_Page;
typedef seL4_CPtr seL4_X86_PDPT;
typedef seL4_CPtr seL4_X64_PML4;
typedef seL4_CPtr seL4_X86_PageDirectory;
typedef seL4_CPtr seL4_X86_PageTable;
