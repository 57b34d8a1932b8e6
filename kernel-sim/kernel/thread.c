#include "thread.h"
#include "asid.h"
#include "cdt.h"
#include "delete.h"
#include "log.h"
#include "state.h"
#include "trace.h"
#include "../host/channel.h"
#include "../host/pd.h"
#include "../host/resources.h"
#include "../object/endpoint.h"
#include "../object/frame.h"
#include "../object/notification.h"
#include "../object/vspace.h"
#include "../api/faults.h"
#include <sim/faults.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

void (*thread_trap_handler)(struct tcb *t, const struct sim_trap *trap);

/* How long to wait for a thread to stop before asking whether it is held. */
#define PARK_TIMEOUT_MS 5000

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
	t->host.chan.fd = -1;
	t->host.index = -1;
	t->host.last_fill = NO_FILL;
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

/* Threads with an answer due, in the order they became runnable. */
static struct tcb *resume_head, *resume_tail;

static void queue_resume(struct tcb *t)
{
	if (t->host.resume_queued || !t->host.in_kernel)
		return;
	t->host.resume_queued = true;
	t->host.resume_next = NULL;
	if (resume_tail)
		resume_tail->host.resume_next = t;
	else
		resume_head = t;
	resume_tail = t;
}

static void unqueue_resume(struct tcb *t)
{
	if (!t->host.resume_queued)
		return;
	struct tcb **pp = &resume_head, *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->host.resume_next;
	}
	if (*pp) {
		*pp = t->host.resume_next;
		if (resume_tail == t)
			resume_tail = prev;
	}
	t->host.resume_queued = false;
}

/* Runnable threads that have no place to run: they fault at the end of the event. */
static unsigned unrunnable_count;

static void queue_unrunnable(struct tcb *t)
{
	if (!t->host.unrunnable) {
		t->host.unrunnable = true;
		unrunnable_count++;
	}
}

void set_thread_state(struct tcb *t, enum thread_state s)
{
	trace_thread_state(t, s);
	t->state = s;
	if (is_runnable(t)) {
		if (!t->host.proc && thread_activate(t) != 0)
			queue_unrunnable(t);
		queue_resume(t);
	}
}

/*
 * A runnable thread without a place to run faults as it would on seL4: with
 * no valid VSpace, at the fetch of its first instruction; in a VSpace whose
 * process died, with the PD-lost exception.
 */
static void fault_unrunnable(struct tcb *t)
{
	struct vspace *vs = thread_vspace(t);
	if (t->dead || !is_runnable(t) || t->host.proc)
		return;
	if (t->state == ThreadState_Restart) {
		t->next_ip = t->regs.rip;
		t->state = ThreadState_Running;
	}
	if (vs && vs->lost)
		current_fault = (struct fault){
		    .type = seL4_Fault_UserException,
		    .user_exception = {SIM_EXCEPTION_PD_LOST, (seL4_Word)vs->lost_status}};
	else if (!vs) {
		/*
		 * seL4's setVMRoot runs it on the kernel's own page tables: the
		 * fetch at NextIP faults (after a system call, the instruction
		 * after it), so a reply continues there with what it received.
		 */
		t->regs.rip = t->next_ip;
		current_fault = (struct fault){
		    .type = seL4_Fault_VMFault,
		    .vm = {.address = t->next_ip, .fsr = 0x14, .instruction_fault = true}};
	} else
		return; /* the host refused a thread: reported already */
	handle_fault(t);
}

void thread_deliver_pending_faults(void)
{
	while (unrunnable_count > 0) {
		for (struct tcb *t = all_tcbs; t; t = t->all_next) {
			if (!t->host.unrunnable)
				continue;
			t->host.unrunnable = false;
			unrunnable_count--;
			fault_unrunnable(t);
		}
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
	thread_sync(t);
	cancel_ipc(t);
	if (t->state == ThreadState_Running)
		update_restart_pc(t);
	set_thread_state(t, ThreadState_Inactive);
}

void restart(struct tcb *t)
{
	if (!is_stopped(t))
		return;
	cancel_ipc(t);
	setup_reply_master(t);
	set_thread_state(t, ThreadState_Restart);
}

static void send_answer(struct tcb *t, const struct sim_resume *r)
{
	t->host.in_kernel = false;
	if (chan_send(t->host.chan.fd, r, sizeof(*r), 0, 0, -1) < 0) {
		if (kernel_verbose)
			kprintf("kernel-sim: cannot resume thread \"%s\": %s\n", t->name,
				strerror(errno));
		if (errno == EAGAIN && t->host.proc)
			pd_proc_broken(t->host.proc);
	}
}

static void send_resume(struct tcb *t)
{
	if (!t->host.in_kernel || !is_runnable(t) || t->host.chan.fd < 0)
		return;
	if (t->state == ThreadState_Restart) {
		/* seL4's activateThread: continue at the restart PC. */
		t->next_ip = t->regs.rip;
		t->state = ThreadState_Running;
	}
	struct sim_resume r;
	memset(&r, 0, sizeof(r));
	r.kind = SIM_RESUME_CONTINUE;
	r.flags = SIM_RESUME_SET_FS | SIM_RESUME_SET_GS;
	r.regs = t->regs;
	r.regs.rip = t->next_ip;
	if (t->host.yield) {
		r.flags |= SIM_RESUME_YIELD;
		t->host.yield = false;
	}
	if (t->host.name_dirty) {
		r.flags |= SIM_RESUME_NAME;
		size_t n = strnlen(t->name, sizeof(r.name) - 1);
		memcpy(r.name, t->name, n);
		t->host.name_dirty = false;
	}
	send_answer(t, &r);
}

void thread_flush_resumes(void)
{
	while (resume_head) {
		struct tcb *t = resume_head;
		resume_head = t->host.resume_next;
		if (!resume_head)
			resume_tail = NULL;
		t->host.resume_queued = false;
		send_resume(t);
	}
}

/* Forget the host side of a thread: its channel and runtime slot. */
static void thread_host_lost(struct tcb *t)
{
	unqueue_resume(t);
	if (t->host.chan.fd >= 0) {
		loop_del(&t->host.chan);
		close(t->host.chan.fd);
		t->host.chan.fd = -1;
	}
	if (t->host.proc)
		pd_proc_release_thread(t->host.proc, t->host.index);
	t->host.proc = NULL;
	t->host.index = -1;
	t->host.in_kernel = false;
}

void thread_forget_process(struct pd_proc *p)
{
	for (struct tcb *t = all_tcbs; t; t = t->all_next)
		if (t->host.proc == p)
			thread_host_lost(t);
}

void thread_process_lost(struct pd_proc *p, int wstatus)
{
	(void)wstatus;
	for (struct tcb *t = all_tcbs; t; t = t->all_next) {
		if (t->host.proc != p)
			continue;
		thread_host_lost(t);
		if (t->state == ThreadState_Inactive)
			continue;
		/* Whatever it waited for, it now waits for its fault handler. */
		cancel_ipc(t);
		set_thread_state(t, ThreadState_Restart);
	}
}

void thread_end_host(struct tcb *t)
{
	if (!t->host.proc)
		return;
	if (thread_sync(t)) {
		struct sim_resume r;
		memset(&r, 0, sizeof(r));
		r.kind = SIM_RESUME_EXIT;
		send_answer(t, &r);
	}
	thread_host_lost(t);
}

void thread_absorb_trap(struct tcb *t, const struct sim_trap *trap)
{
	t->host.in_kernel = true;
	if (trap->kind == SIM_TRAP_START)
		return; /* not yet in user mode: the TCB's registers stand */
	seL4_Word fs = t->regs.fs_base, gs = t->regs.gs_base;
	t->regs = trap->regs;
	t->regs.fs_base = fs;
	t->regs.gs_base = gs;
	/* Stopped before the trapping instruction: it runs again when resumed. */
	t->regs.rip = trap->kind == SIM_TRAP_SYSCALL ? trap->regs.rip - 2 : trap->regs.rip;
	t->next_ip = t->regs.rip;
}

bool thread_sync(struct tcb *t)
{
	if (!t->host.proc || t->host.in_kernel)
		return true;
	if (pd_proc_park_thread(t->host.proc, t->host.index) != 0) {
		thread_host_lost(t);
		return false;
	}
	for (;;) {
		struct sim_trap trap;
		ssize_t n =
		    chan_recv_timeout(t->host.chan.fd, &trap, sizeof(trap), NULL, PARK_TIMEOUT_MS);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0 && errno == ETIMEDOUT && pd_proc_is_stopped(t->host.proc))
			continue;
		if (n != (ssize_t)sizeof(trap)) {
			if (kernel_verbose)
				kprintf("kernel-sim: thread \"%s\" did not stop\n", t->name);
			struct pd_proc *p = t->host.proc;
			thread_host_lost(t);
			pd_proc_broken(p);
			return false;
		}
		thread_absorb_trap(t, &trap);
		if (is_runnable(t))
			queue_resume(t);
		return true;
	}
}

static void on_channel(struct event_source *s, uint32_t events)
{
	struct tcb *t = (struct tcb *)((char *)s - offsetof(struct tcb, host.chan));
	struct sim_trap trap;
	(void)events;
	ssize_t n = chan_recv(s->fd, &trap, sizeof(trap), NULL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n == 0 || (n < 0 && errno != EMSGSIZE)) {
		/* The host thread is gone; its process's exit is handled apart. */
		loop_del(s);
		return;
	}
	if (n != (ssize_t)sizeof(trap) || t->host.in_kernel) {
		/* Not what the runtime sends: ignore it, change nothing. */
		if (kernel_verbose)
			kprintf("kernel-sim: thread \"%s\" sent a malformed trap (%zd bytes)\n",
				t->name, n);
		return;
	}
	t->host.in_kernel = true;
	ks_cur_thread = t;
	thread_trap_handler(t, &trap);
	ks_cur_thread = NULL;
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
	if (t->host.proc || t->dead || !vs || vs->lost)
		return 0; /* it runs, or it faults when it would run, as on seL4 */
	return thread_activate(t);
}

int thread_activate(struct tcb *t)
{
	if (t->host.proc || t->dead)
		return 0;
	struct vspace *vs = thread_vspace(t);
	if (!vs || !vspace_process(vs))
		return -1;
	int index;
	int fd = pd_proc_start_thread(vs->proc, &index);
	if (fd < 0) {
		host_resource_exhausted(host_resource_of(-fd), -fd, "starting a thread");
		return -1;
	}
	t->host.proc = vs->proc;
	t->host.index = index;
	t->host.chan.fd = fd;
	t->host.chan.ready = on_channel;
	t->host.name_dirty = t->name[0] != 0;
	loop_add(&t->host.chan, EPOLLIN);
	return 0;
}

struct tcb *root_thread;

void tcb_remove(struct tcb *t)
{
	if (t == root_thread)
		root_thread = NULL;
	unqueue_resume(t);
	if (t->host.unrunnable) {
		t->host.unrunnable = false;
		unrunnable_count--;
	}
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		all_tcbs = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	t->all_next = t->all_prev = NULL;
}
