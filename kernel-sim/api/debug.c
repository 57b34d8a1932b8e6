#include "debug.h"
#include "faults.h"
#include "syscall.h"
#include "../kernel/cspace.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../host/pd.h"
#include "../host/thread.h"
#include "../kernel/preemption.h"
#include "../kernel/schedule.h"
#include "../kernel/asid.h"
#include "../object/vspace.h"
#include <sel4/faults.h>
#include <sel4/syscall.h>
#include <sim/debug.h>

#include <dirent.h>
#include <stddef.h>
#include <string.h>

static const char *thread_state_name(enum thread_state s)
{
	static const char *const names[] = {
	    [ThreadState_Inactive] = "inactive",
	    [ThreadState_Running] = "running",
	    [ThreadState_Restart] = "restart",
	    [ThreadState_BlockedOnReceive] = "blocked on recv",
	    [ThreadState_BlockedOnSend] = "blocked on send",
	    [ThreadState_BlockedOnReply] = "blocked on reply",
	    [ThreadState_BlockedOnNotification] = "blocked on ntfn",
	    [ThreadState_IdleThreadState] = "idle",
	};
	return s <= ThreadState_IdleThreadState ? names[s] : "unknown";
}

void dump_scheduler(bool host)
{
	kprintf("Dumping all tcbs!\n");
	kprintf("Name                                    \tState          \tIP                  "
		"\t Prio \t Core%s\n",
		host ? "\tHost" : "");
	kprintf("--------------------------------------------------------------------------------"
		"------\n");
	for (struct tcb *t = tcb_first(); t; t = t->all_next) {
		kprintf("%-40.40s\t%-15s\t%#-18lx\t%3u\t%3u", t->name, thread_state_name(t->state),
			(unsigned long)t->regs.rip, t->priority, t->affinity);
		if (host) {
			char h[96];
			host_thread_describe(t, h, sizeof(h));
			kprintf("\t%s%s%s", h, t->sched_queued ? " ready" : "",
				t == sched_cur_thread(t->affinity) ? " current" : "");
		}
		kprintf("\n");
	}
}

/* seL4_DebugNameThread: the name is a string in the IPC buffer after the tag. */
static void debug_name_thread(struct tcb *t)
{
	struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, t->regs.capRegister);
	if (lu.status != EXCEPTION_NONE || lu.cap.type != cap_thread_cap) {
		/* seL4 halts here; one misbehaving PD must not end the system. */
		user_error("SysDebugNameThread: cap is not a TCB, ignored");
		return;
	}
	seL4_Word *buffer = lookup_ipc_buffer(true, t);
	if (!buffer) {
		user_error("SysDebugNameThread: Failed to lookup IPC buffer, ignored");
		return;
	}
	const char *name = (const char *)(buffer + 1);
	size_t len = strnlen(name, TCB_NAME_MAX);
	if (len == TCB_NAME_MAX) {
		user_error("SysDebugNameThread: Name too long, ignored");
		return;
	}
	struct tcb *target = lu.cap.thread.tcb;
	memcpy(target->name, name, len);
	target->name[len] = 0;
	sanitise_name(target->name);
	/* sel4-sim: the host sees each named thread's priority (kill -USR1 shows all later) */
	if (kernel_verbose)
		kprintf("kernel-sim: thread \"%s\" has priority %u\n", target->name,
			(unsigned)target->priority);
	host_thread_renamed(target);
	struct vspace *vs = thread_vspace(target);
	if (vs)
		vspace_name(vs, target->name);
}

/*
 * seL4_DebugHalt ends the system with exit status 0; real libsel4 leaves
 * rdi to chance. sel4-sim's SIM_SysDebugHaltStatus carries a status in rdi.
 */
static void debug_halt(struct tcb *t, int status)
{
	kprintf("Debug halt syscall from user thread 0x%lx \"%s\"\n", kernel_pointer(t->obj.paddr),
		t->name);
	system_halted = true;
	system_exit_status = status;
	set_thread_state(t, ThreadState_Inactive);
}

/*
 * seL4_SetTLSBase (CONFIG_SET_TLS_BASE_SELF): the calling thread's FS base.
 * A non-canonical base changes nothing, as in seL4.
 */
static void set_tls_base(struct tcb *t)
{
	seL4_Word base = t->regs.capRegister;
	if (sanitise_register(offsetof(seL4_UserContext, fs_base), base) == base)
		t->regs.fs_base = base;
}

/* SIM_SysDebugKillPD: SIGKILL to the PD process of an assigned VSpace. */
static seL4_Word debug_kill_pd(struct tcb *t)
{
	struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, t->regs.capRegister);
	if (lu.status != EXCEPTION_NONE || lu.cap.type != cap_pml4_cap || !lu.cap.pml4.mapped_asid)
		return ~0ul;
	struct vspace *vs = asid_lookup(lu.cap.pml4.mapped_asid);
	if (vs != lu.cap.pml4.vspace || !vs->proc || pd_proc_kill(vs->proc) != 0)
		return ~0ul;
	return 0;
}

/* SIM_SysDebugPutString: n bytes from the message registers of the IPC buffer. */
static void debug_put_string(struct tcb *t)
{
	seL4_Word n = t->regs.capRegister;
	seL4_Word *buffer = lookup_ipc_buffer(false, t);
	if (!buffer || n > seL4_MsgMaxLength * sizeof(seL4_Word)) {
		user_error("SysDebugPutString: no IPC buffer or too long, ignored");
		return;
	}
	const char *s = (const char *)(buffer + 1);
	for (seL4_Word i = 0; i < n; i++)
		console_putchar(s[i]);
}

static seL4_Word open_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return ~0ul;
	seL4_Word n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* not the directory's own fd */
}

enum debug_calls debug_calls = DEBUG_CALLS_ROOTTASK;
static bool debug_calls_given;

void debug_calls_of_kernel(bool debug_kernel)
{
	if (!debug_calls_given)
		debug_calls = debug_kernel ? DEBUG_CALLS_ALL : DEBUG_CALLS_ROOTTASK;
}

int debug_calls_parse(const char *who)
{
	debug_calls_given = true;
	if (strcmp(who, "roottask") == 0)
		debug_calls = DEBUG_CALLS_ROOTTASK;
	else if (strcmp(who, "all") == 0)
		debug_calls = DEBUG_CALLS_ALL;
	else if (strcmp(who, "none") == 0)
		debug_calls = DEBUG_CALLS_NONE;
	else
		return -1;
	return 0;
}

static bool is_debug_call(seL4_SWord w)
{
	return (w <= seL4_SysDebugPutChar && w >= seL4_SysDebugNameThread) ||
	       (w <= SIM_SysDebugThreadState && w >= SIM_SysDebugInterruptAfterWork);
}

static bool may_debug(struct tcb *t)
{
	if (debug_calls != DEBUG_CALLS_ROOTTASK)
		return debug_calls == DEBUG_CALLS_ALL;
	struct vspace *vs = thread_vspace(t);
	return vs && vs->root_task;
}

static void unknown_syscall_fault(struct tcb *t, seL4_Word w)
{
	current_fault = (struct fault){.type = seL4_Fault_UnknownSyscall,
				       .unknown_syscall = {.syscall_number = w}};
	handle_fault(t);
}

void handle_unknown_syscall(struct tcb *t, seL4_Word w)
{
	if (is_debug_call((seL4_SWord)w) && !may_debug(t)) {
		unknown_syscall_fault(t, w);
		return;
	}
	switch ((seL4_SWord)w) {
	case seL4_SysDebugPutChar:
		console_putchar((char)t->regs.capRegister);
		return;
	case seL4_SysDebugDumpScheduler:
		dump_scheduler(false);
		return;
	case seL4_SysDebugHalt:
		debug_halt(t, 0);
		return;
	case SIM_SysDebugHaltStatus:
		debug_halt(t, (int)(t->regs.capRegister & 0xff));
		return;
	case seL4_SysDebugSnapshot:
		kprintf("Debug snapshot syscall from user thread 0x%lx \"%s\"\n",
			kernel_pointer(t->obj.paddr), t->name);
		return;
	case seL4_SysDebugCapIdentify: {
		struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, t->regs.capRegister);
		t->regs.capRegister = lu.status == EXCEPTION_NONE ? (seL4_Word)lu.cap.type : 0;
		return;
	}
	case seL4_SysDebugNameThread:
		debug_name_thread(t);
		return;
	case SIM_SysDebugThreadState: {
		struct lookup_cap_and_slot_ret lu = lookup_cap_and_slot(t, t->regs.capRegister);
		t->regs.capRegister = lu.status == EXCEPTION_NONE && lu.cap.type == cap_thread_cap
					  ? (seL4_Word)lu.cap.thread.tcb->state
					  : SIM_ThreadStateInvalid;
		return;
	}
	case SIM_SysDebugKillPD:
		t->regs.capRegister = debug_kill_pd(t);
		return;
	case SIM_SysDebugPutString:
		debug_put_string(t);
		return;
	case SIM_SysDebugHostResources:
		t->regs.capRegister = open_fd_count();
		t->regs.msgInfoRegister = pd_proc_count();
		return;
	case SIM_SysDebugInterruptAfterWork:
		t->regs.capRegister =
		    interrupt_after_work(t->regs.capRegister, t->regs.msgInfoRegister) ? 0 : ~0ul;
		return;
	case seL4_SysSetTLSBase:
		set_tls_base(t);
		return;
	default:
		unknown_syscall_fault(t, w);
		return;
	}
}
