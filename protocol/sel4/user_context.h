/* x86_64 register set as seL4_TCB_ReadRegisters/WriteRegisters see it. */
#pragma once

#include "types.h"

typedef struct seL4_UserContext_ {
	seL4_Word rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13,
	    r14, r15;
	seL4_Word fs_base, gs_base;
} seL4_UserContext;

#define seL4_UserContext_Words (sizeof(seL4_UserContext) / sizeof(seL4_Word))
