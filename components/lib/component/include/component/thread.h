/*
 * Threads of a component: each gets a slot of the stack area (its stack, a
 * RAM dataspace attached there, and its IPC buffer, which core maps at the
 * slot's top) and a thread of the component's CPU session. Each thread,
 * the main thread too, has thread-local storage (__thread variables): a
 * TLS block at the top of its stack, its FS base set when it starts.
 */
#pragma once

#include <component/env.h>
#include <genode/layout.h>

#define THREAD_STACK_MAPPINGS 4 /* a stack may grow to this many dataspaces */

struct thread {
	unsigned slot;
	seL4_CPtr cap;
	seL4_CPtr stack_ds[THREAD_STACK_MAPPINGS];
	unsigned long stack_part[THREAD_STACK_MAPPINGS]; /* the size of each */
	unsigned stack_maps;
	unsigned long stack_top, stack_base; /* [base, top) is mapped */
	unsigned long tls;		     /* the thread pointer: its TLS block tops the stack */
	void (*entry)(void *arg);
	void *arg;
	unsigned done;
	unsigned joiner; /* stack-area slot + 1 of the thread in thread_join, or 0 */
	char name[64];
};

/*
 * Create a thread (its slot, stack and CPU-session thread) that will run
 * entry(arg) on a stack of stack_size bytes once started. Fails with
 * RPC_OUT_OF_METADATA when the stack area has no slot left.
 */
int thread_create(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		  void (*entry)(void *), void *arg);
/*
 * The same at a location of the CPU session's affinity space
 * (env_affinity_space; Genode's Thread constructor with an
 * Affinity::Location): core places the thread on that CPU. thread_create
 * takes the session's first CPU; a location beyond the space wraps
 * around within it.
 */
int thread_create_at(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		     struct genode_affinity_location location, void (*entry)(void *), void *arg);
/* Start a created thread. */
int thread_run(struct thread *t);
/* Create and start a thread (thread_create, thread_run). */
int thread_start(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		 void (*entry)(void *), void *arg);
int thread_start_at(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		    struct genode_affinity_location location, void (*entry)(void *), void *arg);
/* Wait until t's entry function returned. */
void thread_wait(struct thread *t);
/* Kill the thread and free its stack and slot (Genode's ~Thread). */
void thread_destroy(struct env *env, struct thread *t);
/* Wait for t, then destroy it. */
void thread_join(struct env *env, struct thread *t);

/* The calling thread (the main thread's record for slot 0). */
struct thread *thread_myself(void);
/*
 * The main thread's stack, in slot 0 of the stack area like every other
 * thread's, with the rest of the slot below it unmapped as its guard:
 * returns its top (for the startup code to switch to), 0 on failure.
 */
unsigned long thread_init_main(struct env *env, unsigned long stack_size);
/*
 * Grow the calling thread's stack to size bytes (within its slot, at most
 * THREAD_STACK_MAPPINGS dataspaces in all), as Genode's Thread::stack_size:
 * an rpc_error.
 */
int thread_stack_size(unsigned long size);

/*
 * Blocking until a word changes: the waiter blocks on its lock
 * notification until *word == value; whoever changes the word wakes it
 * with thread_wakeup(slot). Wakeups that come early are not lost.
 */
void thread_block_until(unsigned *word, unsigned value);
void thread_wakeup(unsigned slot);

/*
 * A blockade (Genode's Blockade): one thread blocks until another wakes it;
 * a wakeup before the block is kept (once).
 */
struct blockade {
	unsigned woken;
	unsigned waiter; /* slot + 1 */
};
void blockade_block(struct blockade *b);
void blockade_wakeup(struct blockade *b);

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
