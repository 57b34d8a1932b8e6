/*
 * PD sessions: a protection domain (VSpace root, CSpace CNode, vm_space,
 * address space and stack area region maps) with its RAM and capability
 * account, the dataspaces allocated from it, the RPC capabilities minted
 * for its entrypoints and its signal contexts.
 */
#pragma once

#include "platform_pd.h"
#include "region_map.h"
#include "session.h"
#include "signal.h"
#include "umap.h"

struct cpu_thread;

struct pd_session {
	struct core_session s;
	struct platform_pd pf; /* the kernel objects: VSpace root, vm_space, CSpace */
	struct region_map *address_space, *stack_area;
	struct dataspace *dataspaces;
	struct signal_source *sources;
	struct signal_context *contexts;
	struct umap rpc_caps; /* badge -> core slot of the minted capability */
	struct cpu_thread *threads;
	struct pd_session *ref; /* the reference account: transfers go to and from it */
	unsigned long initial_ram, initial_caps; /* the donation: never transferred away */
	unsigned long faults;			 /* page faults resolved */
	bool dead;				 /* the PD process is gone */
	struct pd_session *next;		 /* all PDs */
};

extern const struct rpc_interface pd_session_interface;
extern struct pd_session *all_pds;

/* A RAM dataspace paid by the PD and freed with it; NULL with an rpc_error in *err. */
struct dataspace *pd_alloc_ram(struct pd_session *pd, unsigned long size, int *err);
/* The PD's list of threads (the CPU service makes and ends them). */
void pd_thread_add(struct pd_session *pd, struct cpu_thread *t);
void pd_thread_remove(struct pd_session *pd, struct cpu_thread *t);
/* The pager resolved a fault of the PD. */
void pd_fault_resolved(struct pd_session *pd);
/* The PD's process is gone; true when this is the first news of it. */
bool pd_lost(struct pd_session *pd);
/* A PD session core creates for itself as parent (init's environment). */
struct pd_session *pd_of_session(struct core_session *s);
