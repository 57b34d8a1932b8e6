/* TCB invocations. */
#include "objects.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include <sel4/invocation.h>

/* seL4's suspend: the thread stops and does not run until resumed. */
static enum exception invoke_tcb_suspend(struct tcb *target)
{
	set_thread_state(target, ThreadState_Inactive);
	return EXCEPTION_NONE;
}

enum exception decode_tcb_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
				     struct cap cap, struct cte *slot, bool is_call,
				     seL4_Word *buffer)
{
	(void)length;
	(void)slot;
	(void)is_call;
	(void)buffer;
	struct tcb *target = cap.thread.tcb;
	switch (label) {
	case TCBSuspend:
		if (target != t && !target->host.in_kernel && target->host.proc) {
			/* Stopping a thread that runs in its host needs thread parking. */
			user_error("TCB Suspend: the target is running (not supported yet).");
			current_syscall_error =
			    (struct syscall_error){.type = seL4_IllegalOperation};
			return EXCEPTION_SYSCALL_ERROR;
		}
		set_thread_state(t, ThreadState_Restart);
		return invoke_tcb_suspend(target);
	default:
		user_error("TCB: Illegal operation.");
		current_syscall_error = (struct syscall_error){.type = seL4_IllegalOperation};
		return EXCEPTION_SYSCALL_ERROR;
	}
}
