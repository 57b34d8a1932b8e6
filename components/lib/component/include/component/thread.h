/*
 * Threads of a component: each gets a slot of the stack area (its stack, a
 * RAM dataspace attached there, and its IPC buffer, which core maps at the
 * slot's top) and a thread of the component's CPU session.
 */
#pragma once

#include <component/env.h>

struct thread {
	unsigned slot;
	seL4_CPtr cap, stack_ds;
	void (*entry)(void *arg);
	void *arg;
	volatile int done;
	char name[64];
};

/* Create and start a thread running entry(arg) on a stack of stack_size bytes. */
int thread_start(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		 void (*entry)(void *), void *arg);
/* Wait until t's entry function returned, then free the thread. */
void thread_join(struct env *env, struct thread *t);

/* A lock that yields while it waits (the framework's threads are few). */
struct lock {
	volatile int held;
};
void lock_acquire(struct lock *l);
void lock_release(struct lock *l);
