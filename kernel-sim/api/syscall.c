/*
 * handleSyscall of kernel-sim: decode the trap of a thread into one of
 * seL4's system calls, a debug call, or a fault, as seL4 does on x86_64.
 */
#include "syscall.h"
#include "debug.h"
#include "faults.h"
#include "invocation.h"
#include "mmio_fault.h"
#include "../host/thread.h"
#include "../kernel/log.h"
#include "../kernel/preemption.h"
#include "../kernel/schedule.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../object/vspace.h"
#include <sel4/faults.h>
#include <sel4/syscall.h>

#include <linux/audit.h>

bool system_halted;
int system_exit_status;

/* Where the host keeps its legacy vsyscall page in every process. */
#define VSYSCALL_PAGE 0xffffffffff600000ul

/* x86 vectors for the faults that arrive as UserException. */
#define X86_GENERAL_PROTECTION 13

static void handle_yield(struct tcb *t)
{
	if (sched_is_sel4())
		sched_yield_current();
	else
		host_thread_yield(t); /* the host scheduler decides */
}

static void handle_syscall(struct tcb *t, seL4_SWord syscall)
{
	switch (syscall) {
	case seL4_SysSend:
		handle_invocation(t, false, true);
		break;
	case seL4_SysNBSend:
		handle_invocation(t, false, false);
		break;
	case seL4_SysCall:
		handle_invocation(t, true, true);
		break;
	case seL4_SysRecv:
		handle_recv(t, true);
		break;
	case seL4_SysNBRecv:
		handle_recv(t, false);
		break;
	case seL4_SysReply:
		handle_reply(t);
		break;
	case seL4_SysReplyRecv:
		handle_reply(t);
		handle_recv(t, true);
		break;
	case seL4_SysYield:
		handle_yield(t);
		break;
	default:
		handle_unknown_syscall(t, (seL4_Word)syscall);
		break;
	}
}

/* Registers at a trap; the runtime reports the TLS bases it loaded, the TCB holds the truth. */
static void save_trap_registers(struct tcb *t, const struct sim_trap *trap)
{
	seL4_Word fs = t->regs.fs_base, gs = t->regs.gs_base;
	t->regs = trap->regs;
	t->regs.fs_base = fs;
	t->regs.gs_base = gs;
	t->next_ip = trap->regs.rip;
}

/*
 * A page fault on an address the shadow tables map with the rights the access
 * needs: the host lost or has not yet made that mapping (maps are
 * pipelined), so make it and run the instruction again, without a fault
 * handler. A second fault on the same page right after a fill is a real one.
 */
static bool fill_from_shadow(struct tcb *t, const struct sim_trap *trap)
{
	uint64_t page = trap->addr & ~(uint64_t)(seL4_PageSize - 1);
	struct vspace *vs = thread_vspace(t);
	if (!vs || host_thread_filled(t, page) ||
	    !vspace_fill_fault(vs, trap->addr, (trap->err & 0x2) != 0)) {
		host_thread_set_fill(t, NO_FILL);
		return false;
	}
	host_thread_set_fill(t, page);
	return true;
}

/*
 * The x86 error code as seL4's page tables would give it: the host's page
 * tables may not be populated yet, so "present" comes from the shadow.
 */
static seL4_Word page_fault_error_code(struct tcb *t, const struct sim_trap *trap)
{
	struct vspace *vs = thread_vspace(t);
	bool present = vs && vspace_lookup_frame(vs, trap->addr, NULL, NULL);
	return (trap->err & ~(seL4_Word)1) | (present ? 1 : 0);
}

void handle_trap(struct tcb *t, const struct sim_trap *trap)
{
	save_trap_registers(t, trap);
	trace_trap_begin(t, trap);
	if (trap->kind != SIM_TRAP_VM_FAULT)
		host_thread_set_fill(t, NO_FILL);
	switch (trap->kind) {
	case SIM_TRAP_SYSCALL:
		if (trap->addr >= VSYSCALL_PAGE && trap->addr < VSYSCALL_PAGE + seL4_PageSize) {
			/*
			 * A call into the host's vsyscall page, which the host
			 * emulates up to the seccomp trap and a return: on seL4
			 * it is an instruction fetch from kernel memory.
			 */
			t->regs.rip = trap->addr;
			t->regs.rsp -= sizeof(seL4_Word);
			current_fault = (struct fault){
			    .type = seL4_Fault_VMFault,
			    .vm = {.address = trap->addr, .fsr = 0x15, .instruction_fault = true}};
			handle_fault(t);
			break;
		}
		/* seL4 on x86_64: FaultIP is the syscall instruction, NextIP the one after. */
		t->regs.rip = trap->regs.rip - 2;
		if (trap->arch != AUDIT_ARCH_X86_64) {
			/* int 0x80 and friends: no such gate on seL4, a #GP. */
			current_fault =
			    (struct fault){.type = seL4_Fault_UserException,
					   .user_exception = {X86_GENERAL_PROTECTION, 0}};
			handle_fault(t);
			break;
		}
		handle_syscall(t, (seL4_SWord)t->regs.rdx);
		break;
	case SIM_TRAP_VM_FAULT:
		if (fill_from_shadow(t, trap))
			break; /* the instruction runs again, now mapped */
		if (mmio_fault(t, trap))
			break; /* a device register was read or written */
		current_fault =
		    (struct fault){.type = seL4_Fault_VMFault,
				   .vm = {.address = trap->addr,
					  .fsr = page_fault_error_code(t, trap),
					  .instruction_fault = (trap->err & 0x10) != 0}};
		handle_fault(t);
		break;
	case SIM_TRAP_EXCEPTION:
		if (kernel_verbose)
			kprintf("kernel-sim: thread \"%s\": host signal %u (code %d) at 0x%lx\n",
				t->name, trap->signo, trap->si_code, (unsigned long)trap->regs.rip);
		current_fault = (struct fault){.type = seL4_Fault_UserException,
					       .user_exception = {trap->trapno, trap->err}};
		handle_fault(t);
		break;
	default:
		if (kernel_verbose)
			kprintf("kernel-sim: thread \"%s\" sent an unknown trap kind %u\n", t->name,
				trap->kind);
		break;
	}
	take_injected_interrupt();
	trace_trap_end(t);
}
