/* Page-table registry and frame-copy management of one address space. */
#include "vm_space.h"
#include "core.h"
#include "untyped.h"

#define PAGE	 seL4_PageSize
#define LARGE	 (1ul << seL4_LargePageBits)
#define SEL_MASK ((1ul << 40) - 1)

struct table {
	struct ut_block *ut;
	seL4_CPtr sel;
};

bool vm_space_init(struct vm_space *vs, seL4_CPtr pml4, unsigned cnode_bits)
{
	*vs = (struct vm_space){.pml4 = pml4};
	vs->cnode = cnode_create(cnode_bits);
	return vs->cnode != 0;
}

static void drop_copy(struct vm_space *vs, unsigned long val)
{
	seL4_CPtr sel = val & SEL_MASK;
	/* deleting the copy removes its mapping */
	seL4_CNode_Delete(core_cspace, sel, CORE_DEPTH);
	cnode_free(vs->cnode, (unsigned)(sel & ((1u << CORE_NODE_BITS) - 1)));
	vs->mapped_bytes -= (val & VM_LARGE) ? LARGE : PAGE;
}

/* Forget every frame copy: the software-TLB flush when the VM CNode is full. */
static void flush(struct vm_space *vs)
{
	size_t i = 0;
	unsigned long k, v;
	while (umap_next(&vs->maps, &i, &k, &v)) {
		drop_copy(vs, v);
		umap_del(&vs->maps, k, 0);
	}
	vs->flushes++;
}

static seL4_CPtr vm_slot(struct vm_space *vs)
{
	unsigned s = cnode_alloc(vs->cnode);
	if (!s) {
		flush(vs);
		s = cnode_alloc(vs->cnode);
	}
	return s ? cnode_sel(vs->cnode, s) : 0;
}

static const struct {
	seL4_Word type;
	unsigned shift;
} levels[] = {{0, 0},
	      {seL4_X86_PageTableObject, 21},
	      {seL4_X86_PageDirectoryObject, 30},
	      {seL4_X86_PDPTObject, 39}};

static seL4_Error map_table(unsigned level, seL4_CPtr sel, seL4_CPtr pml4, unsigned long vaddr)
{
	switch (level) {
	case 3:
		return seL4_X86_PDPT_Map(sel, pml4, vaddr, seL4_X86_Default_VMAttributes);
	case 2:
		return seL4_X86_PageDirectory_Map(sel, pml4, vaddr, seL4_X86_Default_VMAttributes);
	default:
		return seL4_X86_PageTable_Map(sel, pml4, vaddr, seL4_X86_Default_VMAttributes);
	}
}

/* Make sure the paging structure of this level covering vaddr exists. */
static seL4_Error ensure_table(struct vm_space *vs, unsigned level, unsigned long vaddr)
{
	unsigned long key = (unsigned long)level << 56 | vaddr >> levels[level].shift;
	if (umap_get(&vs->tables, key, 0))
		return seL4_NoError;
	struct table *t = core_zalloc(sizeof(*t));
	seL4_CPtr sel = t ? vm_slot(vs) : 0;
	if (t)
		t->ut = untyped_alloc(seL4_PageBits);
	if (!t || !sel || !t->ut) {
		if (t)
			untyped_free(t->ut);
		core_free(t);
		if (sel)
			cnode_free(vs->cnode, (unsigned)(sel & 0xffff));
		return seL4_NotEnoughMemory;
	}
	seL4_Error e = untyped_retype(t->ut, levels[level].type, 0, sel, 1);
	if (e == seL4_NoError)
		e = map_table(level, sel, vs->pml4, vaddr);
	if (e == seL4_DeleteFirst) {
		/* already there (core's boot-time tables): nothing to register */
		untyped_free(t->ut);
		cnode_free(vs->cnode, (unsigned)(sel & 0xffff));
		core_free(t);
		return seL4_NoError;
	}
	if (e != seL4_NoError || !umap_put(&vs->tables, key, (unsigned long)t)) {
		untyped_free(t->ut);
		cnode_free(vs->cnode, (unsigned)(sel & 0xffff));
		core_free(t);
		return e != seL4_NoError ? e : seL4_NotEnoughMemory;
	}
	t->sel = sel;
	vs->table_count++;
	return seL4_NoError;
}

seL4_Error vm_space_map(struct vm_space *vs, seL4_CPtr frame, unsigned size_bits,
			unsigned long vaddr, bool writeable)
{
	bool large = size_bits == seL4_LargePageBits;
	unsigned long size = large ? LARGE : PAGE;
	vaddr &= ~(size - 1);
	vm_space_unmap(vs, vaddr, size);
	for (unsigned level = 3; level >= (large ? 2u : 1u); level--) {
		seL4_Error e = ensure_table(vs, level, vaddr);
		if (e != seL4_NoError)
			return e;
	}
	seL4_CPtr copy = vm_slot(vs);
	if (!copy)
		return seL4_NotEnoughMemory;
	seL4_CapRights_t rights = writeable ? seL4_ReadWrite : seL4_CanRead;
	seL4_Error e = seL4_CNode_Copy(core_cspace, copy, CORE_DEPTH, core_cspace, frame,
				       CORE_DEPTH, seL4_AllRights);
	if (e == seL4_NoError)
		e = seL4_X86_Page_Map(copy, vs->pml4, vaddr, rights, seL4_X86_Default_VMAttributes);
	unsigned long val = copy | (large ? VM_LARGE : 0);
	if (e == seL4_NoError && !umap_put(&vs->maps, vaddr, val))
		e = seL4_NotEnoughMemory;
	if (e != seL4_NoError) {
		seL4_CNode_Delete(core_cspace, copy, CORE_DEPTH);
		cnode_free(vs->cnode, (unsigned)(copy & 0xffff));
		return e;
	}
	vs->mapped_bytes += size;
	return seL4_NoError;
}

seL4_Error vm_space_map_pinned(struct vm_space *vs, seL4_CPtr frame, unsigned long vaddr)
{
	for (unsigned level = 3; level >= 1; level--) {
		seL4_Error e = ensure_table(vs, level, vaddr);
		if (e != seL4_NoError)
			return e;
	}
	seL4_Error e = seL4_X86_Page_Map(frame, vs->pml4, vaddr, seL4_ReadWrite,
					 seL4_X86_Default_VMAttributes);
	if (e == seL4_NoError)
		vs->mapped_bytes += PAGE;
	return e;
}

/* Drop the mapping at key if it is of the given kind (large or not). */
static void unmap_key(struct vm_space *vs, unsigned long key, bool large)
{
	unsigned long v;
	if (umap_get(&vs->maps, key, &v) && !(v & VM_LARGE) == !large) {
		umap_del(&vs->maps, key, 0);
		drop_copy(vs, v);
	}
}

void vm_space_unmap(struct vm_space *vs, unsigned long vaddr, unsigned long size)
{
	if (!size || !vs->maps.count)
		return;
	unsigned long end = vaddr + size;
	if (size / PAGE > vs->maps.count) {
		size_t i = 0;
		unsigned long k, v;
		while (umap_next(&vs->maps, &i, &k, &v)) {
			unsigned long msize = (v & VM_LARGE) ? LARGE : PAGE;
			if (k < end && k + msize > vaddr)
				unmap_key(vs, k, v & VM_LARGE);
		}
		return;
	}
	/* large mappings that overlap the range start at 2 MiB boundaries */
	for (unsigned long a = vaddr & ~(LARGE - 1); a < end; a += LARGE)
		unmap_key(vs, a, true);
	for (unsigned long a = vaddr & ~(PAGE - 1); a < end; a += PAGE)
		unmap_key(vs, a, false);
}

bool vm_space_is_mapped(const struct vm_space *vs, unsigned long vaddr)
{
	unsigned long v;
	if (umap_get(&vs->maps, vaddr & ~(LARGE - 1), &v) && (v & VM_LARGE))
		return true;
	return umap_get(&vs->maps, vaddr & ~(PAGE - 1), &v) && !(v & VM_LARGE);
}

void vm_space_destroy(struct vm_space *vs)
{
	flush(vs);
	umap_clear(&vs->maps);
	size_t i = 0;
	unsigned long k, v;
	while (umap_next(&vs->tables, &i, &k, &v)) {
		struct table *t = (struct table *)v;
		untyped_free(t->ut); /* revoke: the table and its capability go */
		core_free(t);
	}
	umap_clear(&vs->tables);
	cnode_destroy(vs->cnode);
	vs->cnode = 0;
}
