/*
 * Constants the entry code (entry.S) shares with the runtime's C, written
 * for the assembler too (runtime.h checks them against their C sources).
 */
#pragma once

#define RT_ASM_BLOCKS	       0x7e8010000000 /* SIM_RUNTIME_BLOCKS */
#define RT_ASM_BLOCK_SHIFT     16	      /* SIM_RUNTIME_BLOCK_SIZE */
#define RT_ASM_MAX_THREADS     1024	      /* SIM_RUNTIME_MAX_THREADS */
#define RT_ASM_BLOCK_TID       0	      /* offsetof(struct rt_block, tid) */
#define RT_ASM_BLOCK_STATE     4	      /* offsetof(struct rt_block, entry_state) */
#define RT_ASM_USER_CS	       0x33
#define RT_ASM_USER_DS	       0x2b
#define RT_ASM_NR_GETTID       186
#define RT_ASM_RED_ZONE	       128
#define RT_ASM_STUB_FRAME      24 /* what the stub pushed: its return address, rdx, rflags */
#define RT_ASM_STUB_TO_NEXT_IP 4  /* from its return address past "jmp; syscall" */

/* struct rt_block's entry_state */
#define RT_ENTRY_NONE	  0 /* no direct entry under way */
#define RT_ENTRY_ENTERED  1 /* the trap goes (or went) to kernel-sim, no answer yet */
#define RT_ENTRY_ANSWERED 2 /* the answer's registers are in the entry frame */
