/*
 * Threads: states, registers, message registers and the endpoint queues,
 * as seL4's kernel/thread.c. Which thread runs is kernel/schedule.c's
 * decision; the host thread behind a TCB is host/thread.c's business.
 */
#pragma once

#include "object.h"
#include <sel4/ipc_buffer.h>
#include <sim/trap.h>

struct tcb *tcb_create(uint64_t paddr);

/* Every TCB, newest first (follow all_next). */
struct tcb *tcb_first(void);

/*
 * The root task's initial thread, while it exists. When it takes a fault it
 * cannot deliver, kernel-sim ends the system (seL4 would stop the thread
 * and leave every other thread waiting for the root task forever).
 */
extern struct tcb *root_thread;

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

bool is_stopped(const struct tcb *t);

void set_thread_state(struct tcb *t, enum thread_state s);

/* seL4's suspend and restart. */
void suspend(struct tcb *t);
void restart(struct tcb *t);

/* FaultIP := NextIP, so that a stopped thread continues where it was. */
void update_restart_pc(struct tcb *t);

/* The reply master capability in the TCB's reply slot. */
void setup_reply_master(struct tcb *t);

/* Endpoint and notification queues (FIFO, as seL4's tcbEPAppend). */
void tcb_queue_append(struct tcb_queue *q, struct tcb *t);
void tcb_queue_remove(struct tcb_queue *q, struct tcb *t);

/* The VSpace a thread runs in, if its VTable holds a valid one. */
struct vspace *thread_vspace(struct tcb *t);

/*
 * A runnable thread that has no place to run takes the fault seL4 would
 * give it when it first ran: with no valid VSpace a VMFault at its first
 * instruction fetch, in a VSpace whose process died the PD-lost exception.
 */
void fault_unrunnable(struct tcb *t);

/* The PD process of vs died: each of its threads that is not inactive faults when it runs. */
void thread_vspace_lost(struct vspace *vs);

/*
 * A thread is about to be resumed: start its VSpace's PD process and its
 * host thread now, so that the invocation can fail (NotEnoughMemory) if the
 * host cannot; 0, or -1 with nothing changed in seL4's terms.
 */
int thread_prepare_host(struct tcb *t);

/* Unlink a dying TCB from kernel-sim's lists. */
void tcb_remove(struct tcb *t);
