/*
 * The entrypoint: serves the component's RPC objects and dispatches its
 * signals, on the main thread. Objects get capabilities from core (badged
 * copies of the thread's endpoint); a signal handler gets a signal context.
 */
#pragma once

#include <base/rpc.h>
#include <component/env.h>

struct rpc_object {
	const struct rpc_interface *iface;
	void *impl;
	seL4_Word badge;
	seL4_CPtr cap;
};

int ep_manage(struct env *env, struct rpc_object *o, const struct rpc_interface *iface, void *impl);
void ep_dissolve(struct env *env, struct rpc_object *o);

struct signal_handler {
	void (*handle)(struct signal_handler *h, unsigned long count);
	seL4_CPtr cap; /* the signal context: give it to whoever should signal */
};

int signal_handler_init(struct env *env, struct signal_handler *h,
			void (*handle)(struct signal_handler *, unsigned long));
void signal_handler_dissolve(struct env *env, struct signal_handler *h);
/* Submit a signal to a context capability. */
void signal_submit(seL4_CPtr context, unsigned long count);

/*
 * Answer later: called by a handler, it keeps the caller's reply
 * capability in *reply and tells the entrypoint not to answer now. The
 * handler's return value is then ignored; rpc_reply_deferred answers.
 */
int rpc_defer(seL4_CPtr *reply);
/* The answer to a deferred call: an rpc_error and at most one capability. */
void rpc_reply_deferred(seL4_CPtr reply, int err, seL4_CPtr cap);

/* Serve RPCs and signals forever. */
__attribute__((noreturn)) void ep_serve(struct env *env);
