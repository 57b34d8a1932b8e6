#include "objects.h"
#include "../kernel/log.h"

enum exception decode_invocation(struct tcb *t, seL4_Word label, seL4_Word length, seL4_CPtr cptr,
				 struct cte *slot, struct cap cap, bool is_blocking, bool is_call,
				 seL4_Word *buffer)
{
	(void)is_blocking;
	switch (cap.type) {
	case cap_null_cap:
		user_error("Attempted to invoke a null cap #%lu.", (unsigned long)cptr);
		current_syscall_error =
		    (struct syscall_error){.type = seL4_InvalidCapability, .invalid_cap_number = 0};
		return EXCEPTION_SYSCALL_ERROR;
	case cap_zombie_cap:
		user_error("Attempted to invoke a zombie cap #%lu.", (unsigned long)cptr);
		current_syscall_error =
		    (struct syscall_error){.type = seL4_InvalidCapability, .invalid_cap_number = 0};
		return EXCEPTION_SYSCALL_ERROR;
	case cap_thread_cap:
		return decode_tcb_invocation(t, label, length, cap, slot, is_call, buffer);
	default:
		/* The remaining object invocations arrive with the object API. */
		user_error("Invocation of cap type %d (label %lu) is not implemented yet.",
			   (int)cap.type, (unsigned long)label);
		current_syscall_error = (struct syscall_error){.type = seL4_IllegalOperation};
		return EXCEPTION_SYSCALL_ERROR;
	}
}
