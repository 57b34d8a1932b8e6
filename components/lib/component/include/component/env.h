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

/* Open a session at the parent; *id names it for upgrade and close. */
int env_session(struct env *env, const char *service, const char *args, seL4_CPtr *cap,
		seL4_Word *id);
int env_upgrade(struct env *env, seL4_Word id, const char *args);
int env_close(struct env *env, seL4_Word id, seL4_CPtr cap);

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

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);

/* The size of a dataspace. */
unsigned long ds_size(seL4_CPtr ds);

/* The environment (the same one component_construct got). */
struct env *genode_env(void);
