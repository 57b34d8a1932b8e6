/*
 * CPU sessions and their threads. A thread is a TCB in a PD with an IPC
 * buffer at its stack-area slot, its own endpoint and bound notification
 * in the PD's CSpace, and a fault endpoint that leads to core's pager with
 * the thread's badge.
 */
#pragma once

#include "pager.h"
#include "pd_session.h"
#include "platform_thread.h"
#include <genode/cpu_session.h>

struct cpu_session;

struct cpu_thread {
	struct core_obj obj;	   /* the Cpu_thread RPC object */
	struct pager_object pager; /* pager.c's: the fault badge and the last fault */
	struct cpu_session *cpu;
	struct pd_session *pd;
	unsigned slot;
	struct platform_thread
	    pf; /* the kernel objects: TCB, endpoint, notifications, IPC buffer */
	char name[GENODE_THREAD_NAME_MAX];
	unsigned kernel_priority;
	unsigned cpu_no; /* the CPU its location in the session's space names */
	unsigned state;	 /* THREAD_RUNNING or THREAD_PAUSED: what the CPU service made of it */
	bool started;
	struct cpu_thread *next_in_pd, *next_in_cpu;
};

struct cpu_session {
	struct core_session s;
	struct cpu_thread *threads;
	seL4_Word exception_sigh;
	unsigned long priority; /* logical priority of the session (0 highest) */
	/* its CPUs: a rectangle of the machine's affinity space (numNodes x 1) */
	struct genode_affinity_location location;
};

int cpu_thread_create(struct cpu_session *cpu, struct pd_session *pd,
		      const struct cpu_create_thread_args *in, struct cpu_thread **out);
int cpu_thread_start(struct cpu_thread *t, seL4_Word ip, seL4_Word sp);
void cpu_thread_destroy(struct cpu_thread *t);
/* enum cpu_thread_state_type: a fault's outcome, else what the CPU service made of it. */
unsigned cpu_thread_state(const struct cpu_thread *t);
extern const struct rpc_interface cpu_session_interface, cpu_thread_interface;
