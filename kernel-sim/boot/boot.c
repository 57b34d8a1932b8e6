#include "boot.h"
#include "../kernel/trace.h"
#include "elf.h"
#include "../host/pd.h"
#include "../kernel/asid.h"
#include "../kernel/cdt.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../object/cnode.h"
#include "../object/frame.h"
#include "../object/untyped.h"
#include "../object/vspace.h"
#include <sel4/bootinfo.h>
#include <sim/layout.h>

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PAGE		   seL4_PageSize
#define IT_ASID		   1	   /* seL4 gives the initial thread ASID 1 */
#define FLAGS_USER_DEFAULT 0x202ul /* IF and the reserved bit, as seL4 starts threads */

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

/* The root-server region: objects of the initial thread, in simulated RAM. */
static uint64_t rs_cur, rs_end;

static int rs_alloc(unsigned size_bits, uint64_t *paddr)
{
	uint64_t size = 1ul << size_bits;
	uint64_t a = (rs_cur + size - 1) & ~(size - 1);
	if (a + size > rs_end || a + size < a)
		return -1;
	rs_cur = a + size;
	*paddr = a;
	return 0;
}

struct boot_state {
	struct cnode *root;
	seL4_Word next_slot;
	seL4_BootInfo *bi;
	struct vspace *vs;
};

static int provide_cap(struct boot_state *b, struct cap cap, seL4_SlotPos *slot)
{
	if (b->next_slot >= (1ul << seL4_RootCNodeSizeBits))
		return -1;
	struct cte *slot_cte = cnode_slot(b->root, b->next_slot);
	if (!slot_cte)
		return -1;
	cte_write_original(slot_cte, cap);
	if (slot)
		*slot = b->next_slot;
	b->next_slot++;
	return 0;
}

/* The cap of a frame the boot mapped: it counts as a mapping of the frame. */
static struct cap frame_cap(struct frame *f, struct vspace *vs, uint64_t vaddr)
{
	struct cap c = {.type = cap_frame_cap};
	frame_cap_mapped(f);
	c.frame.frame = f;
	c.frame.vm_rights = VM_READ_WRITE;
	c.frame.mapped_asid = vs->asid;
	c.frame.mapped_addr = vaddr;
	return c;
}

/* A 4 KiB frame of the root server, mapped at vaddr, its cap in the next slot. */
static struct frame *it_frame(struct boot_state *b, uint64_t vaddr, uint8_t rights,
			      seL4_SlotPos *slot)
{
	uint64_t paddr;
	if (rs_alloc(seL4_PageBits, &paddr) != 0)
		return NULL;
	struct frame *f = frame_create(paddr, seL4_PageBits, false);
	if (!f)
		return NULL;
	if (vspace_map_frame(b->vs, f, vaddr, rights) != 0 ||
	    (slot && provide_cap(b, frame_cap(f, b->vs, vaddr), slot) != 0)) {
		frame_destroy(f);
		return NULL;
	}
	return f;
}

static int write_frame(struct frame *f, uint64_t off, const void *src, size_t len)
{
	char *k = frame_kaddr(f);
	if (!k)
		return -1;
	memcpy(k + off, src, len);
	return 0;
}

/* The paging structures that cover [lo, hi), level by level (seL4's order). */
static int create_it_address_space(struct boot_state *b, uint64_t lo, uint64_t hi)
{
	static const struct {
		enum paging_level level;
		enum cap_type type;
		unsigned shift;
	} levels[] = {
	    {PAGING_PDPT, cap_pdpt_cap, 39},
	    {PAGING_PD, cap_page_directory_cap, 30},
	    {PAGING_PT, cap_page_table_cap, 21},
	};
	b->bi->userImagePaging.start = b->next_slot;
	for (unsigned l = 0; l < 3; l++) {
		uint64_t step = 1ul << levels[l].shift;
		for (uint64_t v = lo & ~(step - 1); v < hi; v += step) {
			uint64_t paddr;
			if (rs_alloc(seL4_PageTableBits, &paddr) != 0)
				return -1;
			struct paging *t = paging_create(levels[l].level, paddr);
			if (!t || vspace_install_table(b->vs, t, v) != 0)
				return -1;
			struct cap c = {.type = levels[l].type};
			c.paging.table = t;
			c.paging.mapped_asid = b->vs->asid;
			c.paging.mapped_addr = v;
			if (provide_cap(b, c, NULL) != 0)
				return -1;
		}
	}
	b->bi->userImagePaging.end = b->next_slot;
	return 0;
}

/* Which host file each boot frame holds, for debuggers (boot_file_at). */
static struct boot_file {
	uint64_t lo, hi;
	char *path;
} boot_files[SIM_BOOT_FILES_MAX];
static unsigned boot_file_count;

static void note_frame(unsigned file, const struct frame *f)
{
	struct boot_file *bf = &boot_files[file];
	uint64_t end = f->obj.paddr + PAGE;
	if (!bf->hi || f->obj.paddr < bf->lo)
		bf->lo = f->obj.paddr;
	if (end > bf->hi)
		bf->hi = end;
}

static void note_file(unsigned file, const char *path)
{
	if (file >= SIM_BOOT_FILES_MAX)
		return;
	free(boot_files[file].path);
	boot_files[file].path = realpath(path, NULL);
	if (file >= boot_file_count)
		boot_file_count = file + 1;
}

const char *boot_file_at(uint64_t paddr)
{
	for (unsigned i = 0; i < boot_file_count; i++)
		if (boot_files[i].path && paddr >= boot_files[i].lo && paddr < boot_files[i].hi)
			return boot_files[i].path;
	return NULL;
}

static int load_image(struct boot_state *b, const struct elf_image *img)
{
	b->bi->userImageFrames.start = b->next_slot;
	for (uint64_t v = img->lo; v < img->hi; v += PAGE) {
		bool writable = false;
		for (unsigned i = 0; i < img->count; i++) {
			const struct elf_segment *s = &img->seg[i];
			if (s->vaddr < v + PAGE && s->vaddr + s->memsz > v && (s->flags & PF_W))
				writable = true;
		}
		struct frame *f = it_frame(b, v, writable ? VM_READ_WRITE : VM_READ_ONLY, NULL);
		if (!f || provide_cap(b, frame_cap(f, b->vs, v), NULL) != 0)
			return -1;
		note_frame(0, f);
		for (unsigned i = 0; i < img->count; i++) {
			const struct elf_segment *s = &img->seg[i];
			uint64_t from = s->vaddr > v ? s->vaddr : v;
			uint64_t to =
			    s->vaddr + s->filesz < v + PAGE ? s->vaddr + s->filesz : v + PAGE;
			if (from < to &&
			    write_frame(f, from - v, img->data + s->offset + (from - s->vaddr),
					to - from) != 0)
				return -1;
		}
		frame_kunmap(f);
	}
	b->bi->userImageFrames.end = b->next_slot;
	return 0;
}

struct module {
	const char *path;
	uint8_t *data;
	size_t size;
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Map each module read-only at its place and describe it for the root task. */
static int load_modules(struct boot_state *b, const struct module *mods, int count, uint64_t vaddr,
			sim_BootModules *ext)
{
	ext->count = (seL4_Word)count;
	for (int m = 0; m < count; m++) {
		sim_BootModule *d = &ext->module[m];
		d->vaddr = vaddr;
		d->size = mods[m].size;
		strncpy(d->name, base_name(mods[m].path), SIM_MODULE_NAME_MAX - 1);
		d->frames.start = b->next_slot;
		note_file((unsigned)m + 1, mods[m].path);
		for (size_t off = 0; off < mods[m].size; off += PAGE, vaddr += PAGE) {
			struct frame *f = it_frame(b, vaddr, VM_READ_ONLY, NULL);
			if (!f || provide_cap(b, frame_cap(f, b->vs, vaddr), NULL) != 0)
				return -1;
			if (m + 1 < SIM_BOOT_FILES_MAX)
				note_frame((unsigned)m + 1, f);
			size_t n = mods[m].size - off < PAGE ? mods[m].size - off : PAGE;
			if (write_frame(f, 0, mods[m].data + off, n) != 0)
				return -1;
			frame_kunmap(f);
		}
		d->frames.end = b->next_slot;
	}
	return 0;
}

struct untyped_emit {
	struct boot_state *b;
	bool device;
};

/* One untyped of the boot info: a cap in the next slot and its descriptor. */
static int emit_untyped(uint64_t paddr, unsigned bits, void *ctx)
{
	struct untyped_emit *e = ctx;
	seL4_Word n = e->b->next_slot - e->b->bi->untyped.start;
	if (n >= CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS) {
		kprintf("kernel-sim: too many untypeds, dropping the one at 0x%lx\n",
			(unsigned long)paddr);
		return 0;
	}
	struct cap c = {.type = cap_untyped_cap};
	c.untyped.paddr = paddr;
	c.untyped.size_bits = (uint8_t)bits;
	c.untyped.is_device = e->device;
	if (provide_cap(e->b, c, NULL) != 0)
		return -1;
	e->b->bi->untypedList[n] =
	    (seL4_UntypedDesc){.paddr = paddr, .sizeBits = (uint8_t)bits, .isDevice = e->device};
	return 0;
}

static int create_untypeds_for_region(struct boot_state *b, uint64_t start, uint64_t end,
				      bool device)
{
	struct untyped_emit e = {b, device};
	return untyped_split_region(start, end, emit_untyped, &e);
}

static int create_untypeds(struct boot_state *b, uint64_t ram_free, uint64_t ram_end)
{
	b->bi->untyped.start = b->next_slot;
	if (create_untypeds_for_region(b, 0, SIM_RAM_PADDR, true) != 0 ||
	    create_untypeds_for_region(b, ram_end, SIM_PADDR_TOP, true) != 0 ||
	    create_untypeds_for_region(b, ram_free, ram_end, false) != 0)
		return -1;
	b->bi->untyped.end = b->next_slot;
	return 0;
}

static struct tcb *create_initial_thread(struct boot_state *b, uint64_t entry, uint64_t ipcbuf,
					 uint64_t bi_vaddr)
{
	uint64_t paddr;
	if (rs_alloc(seL4_TCBBits, &paddr) != 0)
		return NULL;
	struct tcb *t = tcb_create(paddr);
	if (!t)
		return NULL;
	struct cte *cnode = cnode_slot(b->root, seL4_CapInitThreadCNode);
	struct cte *vspace = cnode_slot(b->root, seL4_CapInitThreadVSpace);
	struct cte *ipcbuf_cap = cnode_slot(b->root, seL4_CapInitThreadIPCBuffer);
	struct cte *tcb_cap = cnode_slot(b->root, seL4_CapInitThreadTCB);
	cte_insert(cnode->cap, cnode, &t->ctes[tcbCTable]);
	cte_insert(vspace->cap, vspace, &t->ctes[tcbVTable]);
	cte_insert(ipcbuf_cap->cap, ipcbuf_cap, &t->ctes[tcbBuffer]);
	frame_cap_mapped(t->ctes[tcbBuffer].cap.frame.frame);
	t->ipc_buffer = ipcbuf;
	t->priority = seL4_MaxPrio;
	t->mcp = seL4_MaxPrio;
	t->regs.rip = entry;
	t->next_ip = entry;
	t->regs.capRegister = bi_vaddr;
	t->regs.rflags = FLAGS_USER_DEFAULT;
	strcpy(t->name, "rootserver");
	struct cap tc = {.type = cap_thread_cap};
	tc.thread.tcb = t;
	cte_write_original(tcb_cap, tc);
	setup_reply_master(t);
	return t;
}

static int read_modules(const struct boot_args *a, struct module *mods)
{
	for (int i = 0; i < a->module_count; i++) {
		mods[i].path = a->modules[i];
		if (read_file(a->modules[i], &mods[i].data, &mods[i].size) != 0) {
			kprintf("kernel-sim: cannot read module %s: %s\n", a->modules[i],
				strerror(errno));
			return -1;
		}
		if (strlen(base_name(a->modules[i])) >= SIM_MODULE_NAME_MAX) {
			kprintf("kernel-sim: module name %s is longer than %d characters\n",
				base_name(a->modules[i]), SIM_MODULE_NAME_MAX - 1);
			return -1;
		}
	}
	return 0;
}

static struct tcb *build(const struct boot_args *a, const struct elf_image *img,
			 const struct module *mods)
{
	struct boot_state b = {.next_slot = seL4_NumInitialCaps};
	uint64_t ram_end = SIM_RAM_PADDR + a->memory;
	rs_cur = SIM_RAM_PADDR;
	rs_end = ram_end;

	/* Virtual layout: image, modules, IPC buffer, boot info, extra boot info. */
	uint64_t v = img->hi;
	uint64_t mod_vaddr = v;
	for (int i = 0; i < a->module_count; i++)
		v += page_up(mods[i].size);
	uint64_t ipcbuf = v;
	uint64_t bi_vaddr = ipcbuf + PAGE;
	/* Extra boot info: the modules chunk, then seL4's TSC frequency chunk. */
	size_t modules_len =
	    sizeof(sim_BootModules) + (size_t)a->module_count * sizeof(sim_BootModule);
	size_t extra_len = modules_len + sizeof(seL4_BootInfoHeader) + sizeof(uint32_t);
	uint64_t extra_vaddr = bi_vaddr + PAGE;
	uint64_t it_end = extra_vaddr + page_up(extra_len);
	if (!sim_user_range(img->hi, it_end - img->hi)) {
		kprintf("kernel-sim: root task and modules do not fit in the user window\n");
		return NULL;
	}

	uint64_t paddr, asid_paddr, bi_paddr;
	if (rs_alloc(seL4_RootCNodeSizeBits + seL4_SlotBits, &paddr) != 0)
		goto no_memory;
	b.root = cnode_create(paddr, seL4_RootCNodeSizeBits);
	if (rs_alloc(seL4_PML4Bits, &paddr) != 0 || rs_alloc(seL4_ASIDPoolBits, &asid_paddr) != 0 ||
	    rs_alloc(seL4_PageBits, &bi_paddr) != 0)
		goto no_memory;
	b.vs = vspace_create(paddr);
	struct asid_pool *pool = calloc(1, sizeof(*pool));
	seL4_BootInfo *bi = calloc(1, sizeof(*bi));
	sim_BootModules *ext = calloc(1, extra_len);
	if (!b.root || !b.vs || !pool || !bi || !ext) {
		kprintf("kernel-sim: out of host memory at boot\n");
		return NULL;
	}
	b.bi = bi;
	pool->obj.paddr = asid_paddr;
	pool->obj.size_bits = seL4_ASIDPoolBits;
	pool->entry[IT_ASID] = b.vs;
	b.vs->asid = IT_ASID;
	asid_table[0] = pool;

	/* The fixed initial capabilities (seL4_RootCNodeCapSlots). */
	if (!cnode_slot(b.root, 0))
		goto no_memory; /* their chunk exists from here on */
	cte_write_original(cnode_slot(b.root, seL4_CapInitThreadCNode),
			   cap_cnode_new(b.root, seL4_WordBits - seL4_RootCNodeSizeBits, 0));
	struct cap c = {.type = cap_pml4_cap};
	c.pml4.vspace = b.vs;
	c.pml4.mapped_asid = IT_ASID;
	cte_write_original(cnode_slot(b.root, seL4_CapInitThreadVSpace), c);
	cte_write_original(cnode_slot(b.root, seL4_CapIRQControl),
			   (struct cap){.type = cap_irq_control_cap});
	cte_write_original(cnode_slot(b.root, seL4_CapASIDControl),
			   (struct cap){.type = cap_asid_control_cap});
	c = (struct cap){.type = cap_asid_pool_cap};
	c.asid_pool.pool = pool;
	c.asid_pool.asid_base = 0;
	cte_write_original(cnode_slot(b.root, seL4_CapInitThreadASIDPool), c);
	c = (struct cap){.type = cap_io_port_control_cap};
	cte_write_original(cnode_slot(b.root, seL4_CapIOPortControl), c);
	cte_write_original(cnode_slot(b.root, seL4_CapDomain),
			   (struct cap){.type = cap_domain_cap});

	if (create_it_address_space(&b, img->lo, it_end) != 0)
		goto no_memory;

	/* Boot info frame, extra boot info, IPC buffer, image, modules. */
	struct frame *bif = frame_create(bi_paddr, seL4_PageBits, false);
	if (!bif || vspace_map_frame(b.vs, bif, bi_vaddr, VM_READ_WRITE) != 0)
		goto no_memory;
	cte_write_original(cnode_slot(b.root, seL4_CapBootInfoFrame),
			   frame_cap(bif, b.vs, bi_vaddr));
	bi->extraBIPages.start = b.next_slot;
	struct frame *extra[64];
	size_t extra_pages = page_up(extra_len) / PAGE;
	if (extra_pages > 64) {
		kprintf("kernel-sim: too many boot modules\n");
		return NULL;
	}
	for (size_t i = 0; i < extra_pages; i++) {
		seL4_SlotPos slot;
		if (!(extra[i] = it_frame(&b, extra_vaddr + i * PAGE, VM_READ_WRITE, &slot)))
			goto no_memory;
	}
	bi->extraBIPages.end = b.next_slot;
	struct frame *ipcf = it_frame(&b, ipcbuf, VM_READ_WRITE, NULL);
	if (!ipcf)
		goto no_memory;
	cte_write_original(cnode_slot(b.root, seL4_CapInitThreadIPCBuffer),
			   frame_cap(ipcf, b.vs, ipcbuf));
	if (load_image(&b, img) != 0 ||
	    load_modules(&b, mods, a->module_count, mod_vaddr, ext) != 0)
		goto no_memory;

	struct tcb *t = create_initial_thread(&b, img->entry, ipcbuf, bi_vaddr);
	if (!t)
		goto no_memory;

	/* Everything after the root server's objects becomes untyped memory. */
	if (create_untypeds(&b, rs_cur, ram_end) != 0)
		goto no_memory;
	bi->empty.start = b.next_slot;
	bi->empty.end = 1ul << seL4_RootCNodeSizeBits;
	bi->nodeID = 0;
	bi->numNodes = 1;
	bi->ipcBuffer = (seL4_IPCBuffer *)ipcbuf;
	bi->initThreadCNodeSizeBits = seL4_RootCNodeSizeBits;
	bi->extraLen = extra_len;
	ext->header.id = SEL4_BOOTINFO_HEADER_SIM_MODULES;
	ext->header.len = modules_len;
	seL4_BootInfoHeader tsc = {SEL4_BOOTINFO_HEADER_X86_TSC_FREQ,
				   sizeof(seL4_BootInfoHeader) + sizeof(uint32_t)};
	memcpy((char *)ext + modules_len, &tsc, sizeof(tsc));
	memcpy((char *)ext + modules_len + sizeof(tsc), &a->tsc_mhz, sizeof(uint32_t));

	if (write_frame(bif, 0, bi, sizeof(*bi)) != 0)
		goto no_memory;
	for (size_t i = 0; i < extra_pages; i++) {
		size_t n = extra_len - i * PAGE < PAGE ? extra_len - i * PAGE : PAGE;
		if (write_frame(extra[i], 0, (char *)ext + i * PAGE, n) != 0)
			goto no_memory;
		frame_kunmap(extra[i]);
	}
	frame_kunmap(bif);
	free(bi);
	free(ext);
	return t;

no_memory:
	kprintf("kernel-sim: not enough memory for the root task (--memory %luM)\n",
		(unsigned long)(a->memory >> 20));
	return NULL;
}

struct pd_proc *boot_system(const struct boot_args *a)
{
	struct elf_image img;
	char err[128];
	if (elf_load(a->root_task, &img, err, sizeof(err)) != 0) {
		kprintf("kernel-sim: cannot load root task %s: %s\n", a->root_task, err);
		return NULL;
	}
	struct module *mods = calloc((size_t)a->module_count + 1, sizeof(*mods));
	struct tcb *t = NULL;
	note_file(0, a->root_task);
	if (mods && read_modules(a, mods) == 0)
		t = build(a, &img, mods);
	for (int i = 0; mods && i < a->module_count; i++)
		free(mods[i].data);
	free(mods);
	elf_free(&img);
	if (!t)
		return NULL;

	struct vspace *vs = thread_vspace(t);
	/* "roottask" until the root task names its thread (core calls itself "core"). */
	strcpy(vs->name, "roottask");
	vs->proc = pd_proc_create(vs->name);
	if (!vs->proc)
		return NULL;
	vs->proc->owner = vs;
	trace_pd(vs->proc, TRACE_PD_START, 0);
	if (vspace_replay(vs) != 0) {
		kprintf("kernel-sim: cannot map the root task into its PD process\n");
		return NULL;
	}
	set_thread_state(t, ThreadState_Running);
	return vs->proc;
}
