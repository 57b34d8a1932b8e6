/*
 * Child protection domains for tests: a VSpace of its own (its own PD process
 * under kernel-sim) holding the test program's image, and a CSpace of its own.
 * Unlike sel4test, which loads a fresh copy of its ELF file into each helper
 * process, a child here maps copies of the root task's own image frame caps:
 * the same code and the same data pages, in another address space. Tests use
 * the shared data to hand over arguments; everything the kernel decides
 * (mappings, faults, capabilities) is the child's own.
 */
#include "test.h"
#include <base/image.h>

#define CHILD_PDS	  8
#define CHILD_IMAGE_PAGES 1024
#define CHILD_PTS	  4

struct child_pd {
	bool used;
	seL4_CPtr pml4, pdpt, pd, pt[CHILD_PTS];
	seL4_CPtr cnode;
	seL4_Word next_slot; /* in its CNode; slot 0 stays null */
	seL4_Word frames;
	seL4_CPtr frame[CHILD_IMAGE_PAGES];
};

static struct child_pd child_pds[CHILD_PDS];

seL4_Word child_cspace_data(void)
{
	return seL4_CNode_CapData_new(0, WORD_BITS - CHILD_CNODE_BITS).words[0];
}

/* Is image page i writable in the root task (part of a writable segment)? */
static bool image_page_writable(seL4_Word i)
{
	uintptr_t lo = (uintptr_t)__ehdr_start + i * seL4_PageSize, hi = lo + seL4_PageSize;
	unsigned n;
	const struct elf64_phdr *ph = image_phdrs(&n);
	for (unsigned k = 0; k < n; k++)
		if (ph[k].type == PT_LOAD && (ph[k].flags & PF_W) && ph[k].vaddr < hi &&
		    ph[k].vaddr + ph[k].memsz > lo)
			return true;
	return false;
}

static seL4_CPtr map_table(seL4_Word type, seL4_CPtr pml4, seL4_Word vaddr)
{
	seL4_CPtr t = alloc_object(type, 0);
	if (!t)
		return 0;
	seL4_Error e;
	if (type == seL4_X86_PDPTObject)
		e = seL4_X86_PDPT_Map(t, pml4, vaddr, seL4_X86_Default_VMAttributes);
	else if (type == seL4_X86_PageDirectoryObject)
		e = seL4_X86_PageDirectory_Map(t, pml4, vaddr, seL4_X86_Default_VMAttributes);
	else
		e = seL4_X86_PageTable_Map(t, pml4, vaddr, seL4_X86_Default_VMAttributes);
	if (e != seL4_NoError) {
		release_slot(t);
		return 0;
	}
	return t;
}

/* Paging structures for [base, top) of the child's VSpace: one PDPT and PD, PTs. */
static bool map_tables(struct child_pd *c, seL4_Word base, seL4_Word top)
{
	c->pdpt = map_table(seL4_X86_PDPTObject, c->pml4, base);
	c->pd = map_table(seL4_X86_PageDirectoryObject, c->pml4, base);
	if (!c->pdpt || !c->pd)
		return false;
	const seL4_Word span = 1ul << (seL4_PageBits + seL4_PageTableIndexBits);
	int n = 0;
	for (seL4_Word a = base & ~(span - 1); a < top; a += span) {
		if (n == CHILD_PTS ||
		    !(c->pt[n++] = map_table(seL4_X86_PageTableObject, c->pml4, a)))
			return false;
	}
	return true;
}

static bool map_image(struct child_pd *c)
{
	seL4_Word pages = boot_info->userImageFrames.end - boot_info->userImageFrames.start;
	if (pages > CHILD_IMAGE_PAGES)
		return false;
	seL4_Word base = (seL4_Word)__ehdr_start;
	if (!map_tables(c, base, base + pages * seL4_PageSize))
		return false;
	for (seL4_Word i = 0; i < pages; i++) {
		seL4_CPtr copy = alloc_slot();
		if (!copy)
			return false;
		if (cnode_copy(boot_info->userImageFrames.start + i, copy, seL4_AllRights) !=
		    seL4_NoError) {
			free_slot(copy);
			return false;
		}
		c->frame[c->frames++] = copy;
		seL4_CapRights_t rights = image_page_writable(i) ? seL4_ReadWrite : seL4_CanRead;
		if (seL4_X86_Page_Map(copy, c->pml4, base + i * seL4_PageSize, rights,
				      seL4_X86_Default_VMAttributes) != seL4_NoError)
			return false;
	}
	return true;
}

struct child_pd *child_pd_create(seL4_CPtr asid_pool)
{
	struct child_pd *c = NULL;
	for (int i = 0; i < CHILD_PDS && !c; i++)
		if (!child_pds[i].used)
			c = &child_pds[i];
	if (!c) {
		test_fail(__FILE__, __LINE__, "out of child PDs");
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->next_slot = 1;
	c->pml4 = alloc_object(seL4_X64_PML4Object, 0);
	c->cnode = alloc_cnode(CHILD_CNODE_BITS);
	if (!c->pml4 || !c->cnode || seL4_X86_ASIDPool_Assign(asid_pool, c->pml4) != seL4_NoError ||
	    !map_image(c)) {
		test_fail(__FILE__, __LINE__, "cannot build a child PD");
		child_pd_destroy(c);
		return NULL;
	}
	return c;
}

seL4_CPtr child_pd_vspace(const struct child_pd *c)
{
	return c->pml4;
}

seL4_CPtr child_pd_cspace(const struct child_pd *c)
{
	return c->cnode;
}

/* The next slot of the child's CNode, filled by copy or mint. */
static seL4_CPtr child_pd_place(struct child_pd *c, seL4_CPtr cap, bool mint,
				seL4_CapRights_t rights, seL4_Word badge)
{
	if (c->next_slot >= 1ul << CHILD_CNODE_BITS)
		return 0;
	seL4_CPtr slot = c->next_slot;
	seL4_Error e = mint ? seL4_CNode_Mint(c->cnode, slot, CHILD_CNODE_BITS, ROOT_CNODE, cap,
					      WORD_BITS, rights, badge)
			    : seL4_CNode_Copy(c->cnode, slot, CHILD_CNODE_BITS, ROOT_CNODE, cap,
					      WORD_BITS, rights);
	if (e != seL4_NoError)
		return 0;
	c->next_slot++;
	return slot;
}

seL4_CPtr child_pd_mint(struct child_pd *c, seL4_CPtr cap, seL4_CapRights_t rights, seL4_Word badge)
{
	return child_pd_place(c, cap, true, rights, badge);
}

seL4_CPtr child_pd_copy(struct child_pd *c, seL4_CPtr cap)
{
	return child_pd_place(c, cap, false, seL4_AllRights, 0);
}

seL4_CPtr child_pd_image_frame(const struct child_pd *c, const void *page)
{
	seL4_Word i = ((uintptr_t)page - (uintptr_t)__ehdr_start) / seL4_PageSize;
	return i < c->frames ? c->frame[i] : 0;
}

void child_pd_destroy(struct child_pd *c)
{
	if (!c)
		return;
	/*
	 * The VSpace first: its process goes, and the rest needs no host
	 * unmapping. Revoking removes the copies threads hold as their roots.
	 */
	destroy_slot(c->pml4);
	for (seL4_Word i = 0; i < c->frames; i++)
		release_slot(c->frame[i]);
	for (int i = 0; i < CHILD_PTS; i++)
		release_slot(c->pt[i]);
	release_slot(c->pd);
	release_slot(c->pdpt);
	destroy_slot(c->cnode);
	c->used = false;
}
