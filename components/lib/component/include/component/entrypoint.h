/*
 * Entrypoints: a thread that serves RPC objects and dispatches signals, as
 * Genode's Entrypoint. The main thread is the component's first
 * entrypoint (env->ep); entrypoint_create starts more, each on a thread of
 * its own. Objects get capabilities from core (badged copies of the
 * entrypoint thread's endpoint); a signal handler gets a signal context
 * at the entrypoint's signal source (its thread's bound notification), so
 * its signals arrive at that entrypoint alone.
 */
#pragma once

#include <base/rpc.h>
#include <component/env.h>
#include <component/thread.h>
#include <genode/pd_session.h>

struct rpc_object {
	const struct rpc_interface *iface;
	void *impl;
	seL4_Word badge;
	seL4_CPtr cap;
};

struct signal_handler;

struct entrypoint {
	struct env *env;
	unsigned slot;	  /* its thread's stack-area slot */
	seL4_Word source; /* its signal source at core */
	struct lock lock; /* guards the object table */
	struct rpc_object **table;
	size_t table_size, table_count;
	unsigned io_depth;		 /* nesting of wait_and_dispatch_one_io_signal */
	struct signal_handler *deferred; /* application signals held back meanwhile */
	struct pd_signal_result batch;	 /* signals fetched from core, not dispatched yet */
	unsigned batch_next;
	struct thread thread; /* its thread, but for the main entrypoint */
	struct blockade ready;
};

/* The component's main entrypoint (the main thread). */
struct entrypoint *env_ep(struct env *env);

/* Start an entrypoint on a new thread with a stack of stack_size bytes. */
int entrypoint_create(struct env *env, struct entrypoint *ep, const char *name,
		      unsigned long stack_size);

/*
 * Stop an entrypoint (not the main one): its thread, its source and signal
 * contexts go; objects still managed are dissolved, with a warning.
 */
void entrypoint_destroy(struct entrypoint *ep);

int entrypoint_manage(struct entrypoint *ep, struct rpc_object *o,
		      const struct rpc_interface *iface, void *impl);
void entrypoint_dissolve(struct entrypoint *ep, struct rpc_object *o);

/* The same at the main entrypoint. */
int ep_manage(struct env *env, struct rpc_object *o, const struct rpc_interface *iface, void *impl);
void ep_dissolve(struct env *env, struct rpc_object *o);

/*
 * A signal handler: its signals call handle (with the number of signals
 * counted since the last call) on its entrypoint. An I/O-level handler
 * (Genode's Io_signal_handler) is also dispatched inside
 * entrypoint_wait_and_dispatch_one_io_signal; an application-level one is
 * held back until the entrypoint returns to its loop.
 */
struct signal_handler {
	void (*handle)(struct signal_handler *h, unsigned long count);
	seL4_CPtr cap; /* the signal context: give it to whoever should signal */
	struct entrypoint *ep;
	bool io;
	unsigned long held; /* signals held back, application level */
	struct signal_handler *next_held;
};

int signal_handler_init(struct env *env, struct signal_handler *h,
			void (*handle)(struct signal_handler *, unsigned long));
int signal_handler_init_at(struct entrypoint *ep, struct signal_handler *h,
			   void (*handle)(struct signal_handler *, unsigned long), bool io);
void signal_handler_dissolve(struct env *env, struct signal_handler *h);
/* Submit a signal to a context capability. */
void signal_submit(seL4_CPtr context, unsigned long count);

/*
 * Called on the entrypoint's own thread (inside a handler or an RPC): wait
 * for the next I/O-level signal and dispatch it; application-level
 * signals that arrive meanwhile are dispatched later, from the loop.
 */
void entrypoint_wait_and_dispatch_one_io_signal(struct entrypoint *ep);

/*
 * Answer later: called by a handler, it keeps the caller's reply
 * capability in *reply and tells the entrypoint not to answer now. The
 * handler's return value is then ignored; rpc_reply_deferred answers.
 */
int rpc_defer(seL4_CPtr *reply);
/* The answer to a deferred call: an rpc_error and at most one capability. */
void rpc_reply_deferred(seL4_CPtr reply, int err, seL4_CPtr cap);

/* The framework's start: the main entrypoint's signal source. */
int entrypoint_init_main(struct env *env);

/* Serve the main entrypoint's RPCs and signals forever. */
__attribute__((noreturn)) void ep_serve(struct env *env);
