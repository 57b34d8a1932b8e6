/* Creating and destroying children: sessions at init's parent, ELF loading, the main thread. */
#include "init.h"
#include <base/image.h>
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <genode/layout.h>

#define PAGE 4096ul
/* What the environment sessions of a child cost, paid from its RAM quantum. */
#define CPU_SESSION_RAM	 (64 * 1024ul)
#define CPU_SESSION_CAPS 16
#define ENV_SESSION_RAM	 4096ul
#define ENV_SESSION_CAPS 4

static unsigned long page_down(unsigned long a)
{
	return a & ~(PAGE - 1);
}

static unsigned long page_up(unsigned long a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

/* An environment session of the child, paid by moving quota from the child's PD to init's. */
static int env_session_for(struct child *c, const char *service, const char *extra,
			   unsigned long ram, unsigned long caps, seL4_CPtr *cap, seL4_Word *id)
{
	struct env *env = init.env;
	if (c->pd) {
		struct pd_transfer_args t = {ram, caps};
		int err = pd_session_transfer_quota(c->pd, &t, 0, env->pd, 0);
		if (err)
			return err;
	}
	char args[GENODE_SESSION_ARGS_MAX];
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu%s", c->name, ram,
		 caps, extra);
	int err = env_session(env, service, args, cap, id);
	if (err && c->pd) {
		struct pd_transfer_args t = {ram, caps};
		pd_session_transfer_quota(env->pd, &t, 0, c->pd, 0);
	}
	return err;
}

/* Map the ELF image: read-only segments from the ROM, writeable ones copied into RAM. */
static bool load(struct child *c, seL4_Word *entry)
{
	struct env *env = init.env;
	const char *elf;
	struct rom_dataspace_result rom = {0};
	if (rom_session_dataspace(c->rom, 0, &rom, 0, &c->rom_ds) || !rom.size ||
	    env_attach(env, c->rom_ds, 0, 0, false, (void **)&elf)) {
		error("child \"%s\": cannot map binary \"%s\"", c->name, c->binary);
		return false;
	}
	bool ok = false;
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
		unsigned long at = page_down(p->vaddr), len = page_up(p->vaddr + p->memsz) - at;
		if (p->offset + p->filesz > size || (p->vaddr - p->offset) % PAGE) {
			error("child \"%s\": segment %u of \"%s\" is malformed", c->name, i,
			      c->binary);
			goto out;
		}
		int err;
		if (!(p->flags & PF_W)) {
			err = env_attach_at(env, as, c->rom_ds, len, page_down(p->offset), at,
					    p->flags & PF_X, false);
		} else {
			/* data and bss: RAM of the child, filled through a local mapping */
			struct pd_alloc_args a = {len};
			struct pd_alloc_result r;
			seL4_CPtr ds;
			char *local;
			err = pd_session_alloc(c->pd, &a, &r, 0, &ds);
			if (!err && !(err = env_attach(env, ds, 0, 0, true, (void **)&local))) {
				memcpy(local + (p->vaddr - at), elf + p->offset, p->filesz);
				env_detach(env, local);
				err = env_attach_at(env, as, ds, len, 0, at, p->flags & PF_X, true);
			}
			rpc_cap_release(ds);
		}
		if (err) {
			error("child \"%s\": cannot load segment %u: %s", c->name, i,
			      rpc_error_name(err));
			goto out;
		}
	}
	*entry = eh->entry;
	ok = true;
out:
	rpc_cap_release(as);
	env_detach(env, (void *)elf);
	return ok;
}

/* Why the child's thread stopped, for the log. */
static bool crash_reason(struct child *c, char *out, size_t size)
{
	struct cpu_thread_state s = {0};
	cpu_thread_state(c->thread, 0, &s, 0, 0);
	if (s.state == THREAD_DEAD) {
		unsigned status = (unsigned)s.code;
		if ((status & 0x7f) && (status & 0x7f) != 0x7f)
			snprintf(out, size, "its process was killed by signal %u", status & 0x7f);
		else
			snprintf(out, size, "its process exited with status %u",
				 (status >> 8) & 0xff);
	} else if (s.state == THREAD_FAULTED && s.exception) {
		snprintf(out, size, "exception %lu at ip=%#lx", s.exception, s.ip);
	} else if (s.state == THREAD_FAULTED) {
		snprintf(out, size, "unresolvable %s fault at %#lx (ip=%#lx)",
			 s.fault_type == RM_FAULT_WRITE ? "write" : "read", s.fault_addr, s.ip);
	} else {
		return false; /* another thread faulted; the main thread goes on */
	}
	return true;
}

static void fault_signal(struct signal_handler *h, unsigned long count)
{
	(void)count;
	struct child *c = (struct child *)((char *)h - __builtin_offsetof(struct child, fault));
	if (c->state != CHILD_ALIVE)
		return;
	if (!crash_reason(c, c->reason, sizeof(c->reason))) {
		warning("child \"%s\": one of its threads faulted", c->name);
		return;
	}
	error("child \"%s\" crashed: %s", c->name, c->reason);
	child_ended(c, true);
}

/* The nested <config> becomes the child's "config" ROM: a RAM dataspace of the child. */
static bool provide_config(struct child *c)
{
	struct xml_node cfg;
	if (!xml_first_sub(&c->start, "config", &cfg))
		return true;
	const char *text;
	size_t len;
	xml_text(&cfg, &text, &len);
	struct pd_alloc_args a = {page_up(len + 1)};
	struct pd_alloc_result r;
	char *local;
	if (pd_session_alloc(c->pd, &a, &r, 0, &c->config_ds) ||
	    env_attach(init.env, c->config_ds, 0, 0, true, (void **)&local)) {
		error("child \"%s\": no RAM for its config", c->name);
		return false;
	}
	memcpy(local, text, len);
	env_detach(init.env, local);
	c->config_size = len;
	free(c->config_copy);
	c->config_copy = malloc(len + 1);
	if (c->config_copy) {
		memcpy(c->config_copy, text, len);
		c->config_copy[len] = 0;
	}
	return true;
}

void child_update_config(struct child *c, const struct xml_node *start)
{
	struct xml_node cfg;
	const char *text;
	size_t len;
	if (c->state != CHILD_ALIVE || !c->config_ds || !xml_first_sub(start, "config", &cfg))
		return;
	xml_text(&cfg, &text, &len);
	if (c->config_copy && strlen(c->config_copy) == len && !memcmp(c->config_copy, text, len))
		return;
	/* the version before stays valid until the next change, as core's ROMs do */
	rpc_cap_release(c->config_prev);
	c->config_prev = c->config_ds;
	c->config_ds = 0;
	c->start = *start;
	if (!provide_config(c)) {
		c->config_ds = c->config_prev;
		c->config_prev = 0;
		return;
	}
	if (init.verbose)
		log("child \"%s\": config changed", c->name);
	for (struct child_session *s = c->sessions; s; s = s->next)
		if (s->local && s->sigh)
			signal_submit(s->sigh, 1);
}

static void read_start(struct child *c)
{
	unsigned long caps = 0, quantum = 0;
	struct xml_node def, res, bin;
	/* <default caps ram>, then the start node's attributes, then <resource> nodes */
	if (xml_first_sub(&init.config, "default", &def)) {
		xml_attr_ulong(&def, "caps", &caps);
		xml_attr_ulong(&def, "ram", &quantum);
	}
	xml_attr_ulong(&c->start, "caps", &caps);
	xml_attr_ulong(&c->start, "ram", &quantum);
	for (bool ok = xml_first_sub(&c->start, "resource", &res); ok;
	     ok = xml_next_sub(&c->start, "resource", &res)) {
		if (xml_attr_equals(&res, "name", "RAM"))
			xml_attr_ulong(&res, "quantum", &quantum);
		if (xml_attr_equals(&res, "name", "CAP"))
			xml_attr_ulong(&res, "quantum", &caps);
	}
	c->ram = quantum;
	c->caps = caps;
	strlcpy(c->binary, c->name, sizeof(c->binary));
	if (xml_first_sub(&c->start, "binary", &bin))
		xml_attr_string(&bin, "name", c->binary, sizeof(c->binary));
	/* a priority can only lower a child below init, within init's levels */
	long prio = 0;
	xml_attr_long(&c->start, "priority", &prio);
	if (prio > 0 || prio <= -(long)init.prio_levels) {
		warning("child \"%s\": priority %ld is outside [%ld, 0], using %ld", c->name, prio,
			1 - (long)init.prio_levels, prio > 0 ? 0l : 1 - (long)init.prio_levels);
		prio = prio > 0 ? 0 : 1 - (long)init.prio_levels;
	}
	c->priority = prio;
	/* the restart policy, an init extension (MINIX 3's reincarnation server is the model) */
	c->restart = xml_attr_equals(&c->start, "restart", "always")	   ? RESTART_ALWAYS
		     : xml_attr_equals(&c->start, "restart", "on-failure") ? RESTART_ON_FAILURE
									   : RESTART_NEVER;
	char policy[16];
	if (xml_attr_string(&c->start, "restart", policy, sizeof(policy)) &&
	    strcmp(policy, "never") && c->restart == RESTART_NEVER)
		warning("child \"%s\": unknown restart policy \"%s\", using \"never\"", c->name,
			policy);
	c->restart_delay_ms = 100;
	xml_attr_ulong(&c->start, "restart_delay_ms", &c->restart_delay_ms);
	xml_attr_ulong(&c->start, "restart_max", &c->restart_max);
}

unsigned long child_priority(const struct child *c, unsigned long requested)
{
	/* Genode's harmonic subdivision: init's policy in the most significant bits */
	if (requested > 0xffff)
		requested = 0xffff;
	return (requested >> init.prio_shift) |
	       (unsigned long)(-c->priority) * (0x10000ul >> init.prio_shift);
}

struct child *child_by_name(const char *name)
{
	for (struct child *c = init.children; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return 0;
}

struct child *child_start(struct xml_node *start)
{
	struct env *env = init.env;
	struct child *c = calloc(1, sizeof(*c));
	if (!c) {
		error("out of memory for a child");
		return 0;
	}
	c->start = *start;
	if (!xml_attr_string(start, "name", c->name, sizeof(c->name)) || !c->name[0]) {
		unsigned line, col;
		xml_position(start, start->base, &line, &col);
		error("config: <start> at line %u, column %u has no name", line, col);
		free(c);
		return 0;
	}
	read_start(c);
	struct child **tail = &init.children;
	while (*tail)
		tail = &(*tail)->next;
	*tail = c;
	int err;
	char args[GENODE_SESSION_ARGS_MAX];
	/* the binary first: a missing one is reported by name */
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=0, cap_quota=0", c->binary);
	if ((err = env_session(env, "ROM", args, &c->rom, &c->rom_id))) {
		error("child \"%s\": binary \"%s\" is not available (%s)", c->name, c->binary,
		      rpc_error_name(err));
		goto fail;
	}
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu", c->name, c->ram,
		 c->caps);
	if ((err = env_session(env, "PD", args, &c->pd, &c->pd_id))) {
		struct pd_quota_result q = {0};
		pd_session_quota(env->pd, 0, &q, 0, 0);
		error("child \"%s\": cannot create its PD with RAM %lu and %lu caps: %s "
		      "(init has %lu bytes and %lu caps left)",
		      c->name, c->ram, c->caps, rpc_error_name(err), q.ram_quota - q.ram_used,
		      q.cap_quota - q.cap_used);
		c->pd = 0;
		goto fail;
	}
	char prio[48];
	snprintf(prio, sizeof(prio), ", priority=%lu", child_priority(c, 0));
	if ((err = env_session_for(c, "CPU", prio, CPU_SESSION_RAM, CPU_SESSION_CAPS, &c->cpu,
				   &c->cpu_id)) ||
	    (err = env_session_for(c, "LOG", "", ENV_SESSION_RAM, ENV_SESSION_CAPS, &c->log,
				   &c->log_id))) {
		error("child \"%s\": cannot create its environment: %s", c->name,
		      rpc_error_name(err));
		goto fail;
	}
	seL4_Word entry;
	if (!provide_config(c) || !load(c, &entry))
		goto fail;
	if ((err = ep_manage(env, &c->parent, &parent_interface, c)) ||
	    (err = pd_session_assign_parent(c->pd, 0, 0, c->parent.cap, 0))) {
		error("child \"%s\": cannot hand over the parent capability: %s", c->name,
		      rpc_error_name(err));
		goto fail;
	}
	if (!signal_handler_init(env, &c->fault, fault_signal))
		cpu_session_exception_sigh(c->cpu, 0, 0, c->fault.cap, 0);
	struct cpu_create_thread_args t = {.utcb = GENODE_MAIN_UTCB};
	strlcpy(t.name, c->name, sizeof(t.name));
	struct cpu_thread_start_args s = {entry, 0};
	if ((err = cpu_session_create_thread(c->cpu, &t, 0, c->pd, &c->thread)) ||
	    (err = cpu_thread_start(c->thread, &s, 0, 0, 0))) {
		error("child \"%s\": cannot start its main thread: %s", c->name,
		      rpc_error_name(err));
		goto fail;
	}
	if (c->restart != RESTART_NEVER)
		c->started_us = init_now_us();
	return c;
fail:
	child_destroy(c);
	return 0;
}

static void close_env(seL4_Word *id, seL4_CPtr *cap)
{
	if (*id)
		env_close(init.env, *id, *cap);
	else
		rpc_cap_release(*cap);
	*id = 0;
	*cap = 0;
}

void child_destroy(struct child *c)
{
	struct env *env = init.env;
	/*
	 * Clients of this child lose their server: their sessions stay until
	 * they close them, and a client waiting in a call (for a reply that will
	 * not come) is woken with an IPC error.
	 */
	for (struct child *o = init.children; o; o = o->next) {
		bool client = false, waits_for_init = false;
		for (struct child_session *s = o->sessions; s; s = s->next) {
			waits_for_init |= s->state == SESSION_PENDING;
			if (s->server == c) {
				s->server = 0;
				client = true;
			}
		}
		/* a client waiting for init itself is not waiting for the dead server */
		if (client && !waits_for_init && o->thread && o->state == CHILD_ALIVE)
			cpu_thread_cancel_blocking(o->thread, 0, 0, 0, 0);
	}
	services_forget(c);
	reexports_forget(c);
	own_sessions_forget(c);
	while (c->sessions) {
		struct child_session *s = c->sessions;
		c->sessions = s->next;
		session_close(s);
		free(s);
	}
	/* threads first, then the rest; closing the PD frees everything it holds */
	rpc_cap_release(c->thread);
	c->thread = 0;
	close_env(&c->cpu_id, &c->cpu);
	close_env(&c->log_id, &c->log);
	rpc_cap_release(c->config_ds);
	rpc_cap_release(c->config_prev);
	c->config_ds = c->config_prev = 0;
	close_env(&c->pd_id, &c->pd);
	rpc_cap_release(c->rom_ds);
	c->rom_ds = 0;
	close_env(&c->rom_id, &c->rom);
	if (c->parent.cap)
		ep_dissolve(env, &c->parent);
	if (c->fault.cap)
		signal_handler_dissolve(env, &c->fault);
	/* an ended child stays in the state report (and may restart) */
	if (c->state != CHILD_ALIVE)
		return;
	for (struct child **p = &init.children; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	free(c->config_copy);
	free(c);
}

void child_remove(struct child *c)
{
	c->state = CHILD_ALIVE; /* so that child_destroy drops the record too */
	child_destroy(c);
}
