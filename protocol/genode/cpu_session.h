/* CPU: threads in a PD, created and controlled by whoever holds the session. */
#pragma once

#include <genode/affinity.h>
#include <genode/rpc.h>

#define GENODE_THREAD_NAME_MAX 64

struct cpu_create_thread_args {
	seL4_Word utcb;	    /* IPC buffer address: GENODE_UTCB_OF(stack-area slot) */
	seL4_Word priority; /* logical priority within the session, 0..65535, 0 highest */
	char name[GENODE_THREAD_NAME_MAX];
	/*
	 * Where in the session's affinity space the thread runs (Genode's
	 * Affinity::Location); all 0: the session's first CPU. A position
	 * beyond the space wraps around within it.
	 */
	struct genode_affinity_location location;
};

/*
 * create_thread takes the PD session capability and returns the thread
 * capability; affinity_space returns the session's CPUs (Genode's
 * Cpu_session::affinity_space: the width and height of the rectangle its
 * session request was given).
 */
#define CPU_SESSION_RPC(M)                                                                         \
	M(cpu_session, create_thread, 1, struct cpu_create_thread_args, struct rpc_none)           \
	M(cpu_session, kill_thread, 2, struct rpc_none, struct rpc_none)                           \
	M(cpu_session, exception_sigh, 3, struct rpc_none, struct rpc_none)                        \
	M(cpu_session, affinity_space, 4, struct rpc_none, struct genode_affinity_space)

struct cpu_thread_start_args {
	seL4_Word ip, sp;
};
enum cpu_thread_state_type {
	THREAD_RUNNING = 0,
	THREAD_PAUSED = 1,
	THREAD_FAULTED = 2, /* an unresolved page fault or an exception */
	THREAD_DEAD = 3	    /* its PD process is gone */
};
struct cpu_thread_state {
	seL4_Word state, ip, sp, fault_addr, fault_type, exception;
	seL4_Word code; /* THREAD_DEAD: the host wait status of the PD's process */
};

/*
 * cancel_blocking (Genode's Cpu_thread::cancel_blocking): a thread waiting
 * for the reply to a call returns from it with RPC_IPC_ERROR, without the
 * call being made again. A parent uses it for
 * the clients of a server that died, which seL4 would leave waiting for a
 * reply forever.
 */
#define CPU_THREAD_RPC(M)                                                                          \
	M(cpu_thread, start, 1, struct cpu_thread_start_args, struct rpc_none)                     \
	M(cpu_thread, pause, 2, struct rpc_none, struct rpc_none)                                  \
	M(cpu_thread, resume, 3, struct rpc_none, struct rpc_none)                                 \
	M(cpu_thread, state, 4, struct rpc_none, struct cpu_thread_state)                          \
	M(cpu_thread, cancel_blocking, 5, struct rpc_none, struct rpc_none)
