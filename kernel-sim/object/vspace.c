#include "vspace.h"
#include "frame.h"
#include "../host/pd.h"
#include "../host/thread.h"
#include "../kernel/asid.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/trace.h"
#include "../host/resources.h"
#include <sim/layout.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

static void paging_clear(struct paging *t)
{
	for (unsigned c = 0; c < PAGING_CHUNKS; c++) {
		free(t->chunk[c]);
		t->chunk[c] = NULL;
	}
}

void paging_destroy(struct paging *t)
{
	paging_clear(t);
	free(t);
}

const struct paging_entry *paging_entry(const struct paging *t, unsigned i)
{
	static const struct paging_entry none;
	const struct paging_entry *c = t->chunk[i / PAGING_CHUNK_ENTRIES];
	return c ? &c[i % PAGING_CHUNK_ENTRIES] : &none;
}

/* Entry i of a table to change, its chunk made if needed; NULL without host memory. */
static struct paging_entry *paging_entry_mut(struct paging *t, unsigned i)
{
	struct paging_entry **c = &t->chunk[i / PAGING_CHUNK_ENTRIES];
	if (!*c && !(*c = calloc(PAGING_CHUNK_ENTRIES, sizeof(**c)))) {
		host_resource_exhausted(HOST_MEMORY, ENOMEM, "making page-table entries");
		return NULL;
	}
	return &(*c)[i % PAGING_CHUNK_ENTRIES];
}

static void entry_set_table(struct paging_entry *e, struct paging *t)
{
	e->word = (uintptr_t)t;
}

static void entry_set_frame(struct paging_entry *e, struct frame *f, uint8_t vm_rights)
{
	e->word = (uintptr_t)f | (uintptr_t)(vm_rights & 3) << 1 | ENTRY_FRAME;
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

enum paging_level frame_level(const struct frame *f)
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

struct paging_entry *vspace_lookup_slot(struct vspace *vs, uint64_t vaddr, enum paging_level level)
{
	struct paging *t = &vs->root;
	while (t->level > level) {
		struct paging *next = entry_table(paging_entry(t, paging_index(t->level, vaddr)));
		if (!next) {
			/* Missing below this level: the bits the missing table would resolve. */
			current_lookup_fault =
			    (struct lookup_fault){.type = lookup_fault_missing_capability,
						  .bits_left = 12 + 9 * (t->level - 1)};
			return NULL;
		}
		t = next;
	}
	struct paging_entry *e = paging_entry_mut(t, paging_index(level, vaddr));
	if (!e)
		current_lookup_fault = (struct lookup_fault){
		    .type = lookup_fault_missing_capability, .bits_left = 12 + 9 * (level - 1)};
	return e;
}

static bool host_rights(uint8_t vm_rights)
{
	return vm_rights == VM_READ_ONLY || vm_rights == VM_READ_WRITE;
}

/*
 * Linux refuses a process more mappings than vm.max_map_count (each frame
 * is one, beside a few of the runtime): a Page_Map beyond that is refused
 * here, before the process would fail it.
 */
static unsigned long mapping_limit(void)
{
	static unsigned long limit;
	if (!limit) {
		FILE *f = fopen("/proc/sys/vm/max_map_count", "re");
		if (!f || fscanf(f, "%lu", &limit) != 1 || limit < 1024)
			limit = 65530;
		if (f)
			fclose(f);
		limit -= 256; /* the runtime's own */
	}
	return limit;
}

int vspace_frame_fd(struct vspace *vs, struct frame *f, uint8_t vm_rights, int *fd)
{
	*fd = -1;
	if (vs->mapped_count >= mapping_limit()) {
		host_resource_exhausted(HOST_MAPPINGS, ENOMEM,
					"mapping a frame (vm.max_map_count)");
		return -ENOMEM;
	}
	if (!vs->proc || vs->lost || !host_rights(vm_rights) || f->mmio)
		return 0;
	int r = pd_proc_may_map(vs->proc, frame_size(f));
	if (r < 0) {
		host_resource_exhausted(HOST_MAPPINGS, ENOMEM,
					"mapping a frame (the PD process's address-space limit)");
		return -ENOMEM;
	}
	r = frame_open_for_pd(f, vm_rights == VM_READ_WRITE);
	if (r < 0)
		return r;
	*fd = r;
	return 0;
}

/*
 * The host lost rights at seq: no thread of the PD runs before its runtime
 * carried that out, and the invoking thread waits for it too while threads
 * of the PD may be running (as seL4 waits for a TLB shootdown).
 */
static void host_restricted(struct vspace *vs, uint64_t seq)
{
	pd_proc_set_barrier(vs->proc);
	if (vs->proc->executing && ks_cur_thread)
		host_thread_await_proc(ks_cur_thread, vs->proc, seq);
}

/*
 * The host side of a mapping, with fd from vspace_frame_fd (consumed; -1:
 * the shadow's truth when the command is sent): only readable or writable
 * mappings exist there.
 */
static int host_map_fd(struct vspace *vs, struct frame *f, uint64_t vaddr, uint8_t vm_rights,
		       int fd)
{
	if (!vs->proc || vs->lost) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	/* an emulated device's registers are never host memory: every access traps */
	if (!host_rights(vm_rights) || f->mmio) {
		host_restricted(vs, pd_proc_unmap(vs->proc, vaddr, frame_size(f)));
		return 0;
	}
	pd_proc_map(vs->proc, vaddr, frame_size(f), fd, vm_rights == VM_READ_WRITE);
	return 0;
}

/* A mapping the shadow holds, for the host when the command is sent. */
static int host_map(struct vspace *vs, struct frame *f, uint64_t vaddr, uint8_t vm_rights)
{
	return host_map_fd(vs, f, vaddr, vm_rights, -1);
}

static void host_unmap(struct vspace *vs, uint64_t vaddr, uint64_t size)
{
	if (!vs->proc || vs->lost || vaddr >= SIM_USER_TOP)
		return;
	if (size > SIM_USER_TOP - vaddr)
		size = SIM_USER_TOP - vaddr;
	host_restricted(vs, pd_proc_unmap(vs->proc, vaddr, size));
}

/*
 * pd_mapping_of: what the shadow maps at vaddr of a process's VSpace, with
 * a file to send: 1, 0 if nothing is mapped there, or a negative errno.
 */
static int vspace_host_mapping(struct pd_proc *p, uint64_t vaddr, struct pd_mapping *m)
{
	struct vspace *vs = p->owner;
	uint64_t off;
	uint8_t rights;
	struct frame *f = vs ? vspace_lookup_frame(vs, vaddr, &off, &rights) : NULL;
	if (!f || off != 0 || !host_rights(rights) || f->mmio)
		return 0;
	m->fd = frame_open_for_pd(f, rights == VM_READ_WRITE);
	m->size = frame_size(f);
	m->writable = rights == VM_READ_WRITE;
	return m->fd < 0 ? m->fd : 1;
}

/* The VSpace's process may map what its tables reach (RLIMIT_AS). */
static void limit_memory(struct vspace *vs)
{
	if (vs->proc && !vs->lost)
		pd_proc_limit_memory(vs->proc, vs->mapped_bytes);
}

/* A frame entry appeared (sign 1) or went (-1). */
static void count_mapping(struct vspace *vs, const struct frame *f, int sign)
{
	vs->mapped_bytes += (uint64_t)(int64_t)sign * frame_size(f);
	vs->mapped_count += (unsigned long)(long)sign;
}

/* Add (sign 1) or remove the frames below table t to what the VSpace maps. */
static void count_table(struct vspace *vs, const struct paging *t, int sign)
{
	for (unsigned c = 0; c < PAGING_CHUNKS; c++) {
		const struct paging_entry *chunk = t->chunk[c];
		for (unsigned i = 0; chunk && i < PAGING_CHUNK_ENTRIES; i++) {
			if (entry_frame(&chunk[i]))
				count_mapping(vs, entry_frame(&chunk[i]), sign);
			else if (entry_table(&chunk[i]))
				count_table(vs, entry_table(&chunk[i]), sign);
		}
	}
}

static int replay_table(struct vspace *vs, struct paging *t, uint64_t base)
{
	for (unsigned i = 0; i < PAGING_ENTRIES; i++) {
		if (!t->chunk[i / PAGING_CHUNK_ENTRIES]) {
			i += PAGING_CHUNK_ENTRIES - 1;
			continue;
		}
		const struct paging_entry *e = paging_entry(t, i);
		uint64_t vaddr = base | ((uint64_t)i << (12 + 9 * (t->level - 1)));
		struct frame *f = entry_frame(e);
		struct paging *next = entry_table(e);
		if (f && host_map(vs, f, vaddr, entry_rights(e)) != 0)
			return -1;
		if (next && replay_table(vs, next, vaddr) != 0)
			return -1;
	}
	return 0;
}

void vspace_set_table(struct vspace *vs, struct paging_entry *e, struct paging *t, uint64_t vaddr)
{
	entry_set_table(e, t);
	count_table(vs, t, 1);
	limit_memory(vs);
	replay_table(vs, t, vaddr & ~(paging_span(t->level + 1) - 1));
}

int vspace_set_frame(struct vspace *vs, struct paging_entry *e, struct frame *f, uint64_t vaddr,
		     uint8_t vm_rights, int fd)
{
	struct frame *old = entry_frame(e);
	if (old)
		count_mapping(vs, old, -1);
	count_mapping(vs, f, 1);
	limit_memory(vs);
	bool replaces = old != NULL;
	entry_set_frame(e, f, vm_rights);
	trace_map(vs, vaddr, f, vm_rights);
	int status = host_map_fd(vs, f, vaddr, vm_rights, fd);
	/*
	 * A new mapping may land after the invocation returns (a touch before
	 * then is filled from the shadow), but fewer rights or another frame
	 * must hold from the return on.
	 */
	if (status == 0 && replaces && vs->proc && !vs->lost)
		host_restricted(vs, vs->proc->queued_seq);
	return status;
}

int vspace_install_table(struct vspace *vs, struct paging *table, uint64_t vaddr)
{
	struct paging_entry *e = vspace_lookup_slot(vs, vaddr, table->level + 1);
	if (!e || e->word)
		return -1;
	vspace_set_table(vs, e, table, vaddr);
	return 0;
}

int vspace_map_frame(struct vspace *vs, struct frame *f, uint64_t vaddr, uint8_t vm_rights)
{
	struct paging_entry *e = vspace_lookup_slot(vs, vaddr, frame_level(f));
	int fd;
	if (!e || entry_table(e) || vspace_frame_fd(vs, f, vm_rights, &fd) != 0)
		return -1;
	return vspace_set_frame(vs, e, f, vaddr, vm_rights, fd);
}

struct frame *vspace_lookup_frame(struct vspace *vs, uint64_t vaddr, uint64_t *offset,
				  uint8_t *vm_rights)
{
	struct paging *t = &vs->root;
	for (;;) {
		const struct paging_entry *e = paging_entry(t, paging_index(t->level, vaddr));
		struct frame *f = entry_frame(e);
		if (f) {
			if (offset)
				*offset = vaddr & (frame_size(f) - 1);
			if (vm_rights)
				*vm_rights = entry_rights(e);
			return f;
		}
		if (t->level == PAGING_PT || !entry_table(e))
			return NULL;
		t = entry_table(e);
	}
}

void vspace_unmap_frame(uint16_t asid, struct frame *f, uint64_t vaddr)
{
	struct vspace *vs = asid_lookup(asid);
	if (!vs)
		return;
	struct paging_entry *e = vspace_lookup_slot(vs, vaddr, frame_level(f));
	if (!e || entry_frame(e) != f)
		return;
	e->word = 0;
	count_mapping(vs, f, -1);
	trace_map(vs, vaddr, f, 0);
	host_unmap(vs, vaddr, frame_size(f));
	limit_memory(vs);
}

void vspace_unmap_table(uint16_t asid, struct paging *table, uint64_t vaddr)
{
	struct vspace *vs = asid_lookup(asid);
	struct paging_entry *e = vs ? vspace_lookup_slot(vs, vaddr, table->level + 1) : NULL;
	if (!e || entry_table(e) != table) {
		paging_clear(table);
		return;
	}
	count_table(vs, table, -1);
	paging_clear(table);
	e->word = 0;
	uint64_t span = paging_span(table->level + 1);
	host_unmap(vs, vaddr & ~(span - 1), span);
	limit_memory(vs);
}

/* The VSpace's process died: its threads fault when they would run. */
static void vspace_process_died(struct pd_proc *p, int wstatus)
{
	struct vspace *vs = p->owner;
	if (WIFSIGNALED(wstatus))
		kprintf("kernel-sim: PD process %d (%s) was killed by signal %d\n", (int)p->pid,
			vs->name, WTERMSIG(wstatus));
	else
		kprintf("kernel-sim: PD process %d (%s) exited with status %d\n", (int)p->pid,
			vs->name, WEXITSTATUS(wstatus));
	if (vs->start_traced)
		trace_pd(p, TRACE_PD_LOST, wstatus);
	vs->start_traced = false;
	vs->proc = NULL;
	host_thread_process_lost(p);
	vspace_lost(vs, wstatus);
	pd_proc_destroy(p);
}

void vspace_lost(struct vspace *vs, int wstatus)
{
	vs->lost = true;
	vs->lost_status = wstatus;
	thread_vspace_lost(vs);
}

static bool resolver_set;

struct pd_proc *vspace_process(struct vspace *vs)
{
	if (vs->proc || vs->lost)
		return vs->proc;
	if (!resolver_set) {
		pd_mapping_of = vspace_host_mapping;
		resolver_set = true;
	}
	if (!vs->named && !vs->name[0])
		snprintf(vs->name, sizeof(vs->name), "pd %u", vs->asid);
	vs->proc = pd_proc_create(vs->name);
	if (!vs->proc)
		return NULL; /* the host resource that ran out has said so */
	vs->proc->owner = vs;
	vs->proc->on_exit = vspace_process_died;
	vspace_replay(vs);
	return vs->proc;
}

struct pd_proc *vspace_process_to_run(struct vspace *vs)
{
	struct pd_proc *p = vspace_process(vs);
	if (p && !vs->start_traced) {
		/* by now a PD is usually named after its thread */
		trace_pd(p, TRACE_PD_START, 0);
		vs->start_traced = true;
	}
	return p;
}

void vspace_invalidate_asid(struct vspace *vs)
{
	vs->asid = 0;
	if (vs->proc) {
		if (vs->start_traced)
			trace_pd(vs->proc, TRACE_PD_END, 0);
		vs->start_traced = false;
		pd_proc_destroy(vs->proc);
		vs->proc = NULL;
	}
}

void vspace_destroy(struct vspace *vs)
{
	if (vs->asid) {
		struct asid_pool *pool = asid_table[vs->asid >> ASID_LOW_BITS];
		unsigned low = vs->asid & ((1u << ASID_LOW_BITS) - 1);
		if (pool && pool->entry[low] == vs)
			pool->entry[low] = NULL;
	}
	vspace_invalidate_asid(vs);
	paging_clear(&vs->root);
	free(vs);
}

int vspace_replay(struct vspace *vs)
{
	limit_memory(vs);
	return replay_table(vs, &vs->root, 0);
}

int vspace_read(struct vspace *vs, uint64_t vaddr, void *buf, size_t len)
{
	char *out = buf;
	while (len > 0) {
		uint64_t off;
		struct frame *f = vspace_lookup_frame(vs, vaddr, &off, NULL);
		if (!f || f->mmio)
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

bool vspace_fill_fault(struct vspace *vs, uint64_t vaddr, bool write)
{
	uint64_t off;
	uint8_t rights;
	struct frame *f = vspace_lookup_frame(vs, vaddr, &off, &rights);
	if (!f || !vs->proc || f->mmio)
		return false;
	if (rights != VM_READ_WRITE && (rights != VM_READ_ONLY || write))
		return false;
	/*
	 * Its file now, so that a host out of descriptors or memory gives
	 * the thread its VMFault (said once) instead of a fault it would take
	 * again and again.
	 */
	int fd = frame_open_for_pd(f, rights == VM_READ_WRITE);
	if (fd < 0)
		return false;
	/* The thread must not run again before the mapping is there. */
	host_map_fd(vs, f, vaddr - off, rights, fd);
	pd_proc_set_barrier(vs->proc);
	return true;
}

void vspace_name(struct vspace *vs, const char *name)
{
	if (vs->named)
		return;
	vs->named = true;
	snprintf(vs->name, sizeof(vs->name), "%s", name);
	if (vs->proc)
		pd_proc_set_name(vs->proc, vs->name);
}
