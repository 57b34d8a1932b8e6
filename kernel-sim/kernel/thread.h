/*
 * Threads: states, registers, message registers, and the bridge between a
 * TCB and its host thread. A thread that trapped waits in its host thread
 * until kernel-sim answers; every answer is sent once the event that made
 * the thread runnable has been handled completely. A thread that runs in
 * its host when the kernel must see or change its registers is parked
 * first (a signal stops it in the runtime's trap handler).
 */
#pragma once

#include "object.h"
#include <sel4/ipc_buffer.h>
#include <sim/trap.h>

struct pd_proc;

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

/*
 * Make t's registers in kernel-sim current: a thread running in its host
 * is parked. Returns false if its host thread is gone.
 */
bool thread_sync(struct tcb *t);

/* Start the host thread of a runnable TCB in its VSpace's PD process. */
int thread_activate(struct tcb *t);

/*
 * A thread is about to be resumed: start its VSpace's PD process and its
 * host thread now, so that the invocation can fail (NotEnoughMemory) if the
 * host cannot; 0, or -1 with nothing changed in seL4's terms.
 */
int thread_prepare_host(struct tcb *t);

/* Send the answers of every thread made runnable since the last flush. */
void thread_flush_resumes(void);

/* The trap handler, set by the system-call layer. */
extern void (*thread_trap_handler)(struct tcb *t, const struct sim_trap *trap);

/* Record a trap that arrived while the thread was being stopped. */
void thread_absorb_trap(struct tcb *t, const struct sim_trap *trap);

/* End the host thread of a TCB that is being deleted. */
void thread_end_host(struct tcb *t);

/* Forget the host threads of a PD process that is being ended. */
void thread_forget_process(struct pd_proc *p);

/* A PD process died: forget its host threads and fault the threads that ran in it. */
void thread_process_lost(struct pd_proc *p, int wstatus);

/* Deliver the faults of threads that were made runnable but cannot run. */
void thread_deliver_pending_faults(void);

/* The VSpace a thread runs in, if its VTable holds a valid one. */
struct vspace *thread_vspace(struct tcb *t);

/* Unlink a dying TCB from kernel-sim's lists. */
void tcb_remove(struct tcb *t);
