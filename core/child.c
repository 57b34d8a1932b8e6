/*
 * Core as the parent of init: it creates init's environment sessions,
 * loads init's ELF image from its ROM module into init's address space,
 * starts init's main thread and serves init's parent interface.
 */
#include "child.h"
#include "core.h"
#include "cpu_session.h"
#include "rom.h"
#include <base/affinity.h>
#include <base/image.h>
#include <base/string.h>
#include <genode/layout.h>
#include <genode/parent.h>

struct child_session {
	seL4_Word id;
	struct core_session *s;
	struct child_session *next;
};

struct core_child {
	struct core_obj parent;
	char name[32];
	struct pd_session *pd;
	struct core_session *env[PARENT_ENV_IDS];
	struct child_session *sessions;
};

RPC_SERVER(parent_interface, PARENT_RPC);

static struct account core_account;
static struct core_child init_child;

#define PAGE seL4_PageSize

static unsigned long page_down(unsigned long a)
{
	return a & ~(PAGE - 1);
}

static unsigned long page_up(unsigned long a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

/* Text and read-only data from the ROM dataspace, data and bss into fresh RAM. */
static bool load_elf(struct pd_session *pd, const struct rom_module *m, struct dataspace *rom,
		     unsigned long *entry)
{
	const struct elf64_ehdr *eh = m->data;
	if (m->size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) ||
	    eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff + eh->phnum * sizeof(struct elf64_phdr) > m->size) {
		core_log("core: \"%s\" is not an ELF executable\n", m->name);
		return false;
	}
	const struct elf64_phdr *ph = (const void *)((const char *)m->data + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type != PT_LOAD)
			continue;
		unsigned long at = page_down(p->vaddr), size = page_up(p->vaddr + p->memsz) - at,
			      addr;
		if (p->offset + p->filesz > m->size || (p->vaddr - p->offset) % PAGE)
			return false;
		int err;
		if (!(p->flags & PF_W)) {
			err = rm_attach(pd->address_space, rom, size, page_down(p->offset), true,
					at, p->flags & PF_X, false, &addr);
		} else {
			struct dataspace *ds = pd_alloc_ram(pd, size, &err);
			if (!ds)
				break;
			if (!ds_write(ds, p->vaddr - at, (const char *)m->data + p->offset,
				      p->filesz))
				return false;
			err = rm_attach(pd->address_space, ds, size, 0, true, at, p->flags & PF_X,
					true, &addr);
		}
		if (err) {
			core_log("core: cannot load segment %u of \"%s\": %s\n", i, m->name,
				 rpc_error_name(err));
			return false;
		}
	}
	*entry = eh->entry;
	return true;
}

/*
 * The args with the child's name prepended to its label (Genode's label
 * chain); false if the chain does not fit: a label cut short would name
 * something else.
 */
static bool relabel(const char *name, const char *args, char *out, size_t size)
{
	char label[GENODE_SESSION_ARGS_MAX] = "", chain[SESSION_LABEL_MAX];
	strlcpy(out, args, size);
	session_arg_string(args, "label", label, sizeof(label));
	size_t n = label[0] ? (size_t)snprintf(chain, sizeof(chain), "%s -> %s", name, label)
			    : strlcpy(chain, name, sizeof(chain));
	if (n >= sizeof(chain) || !session_arg_set_label(out, size, chain)) {
		str_sanitize(label);
		core_log("core: session label \"%s -> %s\" is longer than %zu characters: denied\n",
			 name, label, sizeof(chain) - 1);
		return false;
	}
	return true;
}

static struct core_session *env_session(struct core_child *c, const char *service, const char *args)
{
	char labeled[GENODE_SESSION_ARGS_MAX];
	int err = RPC_DENIED;
	/* Genode's core child: the environment sessions get Affinity::unrestricted() */
	struct genode_affinity unrestricted = affinity_unrestricted();
	struct core_session *s =
	    relabel(c->name, args, labeled, sizeof(labeled))
		? session_create(service, labeled, &unrestricted, &core_account, &err)
		: 0;
	if (!s)
		core_log("core: cannot create %s session for %s: %s\n", service, c->name,
			 rpc_error_name(err));
	return s;
}

bool child_start_init(void)
{
	struct core_child *c = &init_child;
	strlcpy(c->name, "init", sizeof(c->name));
	const struct rom_module *m = rom_lookup("init");
	if (!m) {
		core_log("core: no ROM module \"init\" to start\n");
		return false;
	}
	/* init gets what is left, minus a reserve for core's own bookkeeping */
	unsigned long avail = untyped_avail(), reserve = avail / 16;
	if (reserve < (4ul << 20))
		reserve = 4ul << 20;
	if (avail < reserve + (4ul << 20)) {
		core_log("core: not enough memory to start init (%lu KiB free)\n", avail >> 10);
		return false;
	}
	core_account.ram_quota = avail - reserve;
	core_account.cap_quota = 1ul << 20;
	/* init's PD session is paid like any PD; its quota comes by transfer, as a child's */
	c->env[PARENT_ENV_PD] = env_session(c, "PD", "ram_quota=327680, cap_quota=8");
	c->env[PARENT_ENV_CPU] = env_session(c, "CPU", "ram_quota=262144, cap_quota=64");
	c->env[PARENT_ENV_LOG] = env_session(c, "LOG", "ram_quota=4096, cap_quota=4");
	c->env[PARENT_ENV_BINARY] =
	    env_session(c, "ROM", "label=\"init\", ram_quota=4096, cap_quota=4");
	c->pd = pd_of_session(c->env[PARENT_ENV_PD]);
	if (!c->pd || !c->env[PARENT_ENV_CPU] || !c->env[PARENT_ENV_LOG] ||
	    !c->env[PARENT_ENV_BINARY])
		return false;
	unsigned long ram = core_account.ram_quota - core_account.ram_used - (1ul << 20),
		      caps = core_account.cap_quota - core_account.cap_used - 256;
	if (!account_transfer(&core_account, &c->pd->s.account, ram, caps))
		return false;
	struct dataspace *rom = rom_session_ds(c->env[PARENT_ENV_BINARY]);
	core_log("core: transferred %lu MiB to init\n", c->pd->s.account.ram_quota >> 20);
	unsigned long entry;
	if (!obj_register(&c->parent, &parent_interface, c) ||
	    platform_pd_install(&c->pd->pf, GENODE_SEL_PARENT, c->parent.cap, 0) != seL4_NoError ||
	    !load_elf(c->pd, m, rom, &entry))
		return false;
	struct cpu_create_thread_args t = {.utcb = GENODE_MAIN_UTCB};
	strlcpy(t.name, "init", sizeof(t.name));
	struct cpu_thread *main;
	int err = cpu_thread_create((struct cpu_session *)c->env[PARENT_ENV_CPU], c->pd, &t, &main);
	if (!err)
		err = cpu_thread_start(main, entry, 0);
	if (err) {
		core_log("core: cannot start init: %s\n", rpc_error_name(err));
		return false;
	}
	return true;
}

/* --- the parent interface, for init ------------------------------------- */

static struct child_session **find(struct core_child *c, seL4_Word id)
{
	struct child_session **p = &c->sessions;
	while (*p && (*p)->id != id)
		p = &(*p)->next;
	return p;
}

int serve_parent_session(void *obj, const struct parent_session_args *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct core_child *c = obj;
	char service[GENODE_SERVICE_NAME_MAX], args[GENODE_SESSION_ARGS_MAX],
	    labeled[GENODE_SESSION_ARGS_MAX];
	strlcpy(service, in->service, sizeof(service));
	strlcpy(args, in->args, sizeof(args));
	if (in->id < PARENT_ENV_IDS || *find(c, in->id))
		return RPC_INVALID_ARGS;
	if (!relabel(c->name, args, labeled, sizeof(labeled)))
		return RPC_DENIED;
	struct child_session *cs = core_zalloc(sizeof(*cs));
	if (!cs)
		return RPC_OUT_OF_METADATA;
	int err;
	struct genode_affinity affinity = in->affinity;
	cs->s = session_create(service, labeled, &affinity, &c->pd->s.account, &err);
	if (!cs->s) {
		core_free(cs);
		return err;
	}
	cs->id = in->id;
	cs->next = c->sessions;
	c->sessions = cs;
	*cap_out = cs->s->obj.cap;
	return RPC_OK;
}

int serve_parent_session_cap(void *obj, const struct parent_id_args *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct core_child *c = obj;
	if (in->id >= PARENT_ENV_IDS || !c->env[in->id])
		return RPC_INVALID_ARGS;
	*cap_out = c->env[in->id]->obj.cap;
	return RPC_OK;
}

int serve_parent_upgrade(void *obj, const struct parent_upgrade_args *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct core_child *c = obj;
	struct child_session *cs = *find(c, in->id);
	struct core_session *s = cs ? cs->s : in->id < PARENT_ENV_IDS ? c->env[in->id] : 0;
	if (!s)
		return RPC_INVALID_ARGS;
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	return session_upgrade(s, args, s == &c->pd->s ? &core_account : &c->pd->s.account);
}

int serve_parent_close(void *obj, const struct parent_id_args *in, struct rpc_none *out,
		       struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct core_child *c = obj;
	struct child_session **p = find(c, in->id), *cs = *p;
	if (!cs)
		return RPC_INVALID_ARGS;
	*p = cs->next;
	session_close(cs->s);
	core_free(cs);
	return RPC_OK;
}

int serve_parent_exit(void *obj, const struct parent_exit_args *in, struct rpc_none *out,
		      struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct core_child *c = obj;
	core_log("core: child \"%s\" exited with exit value %ld\n", c->name, in->exit_value);
	/* init is the whole system: its end is the end of the run */
	sim_DebugHalt((seL4_Word)(in->exit_value & 0xff));
	return RPC_OK;
}

void child_thread_lost(struct pd_session *pd, const char *why)
{
	if (!init_child.pd || pd != init_child.pd)
		return;
	core_log("core: init %s: the system ends\n", why);
	sim_DebugHalt(1);
}

int serve_parent_announce(void *obj, const struct parent_announce_args *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_DENIED; /* core's parent role offers no place to announce to */
}

/*
 * Core grants no resource requests (init has all there is), asks for no
 * yield, sends no heartbeats and routes no sessions to init: these calls
 * are accepted and do nothing, as Genode's core does.
 */
int serve_parent_resource_request(void *obj, const struct parent_resource_args *in,
				  struct rpc_none *out, struct rpc_cap_arg *cap_in,
				  seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK;
}

#define IGNORED(name, In, Out)                                                                     \
	int serve_parent_##name(void *obj, const In *in, Out *out, struct rpc_cap_arg *cap_in,     \
				seL4_CPtr *cap_out)                                                \
	{                                                                                          \
		(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;                       \
		return RPC_OK;                                                                     \
	}
IGNORED(resource_avail_sigh, struct rpc_none, struct rpc_none)
IGNORED(yield_sigh, struct rpc_none, struct rpc_none)
IGNORED(yield_response, struct rpc_none, struct rpc_none)
IGNORED(heartbeat_sigh, struct rpc_none, struct rpc_none)
IGNORED(heartbeat_response, struct rpc_none, struct rpc_none)
IGNORED(session_requests_sigh, struct rpc_none, struct rpc_none)

int serve_parent_yield_request(void *obj, const struct rpc_none *in,
			       struct parent_resource_args *out, struct rpc_cap_arg *cap_in,
			       seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)cap_in, (void)cap_out;
	out->args[0] = 0;
	return RPC_OK;
}

int serve_parent_session_request(void *obj, const struct rpc_none *in, struct parent_request *out,
				 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)cap_in, (void)cap_out;
	out->kind = PARENT_REQUEST_NONE;
	return RPC_OK;
}

int serve_parent_deliver_session(void *obj, const struct parent_id_args *in, struct rpc_none *out,
				 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_INVALID_ARGS; /* core asked init for no session */
}

int serve_parent_session_response(void *obj, const struct parent_response_args *in,
				  struct rpc_none *out, struct rpc_cap_arg *cap_in,
				  seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_INVALID_ARGS;
}
