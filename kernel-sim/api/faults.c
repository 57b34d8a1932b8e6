#include "faults.h"
#include "hostnames.h"
#include "syscall.h"
#include "../kernel/cspace.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../object/endpoint.h"
#include "../object/vspace.h"
#include <sel4/faults.h>
#include <sel4/message_info.h>

#include <stddef.h>
#include <stdio.h>

/* Stack words shown after a double fault (CONFIG_USER_STACK_TRACE_LENGTH). */
#define USER_STACK_TRACE_LENGTH 16

#define REG(name) offsetof(seL4_UserContext, name)

/* Registers of an UnknownSyscall message, in seL4's order (rip is FaultIP). */
static const size_t syscall_message[] = {
    REG(rax), REG(rbx), REG(rcx), REG(rdx), REG(rsi), REG(rdi), REG(rbp), REG(r8),  REG(r9),
    REG(r10), REG(r11), REG(r12), REG(r13), REG(r14), REG(r15), REG(rip), REG(rsp), REG(rflags),
};

/* Registers of a UserException message. */
static const size_t exception_message[] = {REG(rip), REG(rsp), REG(rflags)};

#define N_SYSCALL_MESSAGE   (sizeof(syscall_message) / sizeof(syscall_message[0]))
#define N_EXCEPTION_MESSAGE (sizeof(exception_message) / sizeof(exception_message[0]))

static seL4_Word *reg_at(struct tcb *t, size_t offset)
{
	return (seL4_Word *)((char *)&t->regs + offset);
}

/* x86 FLAGS bits seL4 enforces on user threads. */
#define FLAGS_TF   (1ul << 8)
#define FLAGS_IF   (1ul << 9)
#define FLAGS_HIGH (1ul << 1)
#define FLAGS_LOW  ((1ul << 3) | (1ul << 5))
#define FLAGS_MASK ((1ul << 12) - 1)

seL4_Word sanitise_register(size_t offset, seL4_Word v)
{
	if (offset == REG(rip) || offset == REG(fs_base) || offset == REG(gs_base)) {
		/* Non-canonical addresses become 0. */
		if (v > 0x00007ffffffffffful && v < 0xffff800000000000ul)
			v = 0;
	}
	if (offset == REG(rflags)) {
		v |= FLAGS_HIGH;
		v &= ~FLAGS_LOW;
		v |= FLAGS_IF;
		v &= ~FLAGS_TF;
		v &= FLAGS_MASK;
	}
	return v;
}

unsigned set_mrs_lookup_failure(struct tcb *t, seL4_Word *buffer, const struct lookup_fault *f,
				unsigned offset)
{
	unsigned i = set_mr(t, buffer, offset, f->type + 1);
	switch (f->type) {
	case lookup_fault_invalid_root:
		return i;
	case lookup_fault_missing_capability:
		return set_mr(t, buffer, offset + 1, f->bits_left);
	case lookup_fault_depth_mismatch:
		set_mr(t, buffer, offset + 1, f->bits_left);
		return set_mr(t, buffer, offset + 2, f->bits_found);
	case lookup_fault_guard_mismatch:
		set_mr(t, buffer, offset + 1, f->bits_left);
		set_mr(t, buffer, offset + 2, f->guard_found);
		return set_mr(t, buffer, offset + 3, f->bits_found);
	}
	return i;
}

static void copy_mrs_fault(struct tcb *sender, struct tcb *receiver, const size_t *regs,
			   unsigned length, seL4_Word *buffer)
{
	unsigned i;
	for (i = 0; i < length && i < n_msgRegisters; i++)
		set_msg_register(receiver, i, *reg_at(sender, regs[i]));
	if (buffer)
		for (; i < length; i++)
			buffer[i + 1] = *reg_at(sender, regs[i]);
}

unsigned set_mrs_fault(struct tcb *sender, struct tcb *receiver, seL4_Word *buffer)
{
	const struct fault *f = &sender->fault;
	switch (f->type) {
	case seL4_Fault_CapFault:
		set_mr(receiver, buffer, seL4_CapFault_IP, sender->regs.rip);
		set_mr(receiver, buffer, seL4_CapFault_Addr, f->cap.address);
		set_mr(receiver, buffer, seL4_CapFault_InRecvPhase, f->cap.in_receive_phase);
		return set_mrs_lookup_failure(receiver, buffer, &sender->lookup_failure,
					      seL4_CapFault_LookupFailureType);
	case seL4_Fault_UnknownSyscall:
		copy_mrs_fault(sender, receiver, syscall_message, N_SYSCALL_MESSAGE, buffer);
		return set_mr(receiver, buffer, N_SYSCALL_MESSAGE,
			      f->unknown_syscall.syscall_number);
	case seL4_Fault_UserException:
		copy_mrs_fault(sender, receiver, exception_message, N_EXCEPTION_MESSAGE, buffer);
		set_mr(receiver, buffer, N_EXCEPTION_MESSAGE, f->user_exception.number);
		return set_mr(receiver, buffer, N_EXCEPTION_MESSAGE + 1, f->user_exception.code);
	case seL4_Fault_VMFault:
		set_mr(receiver, buffer, seL4_VMFault_IP, sender->regs.rip);
		set_mr(receiver, buffer, seL4_VMFault_Addr, f->vm.address);
		set_mr(receiver, buffer, seL4_VMFault_PrefetchFault, f->vm.instruction_fault);
		return set_mr(receiver, buffer, seL4_VMFault_FSR, f->vm.fsr);
	default:
		return 0;
	}
}

/* Registers from the handler's reply message, sanitised as seL4 does. */
static void copy_mrs_fault_reply(struct tcb *sender, struct tcb *receiver, const size_t *regs,
				 unsigned length)
{
	unsigned i;
	for (i = 0; i < length && i < n_msgRegisters; i++)
		*reg_at(receiver, regs[i]) =
		    sanitise_register(regs[i], get_msg_register(sender, i));
	seL4_Word *buf = i < length ? lookup_ipc_buffer(false, sender) : NULL;
	if (buf)
		for (; i < length; i++)
			*reg_at(receiver, regs[i]) = sanitise_register(regs[i], buf[i + 1]);
}

bool handle_fault_reply(struct tcb *receiver, struct tcb *sender)
{
	seL4_MessageInfo_t tag = {{sender->regs.msgInfoRegister}};
	seL4_Word label = seL4_MessageInfo_get_label(tag);
	seL4_Word length = seL4_MessageInfo_get_length(tag);
	switch (receiver->fault.type) {
	case seL4_Fault_UnknownSyscall:
		copy_mrs_fault_reply(
		    sender, receiver, syscall_message,
		    (unsigned)(length < N_SYSCALL_MESSAGE ? length : N_SYSCALL_MESSAGE));
		return label == 0;
	case seL4_Fault_UserException:
		copy_mrs_fault_reply(
		    sender, receiver, exception_message,
		    (unsigned)(length < N_EXCEPTION_MESSAGE ? length : N_EXCEPTION_MESSAGE));
		return label == 0;
	default:
		return true;
	}
}

int format_fault(char *buf, size_t len, const struct fault *f)
{
	switch (f->type) {
	case seL4_Fault_NullFault:
		return snprintf(buf, len, "null fault");
	case seL4_Fault_CapFault:
		return snprintf(buf, len, "cap fault in %s phase at address 0x%lx",
				f->cap.in_receive_phase ? "receive" : "send",
				(unsigned long)f->cap.address);
	case seL4_Fault_VMFault:
		return snprintf(buf, len, "vm fault on %s at address 0x%lx with status 0x%lx",
				f->vm.instruction_fault ? "code" : "data",
				(unsigned long)f->vm.address, (unsigned long)f->vm.fsr);
	case seL4_Fault_UnknownSyscall:
		return snprintf(buf, len, "unknown syscall 0x%lx",
				(unsigned long)f->unknown_syscall.syscall_number);
	case seL4_Fault_UserException:
		return snprintf(buf, len, "user exception 0x%lx code 0x%lx",
				(unsigned long)f->user_exception.number,
				(unsigned long)f->user_exception.code);
	default:
		return snprintf(buf, len, "unknown fault");
	}
}

static void user_stack_trace(struct tcb *t)
{
	struct vspace *vs = thread_vspace(t);
	if (!vs) {
		kprintf("Invalid vspace\n");
		return;
	}
	for (int i = 0; i < USER_STACK_TRACE_LENGTH; i++) {
		seL4_Word addr = t->regs.rsp + (seL4_Word)i * sizeof(seL4_Word);
		seL4_Word value;
		if (vspace_read(vs, addr, &value, sizeof(value)) != 0) {
			kprintf("0x%lx: INVALID\n", (unsigned long)addr);
			break;
		}
		kprintf("0x%lx: 0x%lx\n", (unsigned long)addr, (unsigned long)value);
	}
}

/*
 * Whether a thread other than t could still run. seL4 leaves a root task
 * whose initial thread died to its other threads (a root task's main
 * returning while a thread it started goes on); with none ready to run
 * (core's death, a single-threaded root task) the system ends instead of
 * idling for ever.
 */
static bool other_thread_runnable(const struct tcb *t)
{
	for (const struct tcb *o = tcb_first(); o; o = o->all_next)
		if (o != t && is_runnable(o))
			return true;
	return false;
}

/*
 * What a debug seL4 kernel prints when a thread faults and its fault cannot
 * be sent; sel4-sim adds the host system call behind an unknown syscall.
 */
static void handle_double_fault(struct tcb *t, const struct fault *ex1)
{
	char second[160], first[160];
	format_fault(second, sizeof(second), &current_fault);
	format_fault(first, sizeof(first), ex1);
	kprintf("Caught %s\nwhile trying to handle:\n%s", second, first);
	if (ex1->type == seL4_Fault_UnknownSyscall)
		kprintf(" (host system call %lu, %s)", (unsigned long)t->regs.rax,
			host_syscall_name((long)t->regs.rax));
	kprintf("\nin thread 0x%lx \"%s\" at address 0x%lx\nWith stack:\n",
		kernel_pointer(t->obj.paddr), t->name, (unsigned long)t->regs.rip);
	user_stack_trace(t);
	set_thread_state(t, ThreadState_Inactive);
	if (t == root_thread && !other_thread_runnable(t)) {
		kprintf("kernel-sim: the root task's initial thread \"%s\" died with a fault; the "
			"system cannot continue\n",
			t->name);
		system_halted = true;
		system_exit_status = 1;
	}
}

/* seL4's sendFaultIPC: a Call on the fault endpoint, made for the thread. */
static enum exception send_fault_ipc(struct tcb *t)
{
	struct lookup_fault original = current_lookup_fault;
	seL4_CPtr handler = t->fault_handler;
	struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, handler);
	struct fault cap_fault = {.type = seL4_Fault_CapFault,
				  .cap = {.address = handler, .in_receive_phase = false}};
	if (lu.status != EXCEPTION_NONE) {
		current_fault = cap_fault;
		return EXCEPTION_FAULT;
	}
	struct cap c = lu.cap;
	if (c.type == cap_endpoint_cap && (c.endpoint.rights & RIGHT_WRITE) &&
	    (c.endpoint.rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY))) {
		t->fault = current_fault;
		if (current_fault.type == seL4_Fault_CapFault)
			t->lookup_failure = original;
		send_ipc(true, true, c.endpoint.badge, (c.endpoint.rights & RIGHT_GRANT) != 0, true,
			 t, c.endpoint.ep);
		return EXCEPTION_NONE;
	}
	current_fault = cap_fault;
	current_lookup_fault =
	    (struct lookup_fault){.type = lookup_fault_missing_capability, .bits_left = 0};
	return EXCEPTION_FAULT;
}

void handle_fault(struct tcb *t)
{
	trace_fault(t, &current_fault);
	struct fault original = current_fault;
	if (send_fault_ipc(t) != EXCEPTION_NONE)
		handle_double_fault(t, &original);
}
