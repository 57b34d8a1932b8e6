/* Sessions at the parent, the address space and RAM, and the heap. */
#include <base/session_args.h>
#include <base/format.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/env.h>
#include <component/thread.h>

static struct lock heap_lock;

int env_attach_at(struct env *env, seL4_CPtr rm, seL4_CPtr ds, unsigned long size,
		  unsigned long offset, unsigned long at, bool executable, bool writeable)
{
	(void)env;
	struct region_map_attach_args a = {size, offset, 1, at, executable, writeable};
	struct region_map_addr r;
	return region_map_attach(rm, &a, &r, ds, 0);
}

int env_attach(struct env *env, seL4_CPtr ds, unsigned long size, unsigned long offset,
	       bool writeable, void **addr)
{
	struct region_map_attach_args a = {size, offset, 0, 0, 0, writeable};
	struct region_map_addr r;
	int err = region_map_attach(env->rm, &a, &r, ds, 0);
	if (!err)
		*addr = (void *)r.addr;
	return err;
}

void env_detach(struct env *env, void *addr)
{
	struct region_map_addr a = {(seL4_Word)addr};
	region_map_detach(env->rm, &a, 0, 0, 0);
}

int env_alloc_ram(struct env *env, unsigned long size, seL4_CPtr *ds)
{
	struct pd_alloc_args a = {size};
	struct pd_alloc_result r;
	int err = pd_session_alloc(env->pd, &a, &r, 0, ds);
	if (err != RPC_OUT_OF_RAM && err != RPC_OUT_OF_CAPS)
		return err;
	/* out of quota: ask the parent for more, as Genode's PD connection does, and retry */
	if (err == RPC_OUT_OF_CAPS ? env_resource_request(env, 0, 4)
				   : env_request_ram(env, size + 4 * 4096))
		return err;
	return pd_session_alloc(env->pd, &a, &r, 0, ds);
}

/*
 * Out of quota at our PD: ask the parent for more and try again, as
 * Genode's PD connection does (ram more bytes, caps more capabilities).
 */
static bool more_quota(struct env *env, int err, unsigned long ram, unsigned long caps)
{
	if (err == RPC_OUT_OF_RAM)
		return !env_request_ram(env, ram);
	if (err == RPC_OUT_OF_CAPS)
		return !env_resource_request(env, 0, caps);
	return false;
}

int env_alloc_context(struct env *env, struct pd_context_args *a, seL4_CPtr *cap)
{
	int err;
	/* contexts are small: ask for a few pages' worth */
	while ((err = pd_session_alloc_context(env->pd, a, 0, 0, cap)) &&
	       more_quota(env, err, 16 * 1024, 16))
		;
	return err;
}

int env_transfer_quota(struct env *env, seL4_CPtr to, unsigned long ram, unsigned long caps)
{
	struct pd_transfer_args t = {ram, caps};
	int err;
	while ((err = pd_session_transfer_quota(env->pd, &t, 0, to, 0)) &&
	       more_quota(env, err, ram, caps))
		;
	return err;
}

int env_request_ram(struct env *env, unsigned long need)
{
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	unsigned long avail = q.ram_quota - q.ram_used;
	return env_resource_request(env, need > avail ? need - avail : need, 0);
}

void env_free_ram(struct env *env, seL4_CPtr ds)
{
	pd_session_free(env->pd, 0, 0, ds, 0);
	rpc_cap_release(ds);
}

unsigned long ds_size(seL4_CPtr ds)
{
	struct dataspace_info i = {0};
	dataspace_info(ds, 0, &i, 0, 0);
	return i.size;
}

void *malloc(size_t size)
{
	lock_acquire(&heap_lock);
	void *p = heap_alloc(&genode_env()->heap, size);
	lock_release(&heap_lock);
	return p;
}

void *calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return 0;
	lock_acquire(&heap_lock);
	void *p = heap_zalloc(&genode_env()->heap, n * size);
	lock_release(&heap_lock);
	return p;
}

void free(void *p)
{
	lock_acquire(&heap_lock);
	heap_free(&genode_env()->heap, p);
	lock_release(&heap_lock);
}

struct genode_affinity_space env_affinity_space(struct env *env)
{
	struct genode_affinity_space space = {1, 1};
	if (cpu_session_affinity_space(env->cpu, 0, &space, 0, 0))
		return (struct genode_affinity_space){1, 1};
	return space;
}
