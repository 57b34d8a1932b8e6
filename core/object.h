/*
 * Core's RPC objects. Each has a badge, unique in the system, and core
 * holds the original badged copy of its endpoint: handing out the object
 * is handing out copies of that capability, and destroying the object
 * revokes them all. Page-fault handlers (one per thread) are objects
 * without an RPC interface.
 */
#pragma once

#include <base/rpc.h>

struct core_obj {
	seL4_Word badge;
	const struct rpc_interface *iface; /* NULL: the fault handler of a thread */
	void *impl;
	seL4_CPtr cap; /* core's badged endpoint capability for it */
};

/* Core's endpoint, on which its entrypoint receives. */
extern seL4_CPtr core_ep;

/* A fresh badge for an object served by any entrypoint of the system. */
seL4_Word badge_alloc(void);

/* Give o a badge and a capability; false when core runs out of slots or memory. */
bool obj_register(struct core_obj *o, const struct rpc_interface *iface, void *impl);
/* Revoke every copy of o's capability and forget it. */
void obj_unregister(struct core_obj *o);
struct core_obj *obj_lookup(seL4_Word badge);
/* The object a capability argument names, if it is core's and of that interface. */
void *obj_arg(const struct rpc_cap_arg *arg, const struct rpc_interface *iface);

unsigned long obj_count(void);
