/*
 * Threads of a component: each gets a slot of the stack area (its stack, a
 * RAM dataspace attached there, and its IPC buffer, which core maps at the
 * slot's top) and a thread of the component's CPU session.
 */
#pragma once

#include <component/env.h>
#include <genode/layout.h>

struct thread {
	unsigned slot;
	seL4_CPtr cap, stack_ds;
	void (*entry)(void *arg);
	void *arg;
	unsigned done;
	unsigned joiner; /* stack-area slot + 1 of the thread in thread_join, or 0 */
	char name[64];
};

/* Create and start a thread running entry(arg) on a stack of stack_size bytes. */
int thread_start(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		 void (*entry)(void *), void *arg);
/* Wait until t's entry function returned, then free the thread. */
void thread_join(struct env *env, struct thread *t);

/* The stack-area slot of the calling thread (0: the main thread). */
unsigned thread_slot_self(void);

/*
 * A blocking lock, as Genode's on seL4: a contended thread blocks on its own
 * lock notification (GENODE_SEL_THREAD_LOCK) until the holder hands the lock
 * over, so a waiter never spins or yields and strict priorities cannot
 * starve the holder. Tickets make it FIFO; no kernel object per lock. A
 * zero-initialised lock is free.
 */
struct lock {
	unsigned next;				   /* the next ticket handed out */
	unsigned serving;			   /* the ticket that holds the lock */
	unsigned short waiter[GENODE_MAX_THREADS]; /* by ticket: slot + 1 of the blocked thread */
};
void lock_acquire(struct lock *l);
void lock_release(struct lock *l);
