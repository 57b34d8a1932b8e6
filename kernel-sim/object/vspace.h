/*
 * VSpaces: x86_64 shadow page tables kept by kernel-sim. The PD process of a
 * VSpace mirrors them; it never leads them.
 */
#pragma once

#include "../kernel/object.h"

struct paging *paging_create(enum paging_level level, uint64_t paddr);
struct vspace *vspace_create(uint64_t paddr);

/* Index of vaddr in a table of the given level. */
static inline unsigned paging_index(enum paging_level level, uint64_t vaddr)
{
	return (unsigned)((vaddr >> (12 + 9 * (level - 1))) & (PAGING_ENTRIES - 1));
}

/* The table of the given level that covers vaddr, if installed. */
struct paging *vspace_lookup_table(struct vspace *vs, uint64_t vaddr, enum paging_level level);

/* Install a table below its parent level (boot and PageTable_Map). */
int vspace_install_table(struct vspace *vs, struct paging *table, uint64_t vaddr);

/* Map a frame into the shadow tables and the PD process, if one exists. */
int vspace_map_frame(struct vspace *vs, struct frame *f, uint64_t vaddr, uint8_t vm_rights);

/* The frame mapped at vaddr, and the offset of vaddr in it. */
struct frame *vspace_lookup_frame(struct vspace *vs, uint64_t vaddr, uint64_t *offset,
				  uint8_t *vm_rights);

/* Remove frame f from vaddr of the VSpace with that ASID, if it is mapped there. */
void vspace_unmap_frame(uint16_t asid, struct frame *f, uint64_t vaddr);

/* Remove a paging structure from its parent, and everything it mapped from the host. */
void vspace_unmap_table(uint16_t asid, struct paging *table, uint64_t vaddr);

/* The VSpace object is gone: end its PD process, release its ASID. */
void vspace_destroy(struct vspace *vs);

/* Give the PD process every mapping the shadow tables hold. */
int vspace_replay(struct vspace *vs);

/* Copy out of / into user memory through the shadow tables (not faulting). */
int vspace_read(struct vspace *vs, uint64_t vaddr, void *buf, size_t len);
