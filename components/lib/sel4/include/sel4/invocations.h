/*
 * Object invocations: each is a Call on the object's capability with the
 * invocation label; the reply's label is the seL4_Error.
 */
#pragma once

static inline seL4_Error sel4_invoke(seL4_CPtr cap, seL4_Word label, seL4_Word length,
				     seL4_Word extra_caps)
{
	seL4_MessageInfo_t out = seL4_Call(cap, seL4_MessageInfo_new(label, 0, extra_caps, length));
	return (seL4_Error)seL4_MessageInfo_get_label(out);
}

static inline seL4_Error seL4_TCB_Suspend(seL4_TCB tcb)
{
	return sel4_invoke(tcb, TCBSuspend, 0, 0);
}
