/*
 * The kernel's side of a PD (Genode's Platform_pd): its VSpace root with
 * an ASID, the vm_space that maps into it, and its two-level CSpace (a
 * top-level CNode of GENODE_PD_CSPACE_ENTRIES entries, each a CNode of
 * 2^GENODE_PD_CNODE_BITS slots, made as the PD asks for more). The PD
 * service owns the session; this is everything seL4-specific about it.
 */
#pragma once

#include "untyped.h"
#include "vm_space.h"
#include <genode/layout.h>

#define PLATFORM_PD_VM_CNODE_BITS 12
/* One more CNode of the PD's CSpace. */
#define PLATFORM_PD_CNODE_COST (1ul << (GENODE_PD_CNODE_BITS + seL4_SlotBits))
/* PML4, the top-level CNode and the first CNode, the VM CNode, and bookkeeping. */
#define PLATFORM_PD_COST                                                                           \
	(seL4_PageSize + (1ul << (GENODE_PD_CSPACE_TOP_BITS + seL4_SlotBits)) +                    \
	 PLATFORM_PD_CNODE_COST + (1ul << (PLATFORM_PD_VM_CNODE_BITS + seL4_SlotBits)) +           \
	 4 * seL4_PageSize)

/* A CNode of the PD's CSpace, below its top-level CNode. */
struct pd_cnode {
	seL4_CPtr sel;
	struct ut_block *ut;
	struct pd_cnode *next;
};

struct platform_pd {
	seL4_CPtr pml4, cspace; /* core's capabilities: VSpace root, top-level CNode */
	struct ut_block *pml4_ut, *cspace_ut;
	struct pd_cnode *cnodes; /* entries of the top-level CNode, newest first */
	unsigned cnode_count;
	struct vm_space vs;
};

/*
 * PML4 with an ASID, CSpace with its first CNode (the PD's own handle in
 * it), VM CNode. On failure *assign_err is the error of
 * seL4_X86_ASIDPool_Assign if that is what failed (seL4_NoError if not).
 */
bool platform_pd_create(struct platform_pd *p, seL4_Error *assign_err);
/* Delete everything: the PD's process ends with its CNodes and PML4. */
void platform_pd_destroy(struct platform_pd *p);
/* One more CNode at the next entry of the top-level CNode. */
bool platform_pd_cspace_add(struct platform_pd *p);

/* Put a capability of core's into a slot of the PD's CSpace (a CPtr of the PD's). */
seL4_Error platform_pd_install(struct platform_pd *p, seL4_Word slot, seL4_CPtr cap,
			       seL4_Word badge);
void platform_pd_uninstall(struct platform_pd *p, seL4_Word slot);
/* What TCB_Configure takes for a thread of the PD: its CSpace root and the root's guard. */
seL4_CPtr platform_pd_cspace_root(const struct platform_pd *p, seL4_Word *guard);
