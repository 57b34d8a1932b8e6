/*
 * Signal receivers, as Genode's Signal_receiver: a signal source of its own
 * (a notification core creates for it), on which any thread may block in
 * signal_wait until a signal of one of the receiver's contexts arrives.
 * A received signal holds a reference on its context; dissolving a
 * context blocks until every signal of it is released, so a handler never
 * sees a context that is gone.
 */
#pragma once

#include <component/env.h>
#include <component/thread.h>

struct signal_receiver;

struct signal_context {
	struct signal_receiver *receiver;
	seL4_CPtr cap; /* give it to whoever should signal */
	unsigned refs; /* signals of it not released yet */
	bool dissolving;
	struct blockade released;
};

struct signal_receiver {
	struct env *env;
	seL4_Word source;
	seL4_CPtr ntfn; /* the source's notification */
	struct lock lock;
};

/* A signal: its context and how many signals it stands for. */
struct signal {
	struct signal_context *context;
	unsigned long num;
};

int signal_receiver_init(struct env *env, struct signal_receiver *r);
/* Give back the source (every context must be dissolved before). */
void signal_receiver_destroy(struct signal_receiver *r);

/* A capability for c, whose signals r receives (0 on failure). */
seL4_CPtr signal_receiver_manage(struct signal_receiver *r, struct signal_context *c);
/* Stop c's signals; blocks while a signal of c is still referenced. */
void signal_receiver_dissolve(struct signal_receiver *r, struct signal_context *c);

/* Block until a signal arrives (release it with signal_release). */
struct signal signal_wait(struct signal_receiver *r);
/* The next signal if one is pending, else a signal with num 0. */
struct signal signal_pending(struct signal_receiver *r);
/* Another reference to the same signal (Genode's copy of a Signal). */
struct signal signal_copy(const struct signal *s);
void signal_release(struct signal *s);
