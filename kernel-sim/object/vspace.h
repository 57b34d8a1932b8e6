/*
 * VSpaces: x86_64 shadow page tables kept by kernel-sim, and the PD process
 * that mirrors them. The process follows the shadow tables, never leads
 * them: every change of a mapping is made in the process before the
 * invocation that made it returns.
 */
#pragma once

#include "../kernel/state.h"

struct paging *paging_create(enum paging_level level, uint64_t paddr);
void paging_destroy(struct paging *t);
struct vspace *vspace_create(uint64_t paddr);

/* An entry: a next-level table, or a frame with its rights, or nothing. */
#define ENTRY_FRAME 1ul

static inline struct paging *entry_table(const struct paging_entry *e)
{
	return e->word & ENTRY_FRAME ? NULL : (struct paging *)e->word;
}

static inline struct frame *entry_frame(const struct paging_entry *e)
{
	return e->word & ENTRY_FRAME ? (struct frame *)(e->word & ~7ul) : NULL;
}

static inline uint8_t entry_rights(const struct paging_entry *e)
{
	return e->word & ENTRY_FRAME ? (uint8_t)((e->word >> 1) & 3) : 0;
}

/* Entry i of a table to read: an empty one where no chunk was made. */
const struct paging_entry *paging_entry(const struct paging *t, unsigned i);

/* Index of vaddr in a table of the given level. */
static inline unsigned paging_index(enum paging_level level, uint64_t vaddr)
{
	return (unsigned)((vaddr >> (12 + 9 * (level - 1))) & (PAGING_ENTRIES - 1));
}

/* Bytes covered by one entry of a table of the given level. */
static inline uint64_t paging_span(enum paging_level level)
{
	return 1ul << (12 + 9 * (level - 1));
}

/* The paging level a frame of this size is mapped at. */
enum paging_level frame_level(const struct frame *f);

/*
 * The entry of a table of the given level that covers vaddr (seL4's
 * lookupPDPTSlot, lookupPDSlot, lookupPTSlot). NULL if a table on the way is
 * missing, with current_lookup_fault set as seL4 sets it.
 */
struct paging_entry *vspace_lookup_slot(struct vspace *vs, uint64_t vaddr, enum paging_level level);

/* Put a table into an entry of its parent (the entry covers vaddr). */
void vspace_set_table(struct vspace *vs, struct paging_entry *e, struct paging *t, uint64_t vaddr);

/*
 * What the host needs for a new mapping of f, acquired before the shadow
 * changes: a descriptor of the frame for the VSpace's process (*fd, -1 if
 * none is needed). 0, or a negative errno when the host has run out.
 */
int vspace_frame_fd(struct vspace *vs, struct frame *f, uint8_t vm_rights, int *fd);

/* Map frame f with rights at vaddr through entry e, in shadow and host (fd consumed). */
int vspace_set_frame(struct vspace *vs, struct paging_entry *e, struct frame *f, uint64_t vaddr,
		     uint8_t vm_rights, int fd);

/* The frame mapped at vaddr, and the offset of vaddr in it. */
struct frame *vspace_lookup_frame(struct vspace *vs, uint64_t vaddr, uint64_t *offset,
				  uint8_t *vm_rights);

/* Remove frame f from vaddr of the VSpace with that ASID, if it is mapped there. */
void vspace_unmap_frame(uint16_t asid, struct frame *f, uint64_t vaddr);

/*
 * Remove a paging structure from its parent in the VSpace with that ASID and
 * empty it (seL4 clears an unmapped table); the host loses everything it
 * mapped.
 */
void vspace_unmap_table(uint16_t asid, struct paging *table, uint64_t vaddr);

/* Boot: install a table below its parent; map a frame. */
int vspace_install_table(struct vspace *vs, struct paging *table, uint64_t vaddr);
int vspace_map_frame(struct vspace *vs, struct frame *f, uint64_t vaddr, uint8_t vm_rights);

/* Its process died or cannot be made: its threads fault as a lost PD's when they run. */
void vspace_lost(struct vspace *vs, int wstatus);

/* The PD process of a VSpace, started (and given every mapping) if needed. */
struct pd_proc *vspace_process(struct vspace *vs);
/* The same, for a thread about to run in it: the trace shows the PD started (once). */
struct pd_proc *vspace_process_to_run(struct vspace *vs);

/*
 * Name the PD process after the first thread of the VSpace that gets a name
 * (seL4_DebugNameThread): `ps` then shows "[sim] NAME".
 */
void vspace_name(struct vspace *vs, const char *name);

/* Its ASID is gone: the VSpace can no longer run threads. */
void vspace_invalidate_asid(struct vspace *vs);

/* The VSpace object is gone: end its PD process, release its ASID. */
void vspace_destroy(struct vspace *vs);

/* Give the PD process every mapping the shadow tables hold. */
int vspace_replay(struct vspace *vs);

/* Copy out of user memory through the shadow tables (not faulting). */
int vspace_read(struct vspace *vs, uint64_t vaddr, void *buf, size_t len);

/*
 * A fault at vaddr that the shadow tables allow (write or not): put the
 * mapping into the host again. True if it was filled.
 */
bool vspace_fill_fault(struct vspace *vs, uint64_t vaddr, bool write);
