/*
 * Children: their environment sessions (routed by the policy), the ELF
 * image loaded into their address space (text and read-only data attached
 * from the binary ROM, data and bss copied into the child's RAM), their
 * parent capability and main thread; and their end.
 */
#include "child_internal.h"
#include <base/affinity.h>
#include <base/image.h>
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <genode/layout.h>

#define PAGE 4096ul
/* What the CPU and LOG sessions of a child cost, paid from its quota. */
#define CPU_SESSION_RAM	 (64 * 1024ul)
#define CPU_SESSION_CAPS 16
#define ENV_SESSION_RAM	 4096ul
#define ENV_SESSION_CAPS 4
/*
 * What a PD session costs at core (its VSpace root, CSpace and VM CNodes,
 * bookkeeping): the donation of the child's PD session, the rest of its
 * quota is transferred to it (core keeps the donation for the PD itself).
 */
#define PD_SESSION_RAM	(320 * 1024ul)
#define PD_SESSION_CAPS 8

static unsigned long page_down(unsigned long a)
{
	return a & ~(PAGE - 1);
}

static unsigned long page_up(unsigned long a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

bool child_started(const struct child *c)
{
	return c->state == CHILD_RUNNING;
}

/* A read-only segment from the ROM, or a writeable one copied into fresh RAM of the child. */
static int load_segment(struct child *c, seL4_CPtr as, const char *elf, const struct elf64_phdr *p)
{
	struct env *env = c->env;
	unsigned long at = page_down(p->vaddr), len = page_up(p->vaddr + p->memsz) - at;
	if (!(p->flags & PF_W))
		return env_attach_at(env, as, c->rom_ds, len, page_down(p->offset), at,
				     p->flags & PF_X, false);
	struct pd_alloc_args a = {len};
	struct pd_alloc_result r;
	seL4_CPtr ds;
	char *local;
	int err = pd_session_alloc(c->pd, &a, &r, 0, &ds);
	if (!err && !(err = env_attach(env, ds, 0, 0, true, (void **)&local))) {
		memcpy(local + (p->vaddr - at), elf + p->offset, p->filesz);
		env_detach(env, local);
		err = env_attach_at(env, as, ds, len, 0, at, p->flags & PF_X, true);
	}
	rpc_cap_release(ds);
	return err;
}

/* Map the ELF image into the child's address space; its entry point, or 0. */
static seL4_Word load(struct child *c)
{
	struct env *env = c->env;
	const char *elf;
	struct rom_dataspace_result rom = {0};
	if (rom_session_dataspace(c->rom, 0, &rom, 0, &c->rom_ds) || !rom.size ||
	    env_attach(env, c->rom_ds, 0, 0, false, (void **)&elf)) {
		error("child \"%s\": cannot map binary \"%s\"", c->name, c->binary);
		return 0;
	}
	seL4_Word entry = 0;
	seL4_CPtr as = 0;
	unsigned long size = rom.size;
	const struct elf64_ehdr *eh = (const void *)elf;
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) ||
	    eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff + (unsigned long)eh->phnum * sizeof(struct elf64_phdr) > size) {
		error("child \"%s\": binary \"%s\" is not an ELF executable", c->name, c->binary);
		goto out;
	}
	if (pd_session_address_space(c->pd, 0, 0, 0, &as))
		goto out;
	const struct elf64_phdr *ph = (const void *)(elf + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type != PT_LOAD)
			continue;
		if (p->offset + p->filesz > size || (p->vaddr - p->offset) % PAGE ||
		    p->filesz > p->memsz) {
			error("child \"%s\": segment %u of \"%s\" is malformed", c->name, i,
			      c->binary);
			goto out;
		}
		int err = load_segment(c, as, elf, p);
		if (err) {
			error("child \"%s\": cannot load segment %u: %s", c->name, i,
			      rpc_error_name(err));
			goto out;
		}
	}
	entry = eh->entry;
out:
	rpc_cap_release(as);
	env_detach(env, (void *)elf);
	return entry;
}

/* Request one environment session; its quota comes from our PD. */
static int env_session_for(struct child *c, seL4_Word id, const char *service, const char *label,
			   unsigned long ram, unsigned long caps)
{
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	s->heap = true;
	s->client = c;
	s->client_id = id;
	strlcpy(s->service_name, service, sizeof(s->service_name));
	strlcpy(s->label, label, sizeof(s->label));
	snprintf(s->args, sizeof(s->args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu", label, ram,
		 caps);
	/* Genode's Env_connection: the policy's filter makes the child's CPUs of it */
	s->affinity = affinity_unrestricted();
	c->env_sessions[id] = s;
	session_link_client(s);
	int err = session_initiate(s);
	if (err && err != SESSION_PENDING) {
		c->env_sessions[id] = 0;
		for (struct session **p = &c->sessions; *p; p = &(*p)->next)
			if (*p == s) {
				*p = s->next;
				break;
			}
		free(s);
	}
	return err;
}

/* Whether environment session id is there; takes its capability. */
static bool env_ready(struct child *c, seL4_Word id, seL4_CPtr *cap)
{
	struct session *s = c->env_sessions[id];
	if (!s || s->phase != SESSION_AVAILABLE)
		return false;
	*cap = s->cap;
	return true;
}

/* Start the child once its environment is complete: load, parent, main thread. */
static int try_start(struct child *c)
{
	struct env *env = c->env;
	int err;
	if (c->state != CHILD_STARTING || !env_ready(c, PARENT_ENV_PD, &c->pd) ||
	    !env_ready(c, PARENT_ENV_CPU, &c->cpu) || !env_ready(c, PARENT_ENV_LOG, &c->log) ||
	    !env_ready(c, PARENT_ENV_BINARY, &c->rom))
		return RPC_OK;
	seL4_Word entry = load(c);
	if (!entry)
		return RPC_INVALID_ARGS;
	if ((err = entrypoint_manage(env_ep(env), &c->parent, &parent_interface, c)) ||
	    (err = pd_session_assign_parent(c->pd, 0, 0, c->parent.cap, 0))) {
		error("child \"%s\": cannot hand over the parent capability: %s", c->name,
		      rpc_error_name(err));
		return err;
	}
	if (c->policy->init_cpu)
		c->policy->init_cpu(c);
	struct cpu_create_thread_args t = {.utcb = GENODE_MAIN_UTCB};
	strlcpy(t.name, c->name, sizeof(t.name));
	struct cpu_thread_start_args st = {entry, 0};
	if ((err = cpu_session_create_thread(c->cpu, &t, 0, c->pd, &c->thread)) ||
	    (err = cpu_thread_start(c->thread, &st, 0, 0, 0))) {
		error("child \"%s\": cannot start its main thread: %s", c->name,
		      rpc_error_name(err));
		return err;
	}
	c->state = CHILD_RUNNING;
	return RPC_OK;
}

/* An environment session became available (or failed): go on. */
void child_env_progress(struct child *c)
{
	if (c->state == CHILD_STARTING && try_start(c))
		c->state = CHILD_FAILED;
}

int child_create(struct env *env, struct child *c, const struct child_policy *policy, void *data,
		 const char *name, const char *binary, unsigned long ram, unsigned long caps)
{
	*c = (struct child){.policy = policy, .data = data, .env = env, .ram = ram, .caps = caps};
	strlcpy(c->name, name, sizeof(c->name));
	strlcpy(c->binary, binary, sizeof(c->binary));
	int err = env_session_for(c, PARENT_ENV_BINARY, "ROM", strcmp(binary, name) ? binary : name,
				  0, 0);
	if (err && err != SESSION_PENDING) {
		error("child \"%s\": binary \"%s\" is not available (%s)", c->name, binary,
		      rpc_error_name(err));
		goto fail;
	}
	err = ram < PD_SESSION_RAM || caps < PD_SESSION_CAPS
		  ? RPC_INSUFFICIENT_RAM_QUOTA
		  : env_session_for(c, PARENT_ENV_PD, "PD", name, PD_SESSION_RAM, PD_SESSION_CAPS);
	if (err == SESSION_PENDING) {
		error("child \"%s\": its PD session is not served at once", c->name);
		err = RPC_DENIED;
	} else if (err == RPC_DENIED) {
		/* Genode's words: no route, or core cannot make the PD (its kernel refused) */
		error("child \"%s\": PD environment session denied (label=\"%s\", "
		      "ram_quota=%lu, cap_quota=%lu)",
		      c->name, name, PD_SESSION_RAM, (unsigned long)PD_SESSION_CAPS);
		goto fail;
	}
	/* our PD is the child's reference account: its quota comes from there, and goes back */
	if (!err) {
		c->pd = c->env_sessions[PARENT_ENV_PD]->cap;
		if (!(err = pd_session_ref_account(c->pd, 0, 0, env->pd, 0)))
			err = child_transfer(env->pd, c->pd, ram - PD_SESSION_RAM,
					     caps - PD_SESSION_CAPS);
	}
	if (err) {
		struct pd_quota_result q = {0};
		pd_session_quota(env->pd, 0, &q, 0, 0);
		error("child \"%s\": cannot create its PD with RAM %lu and %lu caps: %s "
		      "(we have %lu bytes and %lu caps left)",
		      c->name, ram, caps, rpc_error_name(err), q.ram_quota - q.ram_used,
		      q.cap_quota - q.cap_used);
		goto fail;
	}
	c->pd = c->env_sessions[PARENT_ENV_PD]->cap;
	if (policy->init_pd)
		policy->init_pd(c);
	/* the CPU and LOG sessions are paid from the child's quota */
	if ((err = child_transfer(c->pd, env->pd, CPU_SESSION_RAM + ENV_SESSION_RAM,
				  CPU_SESSION_CAPS + ENV_SESSION_CAPS))) {
		error("child \"%s\": its quota does not cover its environment: %s", c->name,
		      rpc_error_name(err));
		goto fail;
	}
	err = env_session_for(c, PARENT_ENV_CPU, "CPU", name, CPU_SESSION_RAM, CPU_SESSION_CAPS);
	if (!err || err == SESSION_PENDING)
		err = env_session_for(c, PARENT_ENV_LOG, "LOG", name, ENV_SESSION_RAM,
				      ENV_SESSION_CAPS);
	if (err && err != SESSION_PENDING) {
		error("child \"%s\": cannot create its environment: %s", c->name,
		      rpc_error_name(err));
		goto fail;
	}
	if ((err = try_start(c)))
		goto fail;
	return RPC_OK;
fail:
	c->state = CHILD_FAILED;
	child_destroy(c);
	return err ? err : RPC_DENIED;
}

static void close_env(struct child *c, seL4_Word id)
{
	struct session *s = c->env_sessions[id];
	c->env_sessions[id] = 0;
	if (s)
		session_client_gone(s); /* a server child may close it later */
}

void child_destroy(struct child *c)
{
	struct env *env = c->env;
	/* threads first (its own, then those of what it started); the PD last: it holds all */
	rpc_cap_release(c->thread);
	c->thread = 0;
	close_env(c, PARENT_ENV_CPU);
	sessions_of_client_gone(c);
	close_env(c, PARENT_ENV_LOG);
	rpc_cap_release(c->rom_ds);
	c->rom_ds = 0;
	close_env(c, PARENT_ENV_BINARY);
	/*
	 * What we hold for it goes before its PD: once its process is gone,
	 * our accounts at core are what they will stay.
	 */
	if (c->parent.cap)
		entrypoint_dissolve(env_ep(env), &c->parent);
	if (c->policy->halted)
		c->policy->halted(c);
	close_env(c, PARENT_ENV_PD);
	c->pd = c->cpu = c->log = c->rom = 0;
	/* its PD and every donation in it came back to us: answer its waiting clients */
	sessions_of_server_gone(c);
	rpc_cap_release(c->session_sigh);
	rpc_cap_release(c->resource_avail_sigh);
	rpc_cap_release(c->yield_sigh);
	rpc_cap_release(c->heartbeat_sigh);
	c->session_sigh = c->resource_avail_sigh = c->yield_sigh = c->heartbeat_sigh = 0;
	c->state = CHILD_FAILED;
}

void child_retry_sessions(struct child *c)
{
	for (struct session *s = c->sessions, *next; s; s = next) {
		next = s->next;
		if (!s->waiting)
			continue;
		int err = session_initiate(s);
		if (err == SESSION_PENDING && s->waiting)
			continue;
		if (s->client_id < PARENT_ENV_IDS) {
			child_env_progress(c);
			continue;
		}
		if (err != SESSION_PENDING) {
			rpc_reply_deferred(s->reply, err, err ? 0 : s->cap);
			s->reply = 0;
			if (!err)
				s->phase = SESSION_CAP_HANDED_OUT;
			else
				session_close(s);
		}
	}
}

void child_yield(struct child *c, const char *args)
{
	strlcpy(c->yield_args, args, sizeof(c->yield_args));
	if (c->yield_sigh)
		signal_submit(c->yield_sigh, 1);
}

void child_notify_resource_avail(struct child *c)
{
	if (c->resource_avail_sigh)
		signal_submit(c->resource_avail_sigh, 1);
}

void child_heartbeat(struct child *c)
{
	/* no heartbeat before the child asks for them */
	if (!c->heartbeat_sigh)
		return;
	c->outstanding_heartbeats++;
	signal_submit(c->heartbeat_sigh, 1);
}

unsigned child_skipped_heartbeats(const struct child *c)
{
	/* one outstanding is fine: the child needs a moment to answer */
	return c->outstanding_heartbeats > 1 ? c->outstanding_heartbeats - 1 : 0;
}

bool child_route_parent(const char *service, const char *label, const char *services,
			struct route *r)
{
	size_t n = strlen(service);
	for (const char *p = services; *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, service, n)) {
			r->kind = SERVICE_PARENT;
			strlcpy(r->label, label, sizeof(r->label));
			return true;
		}
		p += len + (end ? 1 : 0);
	}
	return false;
}
