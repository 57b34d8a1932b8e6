#include "tcb.h"
#include "../kernel/errors.h"
#include "cnode.h"
#include "notification.h"
#include "objecttype.h"
#include "../api/faults.h"
#include "../kernel/cdt.h"
#include "../kernel/delete.h"
#include "../host/thread.h"
#include "../kernel/log.h"
#include "../kernel/schedule.h"
#include "../kernel/smp.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>
#include <sel4/message_info.h>

#include <stddef.h>
#include <stdlib.h>

/* Flags of ReadRegisters, WriteRegisters and CopyRegisters (libsel4's encoding). */
#define READ_REGISTERS_SUSPEND (1ul << 0)
#define WRITE_REGISTERS_RESUME (1ul << 0)
#define COPY_SUSPEND_SOURCE    (1ul << 0)
#define COPY_RESUME_TARGET     (1ul << 1)
#define COPY_TRANSFER_FRAME    (1ul << 2)
#define COPY_TRANSFER_INTEGER  (1ul << 3)

#define N_FRAME_REGISTERS 18 /* rip (FaultIP) .. r15 */
#define N_GP_REGISTERS	  2  /* fs_base, gs_base */
#define IPC_BUFFER_ALIGN  1024

#define TCB_FLAGS_MASK 0x1ul /* seL4_TCBFlag_fpuDisabled */

/* The thread would run, but the host has no process or thread for it. */
static enum exception host_cannot_run(const char *what)
{
	user_error("%s: The host cannot start a process or thread to run the thread.", what);
	return host_not_enough_memory();
}

static seL4_Word *context_word(struct tcb *t, unsigned i)
{
	return (seL4_Word *)&t->regs + i;
}

static size_t context_offset(unsigned i)
{
	return i * sizeof(seL4_Word);
}

/*
 * The invocation reads, writes or stops target: a thread that runs on
 * another CPU (or under host scheduling) is parked first, and the
 * invocation runs again once it stopped, as seL4 stalls the other core.
 */
static bool stopped_for(struct tcb *cur, struct tcb *target)
{
	if (target == cur || host_thread_stopped(target))
		return true;
	host_thread_await_stop(cur, target);
	return false;
}

/* --- Registers ---------------------------------------------------------- */

static enum exception decode_read_registers(struct tcb *cur, struct cap cap, seL4_Word length,
					    bool is_call, seL4_Word *buffer)
{
	if (length < 2)
		return truncated("TCB ReadRegisters");
	seL4_Word flags = get_syscall_arg(cur, 0, buffer);
	seL4_Word n = get_syscall_arg(cur, 1, buffer);
	if (n < 1 || n > N_FRAME_REGISTERS + N_GP_REGISTERS) {
		user_error("TCB ReadRegisters: Attempted to read an invalid number of registers "
			   "(%d).",
			   (int)n);
		return range_error(1, N_FRAME_REGISTERS + N_GP_REGISTERS);
	}
	struct tcb *src = cap.thread.tcb;
	if (src == cur) {
		user_error("TCB ReadRegisters: Attempted to read our own registers.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (!stopped_for(cur, src))
		return EXCEPTION_PREEMPTED;
	set_thread_state(cur, ThreadState_Restart);
	if (flags & READ_REGISTERS_SUSPEND)
		suspend(src);
	if (is_call) {
		seL4_Word *ipc = lookup_ipc_buffer(true, cur);
		seL4_Word count = ipc ? n : (n < n_msgRegisters ? n : n_msgRegisters);
		cur->regs.badgeRegister = 0;
		/* Read before writing: src's context is not cur's. */
		seL4_Word values[N_FRAME_REGISTERS + N_GP_REGISTERS];
		for (seL4_Word i = 0; i < count; i++)
			values[i] = *context_word(src, (unsigned)i);
		for (seL4_Word i = 0; i < count; i++)
			set_mr(cur, ipc, (unsigned)i, values[i]);
		cur->regs.msgInfoRegister = seL4_MessageInfo_new(0, 0, 0, count).words[0];
	}
	set_thread_state(cur, ThreadState_Running);
	return EXCEPTION_NONE;
}

static enum exception decode_write_registers(struct tcb *cur, struct cap cap, seL4_Word length,
					     seL4_Word *buffer)
{
	if (length < 2)
		return truncated("TCB WriteRegisters");
	seL4_Word flags = get_syscall_arg(cur, 0, buffer);
	seL4_Word w = get_syscall_arg(cur, 1, buffer);
	if (length - 2 < w) {
		user_error("TCB WriteRegisters: Message too short for requested write size "
			   "(%d/%d).",
			   (int)(length - 2), (int)w);
		return syscall_error(seL4_TruncatedMessage);
	}
	struct tcb *dest = cap.thread.tcb;
	if (dest == cur) {
		user_error("TCB WriteRegisters: Attempted to write our own registers.");
		return syscall_error(seL4_IllegalOperation);
	}
	if ((flags & WRITE_REGISTERS_RESUME) && is_stopped(dest) && thread_prepare_host(dest) != 0)
		return host_cannot_run("TCB WriteRegisters");
	if (!stopped_for(cur, dest))
		return EXCEPTION_PREEMPTED;
	set_thread_state(cur, ThreadState_Restart);
	seL4_Word n =
	    w < N_FRAME_REGISTERS + N_GP_REGISTERS ? w : N_FRAME_REGISTERS + N_GP_REGISTERS;
	for (unsigned i = 0; i < n; i++)
		*context_word(dest, i) =
		    sanitise_register(context_offset(i), get_syscall_arg(cur, i + 2, buffer));
	dest->next_ip = dest->regs.rip;
	if (flags & WRITE_REGISTERS_RESUME)
		restart(dest);
	return EXCEPTION_NONE;
}

static enum exception decode_copy_registers(struct tcb *cur, struct cap cap, seL4_Word length,
					    seL4_Word *buffer)
{
	if (length < 1 || !current_extra_caps.excaprefs[0])
		return truncated("TCB CopyRegisters");
	seL4_Word flags = get_syscall_arg(cur, 0, buffer);
	struct cap source = current_extra_caps.excaprefs[0]->cap;
	if (source.type != cap_thread_cap) {
		user_error("TCB CopyRegisters: Invalid source TCB.");
		return invalid_capability(1);
	}
	struct tcb *src = source.thread.tcb, *dest = cap.thread.tcb;
	if ((flags & COPY_RESUME_TARGET) && is_stopped(dest) && thread_prepare_host(dest) != 0)
		return host_cannot_run("TCB CopyRegisters");
	if (!stopped_for(cur, src) || !stopped_for(cur, dest))
		return EXCEPTION_PREEMPTED;
	set_thread_state(cur, ThreadState_Restart);
	if (flags & COPY_SUSPEND_SOURCE)
		suspend(src);
	if (flags & COPY_RESUME_TARGET)
		restart(dest);
	if (flags & COPY_TRANSFER_FRAME) {
		for (unsigned i = 0; i < N_FRAME_REGISTERS; i++)
			*context_word(dest, i) = *context_word(src, i);
		dest->next_ip = dest->regs.rip;
	}
	if (flags & COPY_TRANSFER_INTEGER) {
		dest->regs.fs_base = src->regs.fs_base;
		dest->regs.gs_base = src->regs.gs_base;
	}
	return EXCEPTION_NONE;
}

/* --- Thread control ----------------------------------------------------- */

enum thread_control_flags {
	UPDATE_SPACE = 1 << 0,
	UPDATE_IPC_BUFFER = 1 << 1,
	UPDATE_PRIORITY = 1 << 2,
	UPDATE_MCP = 1 << 3,
};

struct thread_control {
	unsigned flags;
	seL4_CPtr fault_ep;
	seL4_Word mcp, priority;
	struct cap croot, vroot, buffer_cap;
	struct cte *croot_src, *vroot_src, *buffer_src;
	seL4_Word buffer_addr;
};

/* A thread whose VSpace changed runs on as a thread of the new PD process. */
static void move_to_vspace(struct tcb *t)
{
	struct vspace *vs = thread_vspace(t);
	struct pd_proc *p = host_thread_proc(t);
	if (p && (!vs || vs->proc != p))
		host_thread_end(t); /* the dispatcher starts it anew where it belongs */
}

/*
 * seL4's cteDelete (exposed) and cteInsert of a TCB slot: the deletion of the
 * last capability to a CNode may be preempted, and the invocation restarts.
 */
static enum exception replace_slot_cap(struct tcb *target, struct cte *tslot,
				       enum tcb_cnode_index i, struct cap new_cap, struct cte *src)
{
	struct cap self = {.type = cap_thread_cap};
	self.thread.tcb = target;
	enum exception e = cte_delete(&target->ctes[i], true);
	if (e != EXCEPTION_NONE)
		return e;
	/* Only if source and TCB survived the deletion above. */
	if (src && same_object_as(new_cap, src->cap) && tslot && same_object_as(self, tslot->cap))
		cte_insert(new_cap, src, &target->ctes[i]);
	return EXCEPTION_NONE;
}

static enum exception invoke_thread_control(struct tcb *target, struct cte *slot,
					    const struct thread_control *c)
{
	enum exception e;
	if (c->flags & UPDATE_SPACE)
		target->fault_handler = c->fault_ep;
	if (c->flags & UPDATE_MCP)
		target->mcp = (uint8_t)c->mcp;
	if (c->flags & UPDATE_SPACE) {
		e = replace_slot_cap(target, slot, tcbCTable, c->croot, c->croot_src);
		if (e == EXCEPTION_NONE)
			e = replace_slot_cap(target, slot, tcbVTable, c->vroot, c->vroot_src);
		if (e != EXCEPTION_NONE)
			return e;
	}
	if (c->flags & UPDATE_IPC_BUFFER) {
		e = replace_slot_cap(target, slot, tcbBuffer, c->buffer_cap, c->buffer_src);
		if (e != EXCEPTION_NONE)
			return e;
		target->ipc_buffer = c->buffer_addr;
	}
	if (c->flags & UPDATE_PRIORITY)
		set_priority(target, (uint8_t)c->priority);
	if (c->flags & UPDATE_SPACE)
		move_to_vspace(target);
	return EXCEPTION_NONE;
}

static enum exception check_prio(seL4_Word prio, struct tcb *auth)
{
	if (prio > auth->mcp) {
		return range_error(seL4_MinPrio, auth->mcp);
	}
	return EXCEPTION_NONE;
}

static enum exception check_valid_ipc_buffer(seL4_Word vptr, struct cap cap)
{
	if (cap.type != cap_frame_cap) {
		user_error("IPC Buffer is an invalid cap.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (cap.frame.frame->is_device) {
		user_error("Specifying a device frame as an IPC buffer is not permitted.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (vptr & (IPC_BUFFER_ALIGN - 1)) {
		user_error("IPC Buffer vaddr 0x%lx is not aligned.", (unsigned long)vptr);
		return syscall_error(seL4_AlignmentError);
	}
	return EXCEPTION_NONE;
}

static bool is_valid_vtable_root(struct cap cap)
{
	return cap.type == cap_pml4_cap && cap.pml4.mapped_asid != 0;
}

/* Derive the new CSpace and VSpace roots of Configure and SetSpace. */
static enum exception decode_space(struct thread_control *c, seL4_Word croot_data,
				   seL4_Word vroot_data, const char *what)
{
	struct cap croot = c->croot_src->cap, vroot = c->vroot_src->cap;
	if (croot_data != 0)
		croot = update_cap_data(false, croot_data, croot);
	struct derive_ret d = derive_cap(c->croot_src, croot);
	if (d.status != EXCEPTION_NONE)
		return d.status;
	if (d.cap.type != cap_cnode_cap) {
		user_error("%s: CSpace cap is invalid.", what);
		return syscall_error(seL4_IllegalOperation);
	}
	c->croot = d.cap;
	if (vroot_data != 0)
		vroot = update_cap_data(false, vroot_data, vroot);
	d = derive_cap(c->vroot_src, vroot);
	if (d.status != EXCEPTION_NONE)
		return d.status;
	if (!is_valid_vtable_root(d.cap)) {
		user_error("%s: VSpace cap is invalid.", what);
		return syscall_error(seL4_IllegalOperation);
	}
	c->vroot = d.cap;
	return EXCEPTION_NONE;
}

/* The new IPC buffer of Configure and SetIPCBuffer (none if the address is 0). */
static enum exception decode_ipc_buffer(struct thread_control *c, seL4_Word addr, struct cte *src)
{
	c->buffer_addr = addr;
	c->buffer_src = NULL;
	if (addr == 0)
		return EXCEPTION_NONE;
	struct derive_ret d = derive_cap(src, src->cap);
	if (d.status != EXCEPTION_NONE)
		return d.status;
	enum exception e = check_valid_ipc_buffer(addr, d.cap);
	if (e != EXCEPTION_NONE)
		return e;
	c->buffer_cap = d.cap;
	c->buffer_src = src;
	return EXCEPTION_NONE;
}

static enum exception decode_configure(struct tcb *cur, struct cap cap, seL4_Word length,
				       struct cte *slot, seL4_Word *buffer)
{
	struct cte **x = current_extra_caps.excaprefs;
	if (length < 4 || !x[0] || !x[1] || !x[2])
		return truncated("TCB Configure");
	struct thread_control c = {.flags = UPDATE_SPACE | UPDATE_IPC_BUFFER};
	c.fault_ep = get_syscall_arg(cur, 0, buffer);
	seL4_Word croot_data = get_syscall_arg(cur, 1, buffer);
	seL4_Word vroot_data = get_syscall_arg(cur, 2, buffer);
	c.croot_src = x[0];
	c.vroot_src = x[1];
	enum exception e = decode_ipc_buffer(&c, get_syscall_arg(cur, 3, buffer), x[2]);
	if (e == EXCEPTION_NONE)
		e = decode_space(&c, croot_data, vroot_data, "TCB Configure");
	if (e != EXCEPTION_NONE)
		return e;
	if (!stopped_for(cur, cap.thread.tcb))
		return EXCEPTION_PREEMPTED;
	set_thread_state(cur, ThreadState_Restart);
	return invoke_thread_control(cap.thread.tcb, slot, &c);
}

static enum exception decode_set_space(struct tcb *cur, struct cap cap, seL4_Word length,
				       struct cte *slot, seL4_Word *buffer)
{
	struct cte **x = current_extra_caps.excaprefs;
	if (length < 3 || !x[0] || !x[1])
		return truncated("TCB SetSpace");
	struct thread_control c = {.flags = UPDATE_SPACE};
	c.fault_ep = get_syscall_arg(cur, 0, buffer);
	c.croot_src = x[0];
	c.vroot_src = x[1];
	enum exception e = decode_space(&c, get_syscall_arg(cur, 1, buffer),
					get_syscall_arg(cur, 2, buffer), "TCB SetSpace");
	if (e != EXCEPTION_NONE)
		return e;
	if (!stopped_for(cur, cap.thread.tcb))
		return EXCEPTION_PREEMPTED;
	set_thread_state(cur, ThreadState_Restart);
	return invoke_thread_control(cap.thread.tcb, slot, &c);
}

static enum exception decode_set_ipc_buffer(struct tcb *cur, struct cap cap, seL4_Word length,
					    struct cte *slot, seL4_Word *buffer)
{
	if (length < 1 || !current_extra_caps.excaprefs[0])
		return truncated("TCB SetIPCBuffer");
	struct thread_control c = {.flags = UPDATE_IPC_BUFFER};
	enum exception e =
	    decode_ipc_buffer(&c, get_syscall_arg(cur, 0, buffer), current_extra_caps.excaprefs[0]);
	if (e != EXCEPTION_NONE)
		return e;
	set_thread_state(cur, ThreadState_Restart);
	return invoke_thread_control(cap.thread.tcb, slot, &c);
}

/* SetPriority, SetMCPriority, SetSchedParams: checked against the authority's MCP. */
static enum exception decode_priorities(struct tcb *cur, struct cap cap, seL4_Word length,
					seL4_Word *buffer, unsigned flags, const char *what)
{
	unsigned args = flags == (UPDATE_MCP | UPDATE_PRIORITY) ? 2 : 1;
	if (length < args || !current_extra_caps.excaprefs[0])
		return truncated(what);
	struct cap auth = current_extra_caps.excaprefs[0]->cap;
	if (auth.type != cap_thread_cap) {
		user_error("%s: authority cap not a TCB.", what);
		return invalid_capability(1);
	}
	struct thread_control c = {.flags = flags};
	if (flags == (UPDATE_MCP | UPDATE_PRIORITY)) {
		c.mcp = get_syscall_arg(cur, 0, buffer);
		c.priority = get_syscall_arg(cur, 1, buffer);
	} else if (flags == UPDATE_MCP) {
		c.mcp = get_syscall_arg(cur, 0, buffer);
	} else {
		c.priority = get_syscall_arg(cur, 0, buffer);
	}
	struct tcb *auth_tcb = auth.thread.tcb;
	if ((flags & UPDATE_MCP) && check_prio(c.mcp, auth_tcb) != EXCEPTION_NONE) {
		user_error("%s: Requested maximum controlled priority %lu too high (max %u).", what,
			   (unsigned long)c.mcp, auth_tcb->mcp);
		return EXCEPTION_SYSCALL_ERROR;
	}
	if ((flags & UPDATE_PRIORITY) && check_prio(c.priority, auth_tcb) != EXCEPTION_NONE) {
		user_error("%s: Requested priority %lu too high (max %u).", what,
			   (unsigned long)c.priority, auth_tcb->mcp);
		return EXCEPTION_SYSCALL_ERROR;
	}
	set_thread_state(cur, ThreadState_Restart);
	return invoke_thread_control(cap.thread.tcb, NULL, &c);
}

/* --- Notifications, TLS, flags ------------------------------------------ */

static enum exception decode_bind_notification(struct tcb *cur, struct cap cap)
{
	if (!current_extra_caps.excaprefs[0])
		return truncated("TCB BindNotification");
	struct tcb *tcb = cap.thread.tcb;
	if (tcb->bound_notification) {
		user_error("TCB BindNotification: TCB already has a bound notification.");
		return syscall_error(seL4_IllegalOperation);
	}
	struct cap nc = current_extra_caps.excaprefs[0]->cap;
	if (nc.type != cap_notification_cap) {
		user_error("TCB BindNotification: Notification is invalid.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (!(nc.notification.rights & RIGHT_READ)) {
		user_error("TCB BindNotification: Insufficient access rights");
		return syscall_error(seL4_IllegalOperation);
	}
	struct notification *n = nc.notification.ntfn;
	if (n->queue.head || n->bound_tcb) {
		user_error("TCB BindNotification: Notification cannot be bound.");
		return syscall_error(seL4_IllegalOperation);
	}
	set_thread_state(cur, ThreadState_Restart);
	bind_notification(tcb, n);
	return EXCEPTION_NONE;
}

static enum exception decode_unbind_notification(struct tcb *cur, struct cap cap)
{
	struct tcb *tcb = cap.thread.tcb;
	if (!tcb->bound_notification) {
		user_error("TCB UnbindNotification: TCB already has no bound Notification.");
		return syscall_error(seL4_IllegalOperation);
	}
	set_thread_state(cur, ThreadState_Restart);
	unbind_notification(tcb);
	return EXCEPTION_NONE;
}

/*
 * SetAffinity (SMP builds only): the thread moves to the ready queue of
 * another CPU. One that runs on another CPU stops first (seL4 stalls that
 * core): when the call returns, it runs nowhere but on its new CPU.
 */
static enum exception decode_set_affinity(struct tcb *cur, struct cap cap, seL4_Word length,
					  seL4_Word *buffer)
{
	if (length < 1)
		return truncated("TCB SetAffinity");
	seL4_Word affinity = get_syscall_arg(cur, 0, buffer);
	if (affinity >= sched_config.cpus) {
		user_error("TCB SetAffinity: Requested CPU does not exist.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (!stopped_for(cur, cap.thread.tcb))
		return EXCEPTION_PREEMPTED;
	set_thread_state(cur, ThreadState_Restart);
	set_affinity(cap.thread.tcb, (unsigned)affinity);
	return EXCEPTION_NONE;
}

static enum exception decode_set_tls_base(struct tcb *cur, struct cap cap, seL4_Word length,
					  seL4_Word *buffer)
{
	if (length < 1)
		return truncated("TCB SetTLSBase");
	seL4_Word base = get_syscall_arg(cur, 0, buffer);
	struct tcb *target = cap.thread.tcb;
	if (!stopped_for(cur, target))
		return EXCEPTION_PREEMPTED;
	set_thread_state(cur, ThreadState_Restart);
	target->regs.fs_base = sanitise_register(offsetof(seL4_UserContext, fs_base), base);
	return EXCEPTION_NONE;
}

static enum exception decode_set_flags(struct tcb *cur, struct cap cap, seL4_Word length,
				       bool is_call, seL4_Word *buffer)
{
	if (length < 2)
		return truncated("TCB SetFlags");
	seL4_Word clear = get_syscall_arg(cur, 0, buffer);
	seL4_Word set = get_syscall_arg(cur, 1, buffer);
	struct tcb *target = cap.thread.tcb;
	set_thread_state(cur, ThreadState_Restart);
	target->flags = (target->flags & ~clear) | (set & TCB_FLAGS_MASK);
	if (is_call) {
		seL4_Word *ipc = lookup_ipc_buffer(true, cur);
		cur->regs.badgeRegister = 0;
		unsigned len = set_mr(cur, ipc, 0, target->flags);
		cur->regs.msgInfoRegister = seL4_MessageInfo_new(0, 0, 0, len).words[0];
	}
	set_thread_state(cur, ThreadState_Running);
	return EXCEPTION_NONE;
}

enum exception decode_tcb_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
				     struct cap cap, struct cte *slot, bool is_call,
				     seL4_Word *buffer)
{
	switch (label) {
	case TCBReadRegisters:
		return decode_read_registers(t, cap, length, is_call, buffer);
	case TCBWriteRegisters:
		return decode_write_registers(t, cap, length, buffer);
	case TCBCopyRegisters:
		return decode_copy_registers(t, cap, length, buffer);
	case TCBSuspend:
		if (!stopped_for(t, cap.thread.tcb))
			return EXCEPTION_PREEMPTED;
		set_thread_state(t, ThreadState_Restart);
		suspend(cap.thread.tcb);
		return EXCEPTION_NONE;
	case TCBResume:
		if (is_stopped(cap.thread.tcb) && thread_prepare_host(cap.thread.tcb) != 0)
			return host_cannot_run("TCB Resume");
		set_thread_state(t, ThreadState_Restart);
		restart(cap.thread.tcb);
		return EXCEPTION_NONE;
	case TCBConfigure:
		return decode_configure(t, cap, length, slot, buffer);
	case TCBSetPriority:
		return decode_priorities(t, cap, length, buffer, UPDATE_PRIORITY,
					 "TCB SetPriority");
	case TCBSetMCPriority:
		return decode_priorities(t, cap, length, buffer, UPDATE_MCP, "TCB SetMCPriority");
	case TCBSetSchedParams:
		return decode_priorities(t, cap, length, buffer, UPDATE_MCP | UPDATE_PRIORITY,
					 "TCB SetSchedParams");
	case TCBSetIPCBuffer:
		return decode_set_ipc_buffer(t, cap, length, slot, buffer);
	case TCBSetSpace:
		return decode_set_space(t, cap, length, slot, buffer);
	case TCBBindNotification:
		return decode_bind_notification(t, cap);
	case TCBUnbindNotification:
		return decode_unbind_notification(t, cap);
	case TCBSetAffinity:
		return decode_set_affinity(t, cap, length, buffer);
	case TCBSetTLSBase:
		return decode_set_tls_base(t, cap, length, buffer);
	case TCBSetFlags:
		return decode_set_flags(t, cap, length, is_call, buffer);
	default:
		user_error("TCB: Illegal operation.");
		return syscall_error(seL4_IllegalOperation);
	}
}

void setup_caller_cap(struct tcb *sender, struct tcb *receiver, bool can_grant)
{
	set_thread_state(sender, ThreadState_BlockedOnReply);
	struct cte *reply_slot = &sender->ctes[tcbReply];
	setup_reply_master(sender);
	struct cte *caller_slot = &receiver->ctes[tcbCaller];
	if (caller_slot->cap.type != cap_null_cap)
		cte_delete_one(caller_slot);
	struct cap c = {.type = cap_reply_cap};
	c.reply.tcb = sender;
	c.reply.master = false;
	c.reply.can_grant = can_grant;
	cte_insert(c, reply_slot, caller_slot);
}

void tcb_stop(struct tcb *t)
{
	unbind_notification(t);
	suspend(t);
	host_thread_end(t);
	tcb_remove(t);
	t->dead = true;
}

void tcb_finalise(struct tcb *t)
{
	tcb_stop(t);
	delete_slots_later(t->ctes, tcbCNodeEntries);
	release_later(t, free);
}
