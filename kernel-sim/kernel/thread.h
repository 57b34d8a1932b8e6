/*
 * Threads: states, registers and message registers, and the bridge between
 * a TCB and its host thread. A thread that trapped waits in its host thread
 * until kernel-sim answers; every answer is sent once the event that made
 * the thread runnable has been handled completely.
 */
#pragma once

#include "object.h"
#include <sel4/ipc_buffer.h>
#include <sim/trap.h>

struct tcb *tcb_create(uint64_t paddr);

/* Every TCB, newest first (follow all_next). */
struct tcb *tcb_first(void);

/* x86_64 register roles in seL4's system-call ABI. */
#define capRegister	rdi
#define badgeRegister	rdi
#define msgInfoRegister rsi
#define n_msgRegisters	seL4_FastMessageRegisters

seL4_Word get_msg_register(struct tcb *t, unsigned i);
void set_msg_register(struct tcb *t, unsigned i, seL4_Word v);

/* The IPC buffer of t, through the frame cap in its buffer slot (seL4 rules). */
seL4_Word *lookup_ipc_buffer(bool is_receiver, struct tcb *t);

/* Message register i, from a register or the IPC buffer; 0 if absent. */
seL4_Word get_syscall_arg(struct tcb *t, unsigned i, seL4_Word *buffer);

/* Set message register i; returns i + 1 (seL4's setMR). */
unsigned set_mr(struct tcb *t, seL4_Word *buffer, unsigned i, seL4_Word v);

static inline bool is_runnable(const struct tcb *t)
{
	return t->state == ThreadState_Running || t->state == ThreadState_Restart;
}

void set_thread_state(struct tcb *t, enum thread_state s);

/* Make t run in its VSpace's PD process (first resume). */
int thread_activate(struct tcb *t);

/* Send the answers of every thread made runnable since the last flush. */
void thread_flush_resumes(void);

/* The trap handler, set by the system-call layer. */
extern void (*thread_trap_handler)(struct tcb *t, const struct sim_trap *trap);

/* The host thread is gone (its process died): forget it. */
void thread_host_lost(struct tcb *t);

/* The VSpace a thread runs in, if its VTable holds one. */
struct vspace *thread_vspace(struct tcb *t);
