/*
 * The environment of a Genode-style component: its parent, its PD, CPU and
 * LOG sessions, its address space, heap and entrypoint. A component defines
 * component_construct(); the framework calls it once the environment is up
 * and then serves the component's RPC objects and signals on the main
 * thread's entrypoint.
 */
#pragma once

#include <base/heap.h>
#include <base/rpc.h>
#include <genode/affinity.h>
#include <stdbool.h>
#include <stddef.h>

struct env {
	seL4_CPtr parent, pd, cpu, log, rm, binary;
	struct heap heap;
	seL4_Word next_session_id;
};

/* The component's start: called once on the main thread. */
void component_construct(struct env *env);

/* Leave: tell the parent the exit value, then never return. */
__attribute__((noreturn)) void env_exit(struct env *env, long value);

/*
 * Open a session at the parent (the call returns when the server has
 * answered); *id names it for upgrade and close. An rpc_error.
 */
int env_session(struct env *env, const char *service, const char *args, seL4_CPtr *cap,
		seL4_Word *id);
/* The same with an affinity (Genode's Parent::session affinity argument; NULL: none). */
int env_session_at(struct env *env, const char *service, const char *args,
		   const struct genode_affinity *affinity, seL4_CPtr *cap, seL4_Word *id);
/*
 * The same with Genode's Connection semantics: quota the server finds
 * insufficient is raised and the request repeated, quota we lack is
 * asked of the parent; a denied session is fatal ("Error: stop because
 * parent denied S-session: ARGS", and the calling thread blocks for good).
 */
int env_connect(struct env *env, const char *service, const char *args, seL4_CPtr *cap,
		seL4_Word *id);
/* More quota for a session (asked of the parent when we lack it). */
int env_upgrade(struct env *env, seL4_Word id, const char *args);
int env_close(struct env *env, seL4_Word id, seL4_CPtr cap);

/*
 * Resources from the parent. env_resource_request asks for more quota and
 * blocks until the parent signals that it gave some, unless the component
 * installed a handler of its own with env_resource_avail_sigh (then it
 * returns RPC_OUT_OF_RAM at once, as Genode's). Yield: the parent's
 * request to give quota back arrives at the handler of env_yield_sigh;
 * env_yield_request tells how much, env_yield_response answers.
 */
int env_resource_request(struct env *env, unsigned long ram, unsigned long caps);
void env_resource_avail_sigh(struct env *env, seL4_CPtr sigh);
void env_yield_sigh(struct env *env, seL4_CPtr sigh);
void env_yield_request(struct env *env, char *args, size_t size);
void env_yield_response(struct env *env);
/*
 * The framework's start: answer the parent's heartbeats from the main
 * entrypoint, and be ready to wait for resources.
 */
void env_init_parent(struct env *env);

/* Attach a dataspace to the component's own address space (size 0: all of it). */
int env_attach(struct env *env, seL4_CPtr ds, unsigned long size, unsigned long offset,
	       bool writeable, void **addr);
int env_attach_at(struct env *env, seL4_CPtr rm, seL4_CPtr ds, unsigned long size,
		  unsigned long offset, unsigned long at, bool executable, bool writeable);
void env_detach(struct env *env, void *addr);

/* A RAM dataspace from the component's PD. */
int env_alloc_ram(struct env *env, unsigned long size, seL4_CPtr *ds);
void env_free_ram(struct env *env, seL4_CPtr ds);
/* Ask the parent for RAM quota so that need more bytes are available (a resource request). */
int env_request_ram(struct env *env, unsigned long need);
/*
 * Quota to another PD whose reference account ours is (pd_session
 * transfer_quota), asking the parent for more when we lack it.
 */
int env_transfer_quota(struct env *env, seL4_CPtr to, unsigned long ram, unsigned long caps);
/* A signal context at our PD (pd_session alloc_context), asking for quota when out of it. */
struct pd_context_args;
int env_alloc_context(struct env *env, struct pd_context_args *a, seL4_CPtr *cap);

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);

/*
 * The CPUs of our CPU session (Genode's env.cpu().affinity_space()): a
 * thread created at a location of this space runs there (thread_create_at).
 */
struct genode_affinity_space env_affinity_space(struct env *env);

/* The size of a dataspace. */
unsigned long ds_size(seL4_CPtr ds);

/* The environment (the same one component_construct got). */
struct env *genode_env(void);
