/* The IPC buffer as seL4 lays it out: 128 words, aligned to its size. */
#pragma once

#include "constants.h"
#include "message_info.h"

typedef struct seL4_IPCBuffer_ {
	seL4_MessageInfo_t tag;
	seL4_Word msg[seL4_MsgMaxLength];
	seL4_Word userData;
	seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
	seL4_CPtr receiveCNode;
	seL4_CPtr receiveIndex;
	seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((__aligned__(sizeof(struct seL4_IPCBuffer_))));

_Static_assert(sizeof(seL4_IPCBuffer) == 1024, "seL4_IPCBuffer is 128 words");
