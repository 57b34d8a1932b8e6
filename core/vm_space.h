/*
 * A virtual address space as core populates it: the VSpace root (PML4), a
 * page-table registry (which paging structures exist, created on demand
 * from untyped memory) and the frame-capability copies mapped in it. Each
 * mapping needs its own copy of the frame capability (a frame capability
 * maps once); copies and page tables live in the space's VM CNode. When
 * the VM CNode is full, the frame copies are flushed like a software TLB
 * and faults map them again.
 */
#pragma once

#include "cspace.h"
#include "umap.h"
#include <stdbool.h>

struct vm_space {
	seL4_CPtr pml4;	     /* core's capability to the VSpace root */
	struct cnode *cnode; /* VM CNode */
	struct umap maps;    /* page-aligned vaddr -> frame copy (| VM_LARGE) */
	struct umap tables;  /* (level << 56 | index) -> page-table record */
	unsigned long mapped_bytes;
	unsigned long table_count;
	unsigned long flushes;
};

#define VM_LARGE (1ul << 40)

/* The VM CNode of 2^bits slots; pml4 is the VSpace root core holds. */
bool vm_space_init(struct vm_space *vs, seL4_CPtr pml4, unsigned cnode_bits);
/* Unmap everything and free the page tables and the VM CNode (not the PML4). */
void vm_space_destroy(struct vm_space *vs);

/*
 * Map the frame (4 KiB or, with size_bits 21, 2 MiB) at vaddr. A mapping
 * already there is replaced. Returns an seL4 error.
 */
seL4_Error vm_space_map(struct vm_space *vs, seL4_CPtr frame, unsigned size_bits,
			unsigned long vaddr, bool writeable);

/*
 * Map the frame capability itself (4 KiB, writeable) at vaddr for good:
 * no copy, nothing to unmap later (core's heap).
 */
seL4_Error vm_space_map_pinned(struct vm_space *vs, seL4_CPtr frame, unsigned long vaddr);

/* Remove every mapping that overlaps [vaddr, vaddr + size). */
void vm_space_unmap(struct vm_space *vs, unsigned long vaddr, unsigned long size);

/* Whether a mapping covers vaddr. */
bool vm_space_is_mapped(const struct vm_space *vs, unsigned long vaddr);
