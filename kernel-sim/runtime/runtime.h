/*
 * pd-host: the runtime of a PD process, its simulated CPU and MMU. It holds
 * no policy: it maps what kernel-sim tells it to map, starts the threads
 * kernel-sim starts, and turns every trap of component code into a message
 * to kernel-sim, continuing with the registers kernel-sim answers.
 */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <sim/layout.h>
#include <sim/trap.h>
#include "linux.h"
#include "entry_asm.h"

long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
void __restore_rt(void);
__attribute__((noreturn)) void rt_enter_user(struct k_ucontext *uc);
void rt_thread_entry(void);
extern char rt_syscall_return[];

#define rt_sys0(n)	       rt_syscall((n), 0, 0, 0, 0, 0, 0)
#define rt_sys1(n, a)	       rt_syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define rt_sys2(n, a, b)       rt_syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define rt_sys3(n, a, b, c)    rt_syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define rt_sys4(n, a, b, c, d) rt_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define rt_sys5(n, a, b, c, d, e)                                                                  \
	rt_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define rt_sys6(n, a, b, c, d, e, f)                                                               \
	rt_syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/*
 * Per-thread block, aligned to its size. Layout: this header, then the
 * stack a new thread starts on, then the alternate signal stack on which
 * every trap of the thread is handled.
 */
#define RT_START_STACK_OFFSET 0x1000ul
#define RT_ALTSTACK_OFFSET    0x4000ul
#define RT_ALTSTACK_SIZE      (SIM_RUNTIME_BLOCK_SIZE - RT_ALTSTACK_OFFSET)

struct rt_block {
	volatile int tid;	       /* set by clone, cleared by the kernel at thread exit */
	volatile uint32_t entry_state; /* RT_ENTRY_*: where a direct entry stands */
	int chan;		       /* the thread's channel to kernel-sim */
	uint32_t index;
	uint64_t fs_base; /* last loaded TLS bases: ucontext does not hold them */
	uint64_t gs_base;
	uint64_t park_done;		    /* parks up to this sequence number are answered */
	volatile uint64_t park_pending;	    /* a park that came during a direct entry */
	struct rt_entry_frame *entry_frame; /* ANSWERED: the registers to continue with */
	uint64_t resume_ticks; /* from the last answer_tsc to the resumption: for the next trap */
};

/*
 * The registers of a direct entry as entry.S pushes and pops them: rax to
 * r15 in seL4_UserContext's order, then iretq's frame.
 */
struct rt_entry_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, cs, rflags, rsp, ss;
};
#define RT_FRAME_GPRS (offsetof(struct rt_entry_frame, rip))
_Static_assert(offsetof(seL4_UserContext, r15) - offsetof(seL4_UserContext, rax) ==
		   offsetof(struct rt_entry_frame, r15),
	       "rax to r15 as in seL4_UserContext");

_Static_assert(RT_ASM_BLOCKS == SIM_RUNTIME_BLOCKS, "entry_asm.h");
_Static_assert((1ul << RT_ASM_BLOCK_SHIFT) == SIM_RUNTIME_BLOCK_SIZE, "entry_asm.h");
_Static_assert(RT_ASM_MAX_THREADS == SIM_RUNTIME_MAX_THREADS, "entry_asm.h");
_Static_assert(offsetof(struct rt_block, tid) == RT_ASM_BLOCK_TID, "entry_asm.h");
_Static_assert(offsetof(struct rt_block, entry_state) == RT_ASM_BLOCK_STATE, "entry_asm.h");
_Static_assert(RT_ASM_USER_CS == K_USER_CS && RT_ASM_USER_DS == K_USER_DS, "entry_asm.h");
_Static_assert(RT_ASM_NR_GETTID == __NR_gettid, "entry_asm.h");
_Static_assert(sizeof(struct rt_entry_frame) % 16 == 0, "the entry keeps the stack aligned");

struct rt_block *rt_block_at(uint32_t index);
struct rt_block *rt_current_block(void);

/* Threads */
extern long rt_pid;
long rt_thread_start(uint32_t index, int chan);

/* The direct entry (entry.S, direct.c) */
void rt_sel4_entry(void);
void rt_direct_syscall(struct rt_block *b, struct rt_entry_frame *f);
void rt_direct_know(struct rt_block *b);
int rt_direct_park(struct rt_block *b, uint64_t seq, struct sigcontext *sc);

/* Traps */
void rt_install_trap_handlers(void);
int rt_exchange(struct rt_block *b, const struct sim_trap *t, struct sim_resume *r);
void rt_serve(struct rt_block *b, struct sim_trap *t, struct sim_resume *r);
void rt_regs_to_sigcontext(struct sigcontext *sc, const seL4_UserContext *r);
void rt_apply_bases(struct rt_block *b, const struct sim_resume *r);
void rt_apply_name(struct rt_block *b, const struct sim_resume *r);

/* Messages */
long rt_send(int fd, const void *buf, size_t len, const void *payload, size_t plen);
long rt_send_fd(int sock, const void *buf, size_t len, int fd);
long rt_recv(int fd, void *buf, size_t len, int *fd_out);

/* Utilities */
__attribute__((noreturn)) void rt_die(const char *why);
size_t rt_strlen(const char *s);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
