/*
 * The kernel's side of a thread (Genode's Platform_thread): its TCB, its
 * own endpoint and bound notification, its lock notification and its IPC
 * buffer, each from a 4 KiB block, installed in its PD's CSpace at the
 * slots of its stack-area slot (protocol/genode/layout.h). The CPU
 * service owns the thread; this is everything seL4-specific about it.
 */
#pragma once

#include "platform_pd.h"

struct platform_thread {
	seL4_CPtr tcb, ep, ntfn, lock_ntfn, ipc_frame;
	unsigned cpu; /* where it runs: its affinity (Genode's Platform_thread::_location) */
	struct ut_block *tcb_ut, *ep_ut, *ntfn_ut, *lock_ntfn_ut, *ipc_ut;
};

/*
 * Make the objects of the thread in stack-area slot `slot` of pd, its
 * faults going to core's endpoint with fault_badge, to run on CPU cpu
 * (below the boot info's numNodes); an rpc_error.
 */
int platform_thread_create(struct platform_thread *t, struct platform_pd *pd, unsigned slot,
			   seL4_Word fault_badge, unsigned priority, unsigned cpu,
			   const char *name);
/* Delete them all again (what create made of them). */
void platform_thread_destroy(struct platform_thread *t, struct platform_pd *pd, unsigned slot);

/* Place it on its CPU (seL4_TCB_SetAffinity, SMP only) and let it run from ip with sp. */
seL4_Error platform_thread_start(const struct platform_thread *t, seL4_Word ip, seL4_Word sp);
bool platform_thread_pause(const struct platform_thread *t);
bool platform_thread_resume(const struct platform_thread *t);
/* Where the thread stands (0s if the kernel cannot tell). */
void platform_thread_regs(const struct platform_thread *t, seL4_Word *ip, seL4_Word *sp);
/* Whether it waits for the reply to a call (seL4's BlockedOnReply). */
bool platform_thread_waits_for_reply(const struct platform_thread *t);
/*
 * Continue the thread after its system call instruction at syscall_ip as
 * if the call had returned RPC_IPC_ERROR, as a Genode RPC raises Ipc_error.
 */
bool platform_thread_ipc_error(const struct platform_thread *t, seL4_Word syscall_ip);
