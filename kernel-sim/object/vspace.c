#include "vspace.h"
#include "frame.h"
#include "../host/pd.h"
#include "../kernel/asid.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"

#include <stdlib.h>
#include <string.h>

struct paging *paging_create(enum paging_level level, uint64_t paddr)
{
	struct paging *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->obj.paddr = paddr;
	t->obj.size_bits = seL4_PageTableBits;
	t->level = level;
	return t;
}

struct vspace *vspace_create(uint64_t paddr)
{
	struct vspace *vs = calloc(1, sizeof(*vs));
	if (!vs)
		return NULL;
	vs->root.obj.paddr = paddr;
	vs->root.obj.size_bits = seL4_PML4Bits;
	vs->root.level = PAGING_PML4;
	return vs;
}

struct paging *vspace_lookup_table(struct vspace *vs, uint64_t vaddr, enum paging_level level)
{
	struct paging *t = &vs->root;
	while (t && t->level > level)
		t = t->entry[paging_index(t->level, vaddr)].table;
	return t;
}

int vspace_install_table(struct vspace *vs, struct paging *table, uint64_t vaddr)
{
	struct paging *parent = vspace_lookup_table(vs, vaddr, table->level + 1);
	if (!parent || parent->level != table->level + 1)
		return -1;
	struct paging_entry *e = &parent->entry[paging_index(parent->level, vaddr)];
	if (e->table || e->frame)
		return -1;
	e->table = table;
	return 0;
}

static enum paging_level level_of_frame(const struct frame *f)
{
	switch (f->obj.size_bits) {
	case seL4_LargePageBits:
		return PAGING_PD;
	case seL4_HugePageBits:
		return PAGING_PDPT;
	default:
		return PAGING_PT;
	}
}

static int host_map(struct vspace *vs, struct frame *f, uint64_t vaddr, uint8_t vm_rights)
{
	if (!vs->proc)
		return 0;
	int fd = frame_memfd(f);
	if (fd < 0)
		return -1;
	return pd_proc_map(vs->proc, vaddr, frame_size(f), fd, vm_rights == VM_READ_WRITE);
}

int vspace_map_frame(struct vspace *vs, struct frame *f, uint64_t vaddr, uint8_t vm_rights)
{
	enum paging_level level = level_of_frame(f);
	struct paging *t = vspace_lookup_table(vs, vaddr, level);
	if (!t || t->level != level)
		return -1;
	struct paging_entry *e = &t->entry[paging_index(level, vaddr)];
	if (e->table)
		return -1;
	e->frame = f;
	e->vm_rights = vm_rights;
	return host_map(vs, f, vaddr, vm_rights);
}

struct frame *vspace_lookup_frame(struct vspace *vs, uint64_t vaddr, uint64_t *offset,
				  uint8_t *vm_rights)
{
	struct paging *t = &vs->root;
	while (t) {
		struct paging_entry *e = &t->entry[paging_index(t->level, vaddr)];
		if (e->frame) {
			if (offset)
				*offset = vaddr & (frame_size(e->frame) - 1);
			if (vm_rights)
				*vm_rights = e->vm_rights;
			return e->frame;
		}
		if (t->level == PAGING_PT)
			break;
		t = e->table;
	}
	return NULL;
}

static int replay_table(struct vspace *vs, struct paging *t, uint64_t base)
{
	for (unsigned i = 0; i < PAGING_ENTRIES; i++) {
		struct paging_entry *e = &t->entry[i];
		uint64_t vaddr = base | ((uint64_t)i << (12 + 9 * (t->level - 1)));
		if (e->frame && host_map(vs, e->frame, vaddr, e->vm_rights) != 0)
			return -1;
		if (e->table && replay_table(vs, e->table, vaddr) != 0)
			return -1;
	}
	return 0;
}

int vspace_replay(struct vspace *vs)
{
	return replay_table(vs, &vs->root, 0);
}

int vspace_read(struct vspace *vs, uint64_t vaddr, void *buf, size_t len)
{
	char *out = buf;
	while (len > 0) {
		uint64_t off;
		struct frame *f = vspace_lookup_frame(vs, vaddr, &off, NULL);
		if (!f)
			return -1;
		char *k = frame_kaddr(f);
		if (!k)
			return -1;
		size_t n = frame_size(f) - off;
		if (n > len)
			n = len;
		memcpy(out, k + off, n);
		out += n;
		vaddr += n;
		len -= n;
	}
	return 0;
}

/* Bytes covered by one entry of a table of the given level. */
static uint64_t entry_span(enum paging_level level)
{
	return 1ul << (12 + 9 * (level - 1));
}

void vspace_unmap_frame(uint16_t asid, struct frame *f, uint64_t vaddr)
{
	struct vspace *vs = asid_lookup(asid);
	if (!vs)
		return;
	enum paging_level level = level_of_frame(f);
	struct paging *t = vspace_lookup_table(vs, vaddr, level);
	if (!t || t->level != level)
		return;
	struct paging_entry *e = &t->entry[paging_index(level, vaddr)];
	if (e->frame != f)
		return;
	e->frame = NULL;
	e->vm_rights = 0;
	if (vs->proc)
		pd_proc_unmap(vs->proc, vaddr, frame_size(f));
}

void vspace_unmap_table(uint16_t asid, struct paging *table, uint64_t vaddr)
{
	struct vspace *vs = asid_lookup(asid);
	if (!vs)
		return;
	struct paging *parent = vspace_lookup_table(vs, vaddr, table->level + 1);
	if (!parent || parent->level != table->level + 1)
		return;
	struct paging_entry *e = &parent->entry[paging_index(parent->level, vaddr)];
	if (e->table != table)
		return;
	e->table = NULL;
	if (vs->proc) {
		uint64_t span = entry_span(parent->level);
		uint64_t base = vaddr & ~(span - 1);
		if (base < SIM_USER_TOP)
			pd_proc_unmap(vs->proc, base,
				      base + span > SIM_USER_TOP ? SIM_USER_TOP - base : span);
	}
}

void vspace_destroy(struct vspace *vs)
{
	if (vs->asid) {
		struct asid_pool *pool = asid_table[vs->asid >> ASID_LOW_BITS];
		if (pool && pool->entry[vs->asid & ((1u << ASID_LOW_BITS) - 1)] == vs)
			pool->entry[vs->asid & ((1u << ASID_LOW_BITS) - 1)] = NULL;
	}
	if (vs->proc) {
		thread_forget_process(vs->proc);
		pd_proc_destroy(vs->proc);
	}
	free(vs);
}
