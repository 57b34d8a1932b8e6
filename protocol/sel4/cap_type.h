/*
 * The kernel's capability type tags on x86_64, as seL4_DebugCapIdentify
 * returns them.
 */
#pragma once

enum seL4_CapType {
	seL4_CapType_Null = 0,
	seL4_CapType_Untyped = 2,
	seL4_CapType_Endpoint = 4,
	seL4_CapType_Notification = 6,
	seL4_CapType_Reply = 8,
	seL4_CapType_CNode = 10,
	seL4_CapType_Thread = 12,
	seL4_CapType_IRQControl = 14,
	seL4_CapType_IRQHandler = 16,
	seL4_CapType_Zombie = 18,
	seL4_CapType_Domain = 20,
	seL4_CapType_Frame = 1,
	seL4_CapType_PageTable = 3,
	seL4_CapType_PageDirectory = 5,
	seL4_CapType_PDPT = 7,
	seL4_CapType_PML4 = 9,
	seL4_CapType_ASIDControl = 11,
	seL4_CapType_ASIDPool = 13,
	seL4_CapType_IOPort = 19,
	seL4_CapType_IOPortControl = 31,
};
