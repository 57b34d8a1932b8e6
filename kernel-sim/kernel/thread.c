#include "thread.h"
#include "asid.h"
#include "cdt.h"
#include "schedule.h"
#include "state.h"
#include "trace.h"
#include "../host/thread.h"
#include "../object/endpoint.h"
#include "../object/frame.h"
#include "../api/faults.h"
#include <sim/faults.h>

#include <stdlib.h>
#include <string.h>

static struct tcb *all_tcbs;

struct tcb *tcb_create(uint64_t paddr)
{
	struct tcb *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->obj.paddr = paddr;
	t->obj.size_bits = seL4_TCBBits;
	t->state = ThreadState_Inactive;
	t->regs.rflags = 0x202; /* FLAGS_USER_DEFAULT: IF and the reserved bit */
	t->time_slice = (uint8_t)sched_config.time_slice;
	t->affinity = ks_cur_cpu;
	t->domain = (uint8_t)ks_cur_domain;
	t->all_next = all_tcbs;
	if (all_tcbs)
		all_tcbs->all_prev = t;
	all_tcbs = t;
	return t;
}

struct tcb *tcb_first(void)
{
	return all_tcbs;
}

static seL4_Word *msg_reg(struct tcb *t, unsigned i)
{
	switch (i) {
	case 0:
		return &t->regs.r10;
	case 1:
		return &t->regs.r8;
	case 2:
		return &t->regs.r9;
	default:
		return &t->regs.r15;
	}
}

seL4_Word get_msg_register(struct tcb *t, unsigned i)
{
	return *msg_reg(t, i);
}

void set_msg_register(struct tcb *t, unsigned i, seL4_Word v)
{
	*msg_reg(t, i) = v;
}

seL4_Word *lookup_ipc_buffer(bool is_receiver, struct tcb *t)
{
	struct cap *c = &t->ctes[tcbBuffer].cap;
	if (c->type != cap_frame_cap || c->frame.frame->is_device)
		return NULL;
	uint8_t rights = c->frame.vm_rights;
	if (!(rights == VM_READ_WRITE || (!is_receiver && rights == VM_READ_ONLY)))
		return NULL;
	char *base = frame_kaddr(c->frame.frame);
	if (!base)
		return NULL;
	return (seL4_Word *)(base + (t->ipc_buffer & (frame_size(c->frame.frame) - 1)));
}

seL4_Word get_syscall_arg(struct tcb *t, unsigned i, seL4_Word *buffer)
{
	if (i < n_msgRegisters)
		return get_msg_register(t, i);
	return buffer && i < seL4_MsgMaxLength ? buffer[i + 1] : 0;
}

unsigned set_mr(struct tcb *t, seL4_Word *buffer, unsigned i, seL4_Word v)
{
	if (i < n_msgRegisters)
		set_msg_register(t, i, v);
	else if (buffer && i < seL4_MsgMaxLength)
		buffer[i + 1] = v;
	return i + 1;
}

bool is_stopped(const struct tcb *t)
{
	switch (t->state) {
	case ThreadState_Inactive:
	case ThreadState_BlockedOnReceive:
	case ThreadState_BlockedOnSend:
	case ThreadState_BlockedOnNotification:
	case ThreadState_BlockedOnReply:
		return true;
	default:
		return false;
	}
}

void tcb_queue_append(struct tcb_queue *q, struct tcb *t)
{
	t->ep_prev = q->end;
	t->ep_next = NULL;
	if (q->end)
		q->end->ep_next = t;
	else
		q->head = t;
	q->end = t;
}

void tcb_queue_remove(struct tcb_queue *q, struct tcb *t)
{
	if (t->ep_prev)
		t->ep_prev->ep_next = t->ep_next;
	else
		q->head = t->ep_next;
	if (t->ep_next)
		t->ep_next->ep_prev = t->ep_prev;
	else
		q->end = t->ep_prev;
	t->ep_next = t->ep_prev = NULL;
}

void set_thread_state(struct tcb *t, enum thread_state s)
{
	trace_thread_state(t, s);
	t->state = s;
	schedule_tcb(t);
	host_thread_state_changed(t);
}

void fault_unrunnable(struct tcb *t)
{
	struct vspace *vs = thread_vspace(t);
	if (t->dead || !is_runnable(t) || (vs && !vs->lost))
		return; /* it can run */
	activate_thread(t);
	if (vs) {
		current_fault = (struct fault){
		    .type = seL4_Fault_UserException,
		    .user_exception = {SIM_EXCEPTION_PD_LOST, (seL4_Word)vs->lost_status}};
	} else {
		/*
		 * seL4's setVMRoot runs it on the kernel's own page tables: the
		 * fetch at NextIP faults (after a system call, the instruction
		 * after it), so a reply continues there with what it received.
		 */
		t->regs.rip = t->next_ip;
		current_fault = (struct fault){
		    .type = seL4_Fault_VMFault,
		    .vm = {.address = t->next_ip, .fsr = 0x14, .instruction_fault = true}};
	}
	handle_fault(t);
}

void thread_vspace_lost(struct vspace *vs)
{
	for (struct tcb *t = all_tcbs; t; t = t->all_next) {
		if (thread_vspace(t) != vs || t->state == ThreadState_Inactive)
			continue;
		/* Whatever it waited for, it now waits to run, and faults when it does. */
		cancel_ipc(t);
		set_thread_state(t, ThreadState_Restart);
		sched_enqueue(t);
		possible_switch_to(t);
	}
}

void update_restart_pc(struct tcb *t)
{
	t->regs.rip = t->next_ip;
}

void setup_reply_master(struct tcb *t)
{
	struct cte *slot = &t->ctes[tcbReply];
	if (slot->cap.type != cap_null_cap)
		return;
	struct cap c = {.type = cap_reply_cap};
	c.reply.tcb = t;
	c.reply.master = true;
	c.reply.can_grant = true;
	cte_write_original(slot, c);
}

void suspend(struct tcb *t)
{
	cancel_ipc(t);
	if (t->state == ThreadState_Running)
		update_restart_pc(t);
	tcb_sched_dequeue(t);
	set_thread_state(t, ThreadState_Inactive);
}

void restart(struct tcb *t)
{
	if (!is_stopped(t))
		return;
	cancel_ipc(t);
	setup_reply_master(t);
	set_thread_state(t, ThreadState_Restart);
	sched_enqueue(t);
	possible_switch_to(t);
}

struct vspace *thread_vspace(struct tcb *t)
{
	struct cap *c = &t->ctes[tcbVTable].cap;
	if (c->type != cap_pml4_cap || !c->pml4.mapped_asid)
		return NULL;
	return asid_lookup(c->pml4.mapped_asid) == c->pml4.vspace ? c->pml4.vspace : NULL;
}

int thread_prepare_host(struct tcb *t)
{
	struct vspace *vs = thread_vspace(t);
	if (t->host || t->dead || !vs || vs->lost)
		return 0; /* it runs, or it faults when it would run, as on seL4 */
	return host_thread_start(t) ? 0 : -1;
}

struct tcb *root_thread;

void tcb_remove(struct tcb *t)
{
	if (t == root_thread)
		root_thread = NULL;
	sched_forget(t);
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		all_tcbs = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	t->all_next = t->all_prev = NULL;
}
