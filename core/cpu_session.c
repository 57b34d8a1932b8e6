/* The CPU service: threads in PDs. */
#include "cpu_session.h"
#include "core.h"
#include "pager.h"
#include <base/affinity.h>
#include <base/string.h>
#include <genode/layout.h>

/* TCB, endpoint, notification, lock notification, IPC buffer: one 4 KiB block each. */
#define THREAD_RAM_COST (5 * seL4_PageSize + 512)
#define THREAD_CAP_COST 5

static int cpu_create(struct core_session *s, const char *args);
static void cpu_destroy(struct core_session *s);

RPC_SERVER(cpu_session_interface, CPU_SESSION_RPC);
RPC_SERVER(cpu_thread_interface, CPU_THREAD_RPC);

const struct core_service cpu_service = {
    .name = "CPU",
    .ram_cost = 4096,
    .cap_cost = 1,
    .create = cpu_create,
    .destroy = cpu_destroy,
    .iface = &cpu_session_interface,
    .size = sizeof(struct cpu_session),
};

/* The machine's CPUs as Genode's core sees them on seL4: numNodes x 1. */
static struct genode_affinity_space machine_space(void)
{
	return (struct genode_affinity_space){__sel4_num_nodes, 1};
}

/*
 * The session's CPUs: the request's affinity scaled to the machine (Genode's
 * Affinity::scale_to), kept within it. A request without an affinity space
 * gets every CPU, as Affinity::unrestricted() would.
 */
static struct genode_affinity_location session_location(const struct genode_affinity *requested)
{
	struct genode_affinity a = *requested;
	struct genode_affinity_space m = machine_space();
	if (!a.space.width || !a.space.height)
		a = affinity_unrestricted();
	struct genode_affinity_location l = affinity_scale_to(&a, m);
	l.xpos = l.xpos < 0 ? 0 : l.xpos >= (long)m.width ? (long)m.width - 1 : l.xpos;
	l.ypos = l.ypos < 0 ? 0 : l.ypos >= (long)m.height ? (long)m.height - 1 : l.ypos;
	if (l.width > m.width - (seL4_Word)l.xpos)
		l.width = m.width - (seL4_Word)l.xpos;
	if (l.height > m.height - (seL4_Word)l.ypos)
		l.height = m.height - (seL4_Word)l.ypos;
	return l;
}

/* A position within [0, size): wrapped around, as Affinity::Space::location_of_index wraps. */
static seL4_Word wrap(long pos, seL4_Word size)
{
	long r = pos % (long)size;
	return (seL4_Word)(r < 0 ? r + (long)size : r);
}

/*
 * The CPU of a thread at location l of the session's space: the session's
 * first CPU moved by l's position (Genode's _thread_affinity), which wraps
 * within the session's rectangle, so a thread never leaves its session's
 * CPUs.
 */
static unsigned thread_cpu(const struct cpu_session *cpu, struct genode_affinity_location l)
{
	const struct genode_affinity_location *s = &cpu->location;
	seL4_Word x = (seL4_Word)s->xpos + wrap(l.xpos, s->width),
		  y = (seL4_Word)s->ypos + wrap(l.ypos, s->height);
	return (unsigned)(y * machine_space().width + x);
}

static int cpu_create(struct core_session *s, const char *args)
{
	struct cpu_session *cpu = (struct cpu_session *)s;
	cpu->priority = session_arg_ulong(args, "priority", 0);
	if (cpu->priority > 0xffff)
		cpu->priority = 0xffff;
	cpu->location = session_location(&s->affinity);
	return RPC_OK;
}

static void cpu_destroy(struct core_session *s)
{
	struct cpu_session *cpu = (struct cpu_session *)s;
	while (cpu->threads)
		cpu_thread_destroy(cpu->threads);
}

/* Genode's mapping of a logical priority (0 highest) onto the kernel's 0..255. */
static unsigned kernel_priority(unsigned long logical)
{
	return (unsigned)(((0xffff - logical) * 256) / 0x10000);
}

unsigned cpu_thread_state(const struct cpu_thread *t)
{
	return t->pager.state ? t->pager.state : t->state;
}

void cpu_thread_destroy(struct cpu_thread *t)
{
	pager_forget(t);
	for (struct cpu_thread **p = &t->cpu->threads; *p; p = &(*p)->next_in_cpu)
		if (*p == t) {
			*p = t->next_in_cpu;
			break;
		}
	pd_thread_remove(t->pd, t);
	platform_thread_pause(&t->pf);
	obj_unregister(&t->obj);
	signal_sources_unbind(t->pd, t->slot);
	platform_thread_destroy(&t->pf, &t->pd->pf, t->slot);
	account_release(&t->cpu->s.account, THREAD_RAM_COST, THREAD_CAP_COST);
	core_free(t);
}

static int setup_thread(struct cpu_thread *t, const struct cpu_create_thread_args *in)
{
	if (!obj_register(&t->obj, &cpu_thread_interface, t) || !pager_register(t))
		return RPC_OUT_OF_METADATA;
	/* the main thread carries the PD's label: the host shows it as the process name */
	char name[SESSION_LABEL_MAX + GENODE_THREAD_NAME_MAX];
	strlcpy(name, t->slot == 0 ? t->pd->s.label : in->name, sizeof(name));
	return platform_thread_create(&t->pf, &t->pd->pf, t->slot, t->pager.obj.badge,
				      t->kernel_priority, t->cpu_no, name);
}

int cpu_thread_create(struct cpu_session *cpu, struct pd_session *pd,
		      const struct cpu_create_thread_args *in, struct cpu_thread **out)
{
	unsigned long off = in->utcb - GENODE_STACK_AREA_BASE;
	unsigned slot = (unsigned)(off / GENODE_STACK_SLOT_SIZE);
	if (in->utcb < GENODE_STACK_AREA_BASE || slot >= GENODE_MAX_THREADS ||
	    in->utcb != GENODE_UTCB_OF(slot) || pd->dead)
		return RPC_INVALID_ARGS;
	for (struct cpu_thread *t = pd->threads; t; t = t->next_in_pd)
		if (t->slot == slot)
			return RPC_INVALID_ARGS;
	if (!account_charge(&cpu->s.account, THREAD_RAM_COST, THREAD_CAP_COST))
		return RPC_OUT_OF_RAM;
	struct cpu_thread *t = core_zalloc(sizeof(*t));
	if (!t) {
		account_release(&cpu->s.account, THREAD_RAM_COST, THREAD_CAP_COST);
		return RPC_OUT_OF_METADATA;
	}
	t->cpu = cpu;
	t->pd = pd;
	t->slot = slot;
	t->state = THREAD_PAUSED;
	memcpy(t->name, in->name, sizeof(t->name));
	t->name[sizeof(t->name) - 1] = 0;
	unsigned long prio = cpu->priority + in->priority;
	t->kernel_priority = kernel_priority(prio > 0xffff ? 0xffff : prio);
	t->cpu_no = thread_cpu(cpu, in->location);
	t->next_in_cpu = cpu->threads;
	cpu->threads = t;
	pd_thread_add(pd, t);
	int err = setup_thread(t, in);
	if (err) {
		cpu_thread_destroy(t);
		return err;
	}
	*out = t;
	return RPC_OK;
}

int cpu_thread_start(struct cpu_thread *t, seL4_Word ip, seL4_Word sp)
{
	if (t->started || t->pd->dead)
		return RPC_INVALID_ARGS;
	seL4_Error e = platform_thread_start(&t->pf, ip, sp);
	if (e == seL4_NotEnoughMemory) {
		/* the kernel's host could not start the PD's process or thread */
		core_log("core: PD '%s' cannot run thread '%s': the kernel is out of resources\n",
			 t->pd->s.label, t->name);
		return RPC_OUT_OF_METADATA;
	}
	if (e != seL4_NoError)
		return RPC_INVALID_ARGS;
	t->started = true;
	t->state = THREAD_RUNNING;
	return RPC_OK;
}

int serve_cpu_session_create_thread(void *obj, const struct cpu_create_thread_args *in,
				    struct rpc_none *out, struct rpc_cap_arg *cap_in,
				    seL4_CPtr *cap_out)
{
	(void)out;
	struct pd_session *pd = obj_arg(cap_in, &pd_session_interface);
	if (!pd)
		return RPC_INVALID_OBJECT;
	struct cpu_thread *t;
	int err = cpu_thread_create(obj, pd, in, &t);
	if (!err)
		*cap_out = t->obj.cap;
	return err;
}

int serve_cpu_session_kill_thread(void *obj, const struct rpc_none *in, struct rpc_none *out,
				  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct cpu_thread *t = obj_arg(cap_in, &cpu_thread_interface);
	if (!t || t->cpu != obj)
		return RPC_INVALID_OBJECT;
	cpu_thread_destroy(t);
	return RPC_OK;
}

int serve_cpu_session_exception_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
				     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	((struct cpu_session *)obj)->exception_sigh = signal_badge_arg(cap_in);
	return RPC_OK;
}

int serve_cpu_session_affinity_space(void *obj, const struct rpc_none *in,
				     struct genode_affinity_space *out, struct rpc_cap_arg *cap_in,
				     seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	const struct cpu_session *cpu = obj;
	/* Genode: the subspace the session's affinity constrains it to */
	out->width = cpu->location.width;
	out->height = cpu->location.height;
	return RPC_OK;
}

int serve_cpu_thread_start(void *obj, const struct cpu_thread_start_args *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	return cpu_thread_start(obj, in->ip, in->sp);
}

int serve_cpu_thread_pause(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	struct cpu_thread *t = obj;
	if (cpu_thread_state(t) == THREAD_RUNNING && platform_thread_pause(&t->pf))
		t->state = THREAD_PAUSED;
	return RPC_OK;
}

int serve_cpu_thread_resume(void *obj, const struct rpc_none *in, struct rpc_none *out,
			    struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	struct cpu_thread *t = obj;
	if (cpu_thread_state(t) == THREAD_PAUSED && t->started && platform_thread_resume(&t->pf))
		t->state = THREAD_RUNNING;
	return RPC_OK;
}

int serve_cpu_thread_state(void *obj, const struct rpc_none *in, struct cpu_thread_state *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in, (void)cap_out;
	struct cpu_thread *t = obj;
	const struct pager_object *p = &t->pager;
	seL4_Word ip = 0, sp = 0;
	out->state = cpu_thread_state(t);
	if (out->state != THREAD_DEAD)
		platform_thread_regs(&t->pf, &ip, &sp);
	out->ip = out->state == THREAD_FAULTED ? p->fault_ip : ip;
	out->sp = sp;
	out->fault_addr = p->fault_addr;
	out->fault_type = p->fault_type;
	out->exception = p->exception;
	out->code = p->code;
	return RPC_OK;
}

int serve_cpu_thread_cancel_blocking(void *obj, const struct rpc_none *in, struct rpc_none *out,
				     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	struct cpu_thread *t = obj;
	/*
	 * Only a thread waiting for a reply: one still queued to send is
	 * restarted by the kernel when the endpoint goes, and then gets seL4's
	 * invalid-capability error by itself, while its call may as well be
	 * queued at a server that is alive (core, for one).
	 */
	if (t->pd->dead || !platform_thread_waits_for_reply(&t->pf))
		return RPC_OK;
	/* a blocked thread stands at its syscall instruction: continue after it, with an error */
	seL4_Word ip, sp;
	platform_thread_regs(&t->pf, &ip, &sp);
	platform_thread_ipc_error(&t->pf, ip);
	return RPC_OK;
}
