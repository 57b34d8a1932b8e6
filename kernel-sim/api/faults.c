#include "faults.h"
#include "hostnames.h"
#include "../kernel/cspace.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../object/vspace.h"
#include <sel4/faults.h>

#include <stdio.h>

/* Stack words shown after a double fault (CONFIG_USER_STACK_TRACE_LENGTH). */
#define USER_STACK_TRACE_LENGTH 16

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
		kernel_pointer(t->obj.paddr), t->name, (unsigned long)t->fault_ip);
	user_stack_trace(t);
	set_thread_state(t, ThreadState_Inactive);
}

/*
 * seL4's sendFaultIPC: the fault handler must be an endpoint cap with Send
 * and Grant or GrantReply. Endpoints arrive with the IPC layer; until a
 * thread holds one, every fault is a double fault.
 */
static enum exception send_fault_ipc(struct tcb *t)
{
	seL4_CPtr handler = t->fault_handler;
	struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, handler);
	current_fault = (struct fault){.type = seL4_Fault_CapFault,
				       .cap = {.address = handler, .in_receive_phase = false}};
	if (lu.status == EXCEPTION_NONE)
		current_lookup_fault =
		    (struct lookup_fault){.type = lookup_fault_missing_capability, .bits_left = 0};
	return EXCEPTION_FAULT;
}

void handle_fault(struct tcb *t)
{
	struct fault original = current_fault;
	if (send_fault_ipc(t) != EXCEPTION_NONE)
		handle_double_fault(t, &original);
}
