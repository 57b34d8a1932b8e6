/*
 * Fault handling for all component threads. The pager writes only its own
 * part of a thread (struct pager_object); the PD and the region map hear
 * of a fault through their services' functions.
 */
#include "pager.h"
#include "child.h"
#include "core.h"
#include "cpu_session.h"
#include <base/string.h>
#include <genode/layout.h>
#include <genode/rm_session.h>
#include <sim/faults.h>

unsigned long pager_resolved;
static struct cpu_thread *blocked;

static const char *pd_label(const struct cpu_thread *t)
{
	return t->pd->s.label;
}

/* The IPC buffer page of one of pd's threads at addr: core's own mapping, outside the region maps.
 */
static bool ipc_buffer_at(struct pd_session *pd, unsigned long addr, struct rm_resolution *res)
{
	for (struct cpu_thread *o = pd->threads; o; o = o->next_in_pd)
		if ((addr & ~(seL4_PageSize - 1)) == GENODE_UTCB_OF(o->slot)) {
			res->frame = o->pf.ipc_frame;
			res->bits = seL4_PageBits;
			res->map_addr = GENODE_UTCB_OF(o->slot);
			res->writeable = true;
			return true;
		}
	return false;
}

/* Map what backs addr for t; false with the reason when nothing does. */
static bool resolve(struct cpu_thread *t, unsigned long addr, bool write, struct rm_resolution *res)
{
	struct pd_session *pd = t->pd;
	/* region maps first: IPC buffers fault only after a flush of the VM CNode */
	if (!rm_resolve(pd->address_space, addr, write, res) && !ipc_buffer_at(pd, addr, res))
		return false;
	if (vm_space_map(&pd->pf.vs, res->frame, res->bits, res->map_addr, res->writeable) !=
	    seL4_NoError) {
		/* core's page tables, or the kernel's host (NotEnoughMemory either way) */
		res->reason = "no memory for the mapping";
		res->fault_rm = pd->address_space;
		res->fault_addr = addr;
		return false;
	}
	pd_fault_resolved(pd);
	pager_resolved++;
	return true;
}

/*
 * A fault on nothing in a thread's stack-area slot, below its IPC buffer,
 * is that thread's stack overflowing into the unmapped rest of its slot.
 */
static bool stack_overflow(struct pd_session *pd, const struct rm_resolution *res, char *why,
			   size_t size)
{
	if (res->fault_rm != pd->stack_area || res->fault_addr >= GENODE_STACK_AREA_SIZE)
		return false;
	unsigned slot = (unsigned)(res->fault_addr / GENODE_STACK_SLOT_SIZE);
	for (struct cpu_thread *o = pd->threads; o; o = o->next_in_pd)
		if (o->slot == slot) {
			snprintf(why, size, "stack overflow of thread '%s'", o->name);
			return true;
		}
	return false;
}

bool pager_register(struct cpu_thread *t)
{
	return obj_register(&t->pager.obj, 0, t);
}

static void block(struct cpu_thread *t)
{
	struct pager_object *p = &t->pager;
	if (!p->reply) {
		p->reply = cspace_alloc();
		if (p->reply &&
		    seL4_CNode_SaveCaller(core_cspace, p->reply, CORE_DEPTH) != seL4_NoError) {
			cspace_free(p->reply);
			p->reply = 0;
		}
	}
	p->next_blocked = blocked;
	blocked = t;
}

static void log_unresolvable(const struct cpu_thread *t, const char *reason)
{
	const struct pager_object *p = &t->pager;
	core_log("core: unresolvable page fault: pd='%s' thread='%s' ip=%#lx pf=%#lx write=%d "
		 "(%s)\n",
		 pd_label(t), t->name, p->fault_ip, p->fault_addr, p->fault_type == RM_FAULT_WRITE,
		 reason);
}

static void notify(struct cpu_thread *t, struct region_map *rm)
{
	if (rm && rm->fault_sigh)
		signal_submit_badge(rm->fault_sigh, 1);
	else
		signal_submit_badge(t->cpu->exception_sigh, 1);
}

static bool page_fault(struct cpu_thread *t)
{
	unsigned long ip = seL4_GetMR(seL4_VMFault_IP), addr = seL4_GetMR(seL4_VMFault_Addr);
	bool write = seL4_GetMR(seL4_VMFault_FSR) & 2;
	bool exec = seL4_GetMR(seL4_VMFault_PrefetchFault) != 0;
	if (core_verbose)
		core_log("PF: ip=%#lx, pf=%#lx, write=%d\n", ip, addr, write);
	struct rm_resolution res = {0};
	if (resolve(t, addr, write, &res))
		return true;
	char why[GENODE_THREAD_NAME_MAX + 32];
	if (!stack_overflow(t->pd, &res, why, sizeof(why)))
		strlcpy(why, res.reason, sizeof(why));
	struct pager_object *p = &t->pager;
	p->state = THREAD_FAULTED;
	p->fault_ip = ip;
	p->fault_addr = addr;
	p->fault_type = exec ? RM_FAULT_EXEC : write ? RM_FAULT_WRITE : RM_FAULT_READ;
	p->fault_attachments = rm_attachments;
	/* a fault for a region map's own handler is no error (Genode reflects it quietly) */
	if (!res.fault_rm || !res.fault_rm->fault_sigh)
		log_unresolvable(t, why);
	else if (core_verbose)
		core_log("core: page fault for a region map's handler: pd='%s' thread='%s' ip=%#lx "
			 "pf=%#lx (%s)\n",
			 pd_label(t), t->name, ip, addr, why);
	rm_fault_note(&res, p->fault_type);
	block(t);
	notify(t, res.fault_rm);
	return false;
}

/*
 * A system call on a capability that is not there (a server that died, a
 * session that was closed): the call returns with RPC_IPC_ERROR as its
 * message label instead of hanging, as a Genode RPC raises Ipc_error. The
 * thread resumes after its syscall instruction with that message info.
 */
static bool ipc_error(struct cpu_thread *t)
{
	seL4_Word ip = seL4_GetMR(seL4_CapFault_IP), addr = seL4_GetMR(seL4_CapFault_Addr);
	if (!platform_thread_ipc_error(&t->pf, ip))
		return false;
	if (core_verbose)
		core_log("core: pd='%s' thread='%s' invoked an invalid capability %#lx at ip=%#lx: "
			 "IPC error\n",
			 t->pd->s.label, t->name, addr, ip);
	return true;
}

/* Any other fault: the thread cannot go on. */
static bool exception(struct cpu_thread *t, seL4_Word type)
{
	seL4_Word ip = 0, code = 0, number = 0;
	const char *what = "fault";
	switch (type) {
	case seL4_Fault_UserException:
		ip = seL4_GetMR(seL4_UserException_FaultIP);
		number = seL4_GetMR(seL4_UserException_Number);
		code = seL4_GetMR(seL4_UserException_Code);
		what = "exception";
		break;
	case seL4_Fault_UnknownSyscall:
		ip = seL4_GetMR(seL4_UnknownSyscall_FaultIP);
		number = seL4_GetMR(0); /* rax: the host system call it tried */
		what = "unknown system call";
		break;
	case seL4_Fault_CapFault:
		ip = seL4_GetMR(seL4_CapFault_IP);
		number = seL4_GetMR(seL4_CapFault_Addr);
		what = "capability fault";
		break;
	}
	struct pager_object *p = &t->pager;
	if (type == seL4_Fault_UserException && number == SIM_EXCEPTION_PD_LOST) {
		if (pd_lost(t->pd))
			core_log("core: PD '%s' lost: its process ended (status %#lx)\n",
				 pd_label(t), code);
		p->state = THREAD_DEAD;
		p->code = code;
		child_thread_lost(t->pd, "lost its process");
	} else {
		core_log("core: %s in pd='%s' thread='%s' ip=%#lx number=%lu code=%#lx\n", what,
			 pd_label(t), t->name, ip, number, code);
		p->state = THREAD_FAULTED;
		p->fault_ip = ip;
		p->exception = number;
		child_thread_lost(t->pd, "crashed");
	}
	notify(t, 0);
	return false; /* no reply: the thread stays stopped */
}

bool pager_fault(struct cpu_thread *t, seL4_MessageInfo_t info)
{
	seL4_Word type = seL4_MessageInfo_get_label(info);
	if (type == seL4_Fault_VMFault)
		return page_fault(t);
	if (type == seL4_Fault_CapFault && ipc_error(t))
		return false; /* resumed by WriteRegisters, no reply */
	return exception(t, type);
}

void pager_forget(struct cpu_thread *t)
{
	for (struct cpu_thread **b = &blocked; *b; b = &(*b)->pager.next_blocked)
		if (*b == t) {
			*b = t->pager.next_blocked;
			break;
		}
	cspace_release(t->pager.reply);
	t->pager.reply = 0;
	obj_unregister(&t->pager.obj);
}

void pager_retry(void)
{
	struct cpu_thread *list = blocked;
	blocked = 0;
	while (list) {
		struct cpu_thread *t = list;
		struct pager_object *p = &t->pager;
		list = p->next_blocked;
		struct rm_resolution res = {0};
		if (p->state != THREAD_FAULTED || p->exception || !p->reply ||
		    !resolve(t, p->fault_addr, p->fault_type == RM_FAULT_WRITE, &res)) {
			/*
			 * Still unresolvable after something was attached (a
			 * read-only region where a write faulted): the thread would
			 * have run and faulted anew, so its handler hears of it again.
			 */
			if (p->state == THREAD_FAULTED && !p->exception && res.reason &&
			    !res.unbacked && rm_attachments != p->fault_attachments) {
				p->fault_attachments = rm_attachments;
				log_unresolvable(t, res.reason);
				rm_fault_note(&res, p->fault_type);
				notify(t, res.fault_rm);
			}
			p->next_blocked = blocked;
			blocked = t;
			continue;
		}
		p->state = 0; /* the thread runs on as the CPU service left it */
		seL4_Send(p->reply, seL4_MessageInfo_new(0, 0, 0, 0));
		cspace_release(p->reply);
		p->reply = 0;
	}
}
