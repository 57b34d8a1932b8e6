/* The kernel objects of a PD: VSpace root, vm_space, CSpace. */
#include "platform_pd.h"
#include "asid_pool.h"
#include "core.h"

/* Core addresses the PD's CSpace through its top-level CNode, with depth GENODE_PD_CSPACE_BITS. */
seL4_Error platform_pd_install(struct platform_pd *p, seL4_Word slot, seL4_CPtr cap,
			       seL4_Word badge)
{
	platform_pd_uninstall(p, slot);
	if (badge)
		return seL4_CNode_Mint(p->cspace, slot, GENODE_PD_CSPACE_BITS, core_cspace, cap,
				       CORE_DEPTH, seL4_AllRights, badge);
	return seL4_CNode_Copy(p->cspace, slot, GENODE_PD_CSPACE_BITS, core_cspace, cap, CORE_DEPTH,
			       seL4_AllRights);
}

void platform_pd_uninstall(struct platform_pd *p, seL4_Word slot)
{
	seL4_CNode_Delete(p->cspace, slot, GENODE_PD_CSPACE_BITS);
}

/* The PD's threads see a 64-bit CPtr space: the guard pads the two levels. */
static seL4_Word cspace_guard(void)
{
	return seL4_CNode_CapData_new(0, 64 - GENODE_PD_CSPACE_BITS).words[0];
}

seL4_CPtr platform_pd_cspace_root(const struct platform_pd *p, seL4_Word *guard)
{
	*guard = cspace_guard();
	return p->cspace;
}

bool platform_pd_cspace_add(struct platform_pd *p)
{
	struct pd_cnode *n =
	    p->cnode_count < GENODE_PD_CSPACE_ENTRIES ? core_zalloc(sizeof(*n)) : 0;
	if (!n)
		return false;
	n->sel = kobj_create(seL4_CapTableObject, GENODE_PD_CNODE_BITS,
			     GENODE_PD_CNODE_BITS + seL4_SlotBits, &n->ut);
	if (!n->sel || seL4_CNode_Mint(p->cspace, p->cnode_count, GENODE_PD_CSPACE_TOP_BITS,
				       core_cspace, n->sel, CORE_DEPTH, seL4_AllRights,
				       seL4_CNode_CapData_new(0, 0).words[0]) != seL4_NoError) {
		if (n->sel)
			kobj_destroy(n->sel, n->ut);
		core_free(n);
		return false;
	}
	n->next = p->cnodes;
	p->cnodes = n;
	p->cnode_count++;
	return true;
}

bool platform_pd_create(struct platform_pd *p, seL4_Error *assign_err)
{
	*assign_err = seL4_NoError;
	p->pml4 = kobj_create(seL4_X64_PML4Object, 0, seL4_PML4Bits, &p->pml4_ut);
	p->cspace = kobj_create(seL4_CapTableObject, GENODE_PD_CSPACE_TOP_BITS,
				GENODE_PD_CSPACE_TOP_BITS + seL4_SlotBits, &p->cspace_ut);
	if (!p->pml4 || !p->cspace || !platform_pd_cspace_add(p))
		return false;
	/* the kernel's host makes the PD's process here, and may refuse (NotEnoughMemory) */
	if ((*assign_err = asid_assign(p->pml4)) != seL4_NoError)
		return false;
	return vm_space_init(&p->vs, p->pml4, PLATFORM_PD_VM_CNODE_BITS) &&
	       /* the component's handle on its own CSpace */
	       !platform_pd_install(p, GENODE_SEL_CNODE, p->cspace, cspace_guard());
}

void platform_pd_destroy(struct platform_pd *p)
{
	if (p->vs.cnode)
		vm_space_destroy(&p->vs);
	while (p->cnodes) {
		struct pd_cnode *n = p->cnodes;
		p->cnodes = n->next;
		kobj_destroy(n->sel, n->ut);
		core_free(n);
	}
	if (p->cspace_ut)
		kobj_destroy(p->cspace, p->cspace_ut);
	if (p->pml4_ut)
		kobj_destroy(p->pml4, p->pml4_ut);
}
