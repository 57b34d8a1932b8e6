/* The kernel objects of a thread and what core does to them. */
#include "platform_thread.h"
#include "core.h"
#include "object.h"
#include <genode/rpc.h>

int platform_thread_create(struct platform_thread *t, struct platform_pd *pd, unsigned slot,
			   seL4_Word fault_badge, unsigned priority, unsigned cpu, const char *name)
{
	t->cpu = cpu;
	t->tcb = kobj_create(seL4_TCBObject, 0, seL4_PageBits, &t->tcb_ut);
	t->ep = kobj_create(seL4_EndpointObject, 0, seL4_PageBits, &t->ep_ut);
	t->ntfn = kobj_create(seL4_NotificationObject, 0, seL4_PageBits, &t->ntfn_ut);
	t->lock_ntfn = kobj_create(seL4_NotificationObject, 0, seL4_PageBits, &t->lock_ntfn_ut);
	t->ipc_frame = kobj_create(seL4_X86_4K, 0, seL4_PageBits, &t->ipc_ut);
	if (!t->tcb || !t->ep || !t->ntfn || !t->lock_ntfn || !t->ipc_frame)
		return untyped_avail() ? RPC_OUT_OF_METADATA : RPC_OUT_OF_RAM;
	seL4_Word utcb = GENODE_UTCB_OF(slot), guard;
	seL4_CPtr cspace = platform_pd_cspace_root(pd, &guard);
	if (platform_pd_install(pd, GENODE_SEL_THREAD_EP(slot), t->ep, 0) ||
	    platform_pd_install(pd, GENODE_SEL_THREAD_NTFN(slot), t->ntfn, 0) ||
	    platform_pd_install(pd, GENODE_SEL_THREAD_LOCK(slot), t->lock_ntfn, 0) ||
	    platform_pd_install(pd, GENODE_SEL_THREAD_FAULT(slot), core_ep, fault_badge) ||
	    vm_space_map(&pd->vs, t->ipc_frame, seL4_PageBits, utcb, true) ||
	    seL4_TCB_Configure(t->tcb, GENODE_SEL_THREAD_FAULT(slot), cspace, guard, pd->pml4, 0,
			       utcb, t->ipc_frame) ||
	    seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, priority) ||
	    seL4_TCB_BindNotification(t->tcb, t->ntfn))
		return RPC_OUT_OF_METADATA;
	seL4_DebugNameThread(t->tcb, name);
	return RPC_OK;
}

void platform_thread_destroy(struct platform_thread *t, struct platform_pd *pd, unsigned slot)
{
	if (t->ipc_frame)
		vm_space_unmap(&pd->vs, GENODE_UTCB_OF(slot), seL4_PageSize);
	platform_pd_uninstall(pd, GENODE_SEL_THREAD_FAULT(slot));
	/* revoking each block deletes the object with every copy */
	kobj_destroy(t->tcb, t->tcb_ut);
	kobj_destroy(t->ep, t->ep_ut);
	kobj_destroy(t->ntfn, t->ntfn_ut);
	kobj_destroy(t->lock_ntfn, t->lock_ntfn_ut);
	kobj_destroy(t->ipc_frame, t->ipc_ut);
}

seL4_Error platform_thread_start(const struct platform_thread *t, seL4_Word ip, seL4_Word sp)
{
	/* as Genode's start_sel4_thread: the thread goes to its CPU before it resumes */
	if (__sel4_num_nodes > 1) {
		seL4_Error e = seL4_TCB_SetAffinity(t->tcb, t->cpu);
		if (e != seL4_NoError)
			return e;
	}
	/* rdi: the kernel's node count (genode/layout.h) */
	seL4_UserContext regs = {.rip = ip, .rsp = sp, .rdi = __sel4_num_nodes};
	return seL4_TCB_WriteRegisters(
	    t->tcb, 1, 0, offsetof(seL4_UserContext, rdi) / sizeof(seL4_Word) + 1, &regs);
}

bool platform_thread_pause(const struct platform_thread *t)
{
	return t->tcb && seL4_TCB_Suspend(t->tcb) == seL4_NoError;
}

bool platform_thread_resume(const struct platform_thread *t)
{
	return seL4_TCB_Resume(t->tcb) == seL4_NoError;
}

void platform_thread_regs(const struct platform_thread *t, seL4_Word *ip, seL4_Word *sp)
{
	seL4_UserContext regs = {0};
	seL4_TCB_ReadRegisters(t->tcb, 0, 0, 2, &regs);
	*ip = regs.rip;
	*sp = regs.rsp;
}

bool platform_thread_waits_for_reply(const struct platform_thread *t)
{
	return sim_DebugThreadState(t->tcb) == 5; /* seL4's ThreadState_BlockedOnReply */
}

bool platform_thread_ipc_error(const struct platform_thread *t, seL4_Word syscall_ip)
{
	seL4_UserContext regs;
	if (seL4_TCB_ReadRegisters(t->tcb, 0, 0, seL4_UserContext_Words, &regs) != seL4_NoError)
		return false;
	regs.rip = syscall_ip + 2; /* past the syscall instruction */
	regs.rsi = seL4_MessageInfo_new(RPC_IPC_ERROR, 0, 0, 0).words[0];
	regs.rdi = 0;
	return seL4_TCB_WriteRegisters(t->tcb, 1, 0, seL4_UserContext_Words, &regs) == seL4_NoError;
}
