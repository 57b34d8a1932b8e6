/*
 * PD: a protection domain, its RAM and capability accounts, its address
 * space and stack area (region maps), the RPC capabilities and signal
 * contexts of its objects.
 */
#pragma once

#include <genode/rpc.h>

struct pd_alloc_args {
	seL4_Word size;
};
struct pd_alloc_result {
	seL4_Word size;
};
struct pd_quota_result {
	seL4_Word ram_quota, ram_used, cap_quota, cap_used;
};
struct pd_transfer_args {
	seL4_Word ram, caps; /* to the PD whose session capability is the argument */
};
struct pd_rpc_cap_args {
	seL4_Word thread_slot; /* whose endpoint the capability names */
};
struct pd_rpc_cap_result {
	seL4_Word badge;
};
struct pd_badge_args {
	seL4_Word badge;
};
struct pd_context_args {
	seL4_Word imprint; /* returned with each delivery, the component's handler */
	seL4_Word source;  /* where its signals arrive */
};
/* Pending signals of a source, at most max (up to PD_SIGNAL_BATCH) at once. */
#define PD_SIGNAL_BATCH 16
struct pd_pending_args {
	seL4_Word source, max;
};
struct pd_signal_result {
	seL4_Word n; /* 0: nothing pending */
	struct {
		seL4_Word imprint, count;
	} signal[PD_SIGNAL_BATCH];
};

/*
 * A signal source: where the signals of its contexts arrive. Bound to a
 * thread (thread_slot), signals wake that thread's bound notification (an
 * entrypoint's Recv returns with GENODE_SIGNAL_BADGE); with thread_slot
 * PD_SOURCE_UNBOUND the source has a notification of its own, returned as
 * the capability, on which a receiver waits (seL4_Wait).
 */
#define PD_SOURCE_UNBOUND (~0ul)
struct pd_source_args {
	seL4_Word thread_slot;
};
struct pd_source_result {
	seL4_Word source;
};
struct pd_source_id {
	seL4_Word source;
};
struct pd_cspace_result {
	seL4_Word entries; /* CNodes in the PD's CSpace now (see genode/layout.h) */
};

/*
 * Quota moves only between a PD and its reference account (ref_account,
 * Genode's): a parent makes its PD the reference account of a child's PD
 * and transfers the child's quota there; what a PD was donated when its
 * session was created stays with it; when it goes, what it got by
 * transfers goes back to its reference account, which adopts the PDs that
 * had it as theirs.
 *
 * alloc returns a RAM dataspace capability; free, transfer_quota,
 * ref_account and assign_parent take a capability argument; address_space, stack_area,
 * alloc_rpc_cap, alloc_context and alloc_signal_source (unbound) return one.
 * cspace_extend adds a CNode of 2^GENODE_PD_CNODE_BITS slots to the PD's
 * CSpace, paid from its RAM quota (an extension of Genode's PD session:
 * seL4's CSpace size is fixed there).
 */
#define PD_SESSION_RPC(M)                                                                          \
	M(pd_session, alloc, 1, struct pd_alloc_args, struct pd_alloc_result)                      \
	M(pd_session, free, 2, struct rpc_none, struct rpc_none)                                   \
	M(pd_session, quota, 3, struct rpc_none, struct pd_quota_result)                           \
	M(pd_session, transfer_quota, 4, struct pd_transfer_args, struct rpc_none)                 \
	M(pd_session, address_space, 5, struct rpc_none, struct rpc_none)                          \
	M(pd_session, stack_area, 6, struct rpc_none, struct rpc_none)                             \
	M(pd_session, assign_parent, 7, struct rpc_none, struct rpc_none)                          \
	M(pd_session, alloc_rpc_cap, 8, struct pd_rpc_cap_args, struct pd_rpc_cap_result)          \
	M(pd_session, free_rpc_cap, 9, struct pd_badge_args, struct rpc_none)                      \
	M(pd_session, alloc_context, 10, struct pd_context_args, struct rpc_none)                  \
	M(pd_session, free_context, 11, struct rpc_none, struct rpc_none)                          \
	M(pd_session, pending_signal, 12, struct pd_pending_args, struct pd_signal_result)         \
	M(pd_session, alloc_signal_source, 13, struct pd_source_args, struct pd_source_result)     \
	M(pd_session, free_signal_source, 14, struct pd_source_id, struct rpc_none)                \
	M(pd_session, cspace_extend, 15, struct rpc_none, struct pd_cspace_result)                 \
	M(pd_session, ref_account, 16, struct rpc_none, struct rpc_none)

/* A signal context: submitting it counts a signal for its receiver. */
struct signal_submit_args {
	seL4_Word count;
};
#define SIGNAL_CONTEXT_RPC(M)                                                                      \
	M(signal_context, submit, 1, struct signal_submit_args, struct rpc_none)
