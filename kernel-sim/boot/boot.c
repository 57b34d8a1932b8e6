#include "boot.h"
#include "../kernel/trace.h"
#include "elf.h"
#include "memmap.h"
#include "../devices/acpi.h"
#include "../host/file.h"
#include "../host/pd.h"
#include "../kernel/asid.h"
#include "../kernel/cdt.h"
#include "../kernel/log.h"
#include "../kernel/schedule.h"
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
	unsigned cnode_bits;
	seL4_Word next_slot;
	seL4_BootInfo *bi;
	struct vspace *vs;
};

static int provide_cap(struct boot_state *b, struct cap cap, seL4_SlotPos *slot)
{
	if (b->next_slot >= (1ul << b->cnode_bits))
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

static int emit_device_region(uint64_t start, uint64_t end, void *ctx)
{
	return create_untypeds_for_region(ctx, start, end, true);
}

/* Device memory first, then the free RAM, in address order (seL4's create_untypeds). */
static int create_untypeds(struct boot_state *b, const struct mem_range *ram, unsigned n,
			   uint64_t ram_free)
{
	b->bi->untyped.start = b->next_slot;
	if (memmap_devices(ram, n, emit_device_region, b) != 0 ||
	    create_untypeds_for_region(b, ram_free, ram[0].end, false) != 0 ||
	    (n > 1 && create_untypeds_for_region(b, ram[1].start, ram[1].end, false) != 0))
		return -1;
	b->bi->untyped.end = b->next_slot;
	return 0;
}

/*
 * The extra boot info, as x86 seL4 fills it: the ACPI RSDP, the firmware's
 * memory map, the TSC frequency; then sel4-sim's boot modules, if any.
 * Its length; *modules_at is the offset of the modules chunk.
 */
static size_t extra_boot_info(const struct boot_args *a, const struct mem_range *ram, unsigned n,
			      char *out, size_t *modules_at)
{
	size_t len = 0;
	seL4_BootInfoHeader h = {SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP, sizeof(h) + ACPI_RSDP_SIZE};
	if (out) {
		memcpy(out, &h, sizeof(h));
		acpi_rsdp(out + sizeof(h));
	}
	len += h.len;
	seL4_X86_BootInfo_mmap_t mmap;
	memset(&mmap, 0, sizeof(mmap));
	mmap.header = (seL4_BootInfoHeader){SEL4_BOOTINFO_HEADER_X86_MBMMAP, sizeof(mmap)};
	mmap.mmap_length =
	    (seL4_Uint32)(memmap_firmware(ram, n, mmap.mmap, SEL4_MULTIBOOT_MAX_MMAP_ENTRIES) *
			  sizeof(seL4_X86_mb_mmap_t));
	if (out)
		memcpy(out + len, &mmap, sizeof(mmap));
	len += sizeof(mmap);
	h = (seL4_BootInfoHeader){SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, sizeof(h) + sizeof(uint32_t)};
	if (out) {
		memcpy(out + len, &h, sizeof(h));
		memcpy(out + len + sizeof(h), &a->tsc_mhz, sizeof(uint32_t));
	}
	len += h.len;
	if (a->module_count && len % sizeof(seL4_Word)) {
		/* sel4-sim's chunk is read as a struct: a padding chunk aligns it */
		h = (seL4_BootInfoHeader){SEL4_BOOTINFO_HEADER_PADDING,
					  sizeof(h) +
					      (sizeof(seL4_Word) - len % sizeof(seL4_Word))};
		if (out)
			memcpy(out + len, &h, sizeof(h));
		len += h.len;
	}
	*modules_at = len;
	if (a->module_count)
		len += sizeof(sim_BootModules) + (size_t)a->module_count * sizeof(sim_BootModule);
	return len;
}

/* seL4 maps the extra boot info in a power-of-two region (calculate_extra_bi_size_bits). */
static size_t extra_region_size(size_t len)
{
	size_t size = PAGE;
	while (size < len)
		size <<= 1;
	return size;
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

/* The root CNode's slots: no module can be larger than its frames would fill. */
static unsigned long root_slots(const struct boot_args *a)
{
	return 1ul << a->root_cnode_bits;
}

/* Modules are named by base name: each must have its own, and fit the boot info. */
static int check_module_name(const struct boot_args *a, int i)
{
	const char *name = base_name(a->modules[i]);
	if (!name[0] || strlen(name) >= SIM_MODULE_NAME_MAX) {
		kprintf("kernel-sim: boot module %s: its name must have 1 to %d characters\n",
			a->modules[i], SIM_MODULE_NAME_MAX - 1);
		return -1;
	}
	for (int k = 0; k < i; k++)
		if (!strcmp(base_name(a->modules[k]), name)) {
			kprintf("kernel-sim: boot modules %s and %s have the same name '%s'; "
				"each module needs a name of its own\n",
				a->modules[k], a->modules[i], name);
			return -1;
		}
	return 0;
}

static int read_modules(const struct boot_args *a, struct module *mods)
{
	for (int i = 0; i < a->module_count; i++) {
		char why[128];
		mods[i].path = a->modules[i];
		if (check_module_name(a, i) != 0)
			return -1;
		if (host_file_read(a->modules[i], root_slots(a) * PAGE, &mods[i].data,
				   &mods[i].size, why, sizeof(why)) != 0) {
			if (strstr(why, "larger than"))
				kprintf(
				    "kernel-sim: boot module %s %s, more than the 4 KiB frames of "
				    "the root CNode's 2^%u slots hold (--root-cnode-bits)\n",
				    a->modules[i], why, a->root_cnode_bits);
			else
				kprintf("kernel-sim: boot module %s %s\n", a->modules[i], why);
			return -1;
		}
	}
	return 0;
}

static int count_untyped(uint64_t paddr, unsigned bits, void *ctx)
{
	(void)paddr;
	(void)bits;
	(*(seL4_Word *)ctx)++;
	return 0;
}

static int count_device_region(uint64_t start, uint64_t end, void *ctx)
{
	return untyped_split_region(start, end, count_untyped, ctx);
}

/* The most untyped caps the boot info can get: the device ones, and RAM split by alignment. */
static seL4_Word untyped_slots(const struct mem_range *ram, unsigned n)
{
	seL4_Word count = 0;
	memmap_devices(ram, n, count_device_region, &count);
	for (unsigned i = 0; i < n; i++)
		count += 2 * (64 - (seL4_Word)__builtin_clzl(ram[i].end - ram[i].start));
	return count < CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS ? count
							    : CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS;
}

/* Paging structures covering [lo, hi): what create_it_address_space makes. */
static seL4_Word paging_slots(uint64_t lo, uint64_t hi)
{
	seL4_Word n = 0;
	for (unsigned shift = 21; shift <= 39; shift += 9)
		n += ((hi - 1) >> shift) - (lo >> shift) + 1;
	return n;
}

/*
 * Every cap of the boot must fit in the root CNode: say which module would
 * not, and why, before anything is built.
 */
static int check_root_cnode(const struct boot_args *a, const struct elf_image *img,
			    const struct module *mods, uint64_t it_end, size_t extra_pages,
			    const struct mem_range *ram, unsigned ram_ranges)
{
	seL4_Word fixed = seL4_NumInitialCaps + paging_slots(img->lo, it_end) + extra_pages +
			  (img->hi - img->lo) / PAGE + untyped_slots(ram, ram_ranges);
	seL4_Word used = fixed;
	for (int m = 0; m < a->module_count; m++) {
		seL4_Word frames = page_up(mods[m].size) / PAGE;
		if (used + frames > root_slots(a)) {
			kprintf("kernel-sim: boot module %s (%zu bytes) does not fit: its %lu "
				"frames would take the root CNode past its %lu slots "
				"(--root-cnode-bits %u; the root task, its boot info and the "
				"untypeds take %lu, the modules before it %lu)\n",
				mods[m].path, mods[m].size, (unsigned long)frames, root_slots(a),
				a->root_cnode_bits, (unsigned long)fixed,
				(unsigned long)(used - fixed));
			return -1;
		}
		used += frames;
	}
	return 0;
}

static struct tcb *build(const struct boot_args *a, const struct elf_image *img,
			 const struct module *mods)
{
	struct boot_state b = {.next_slot = seL4_NumInitialCaps, .cnode_bits = a->root_cnode_bits};
	struct mem_range ram[MEMMAP_MAX_RAM];
	unsigned ram_ranges = memmap_ram(a->memory, ram);
	rs_cur = ram[0].start;
	rs_end = ram[0].end;

	/* Virtual layout: image, modules, IPC buffer, boot info, extra boot info. */
	uint64_t v = img->hi;
	uint64_t mod_vaddr = v;
	for (int i = 0; i < a->module_count; i++)
		v += page_up(mods[i].size);
	uint64_t ipcbuf = v;
	uint64_t bi_vaddr = ipcbuf + PAGE;
	size_t modules_at;
	size_t extra_len = extra_boot_info(a, ram, ram_ranges, NULL, &modules_at);
	size_t extra_size = extra_region_size(extra_len);
	uint64_t extra_vaddr = bi_vaddr + PAGE;
	uint64_t it_end = extra_vaddr + extra_size;
	if (!sim_user_range(img->hi, it_end - img->hi)) {
		kprintf("kernel-sim: root task and modules do not fit in the user window\n");
		return NULL;
	}
	size_t extra_pages = extra_size / PAGE;
	if (check_root_cnode(a, img, mods, it_end, extra_pages, ram, ram_ranges) != 0)
		return NULL;

	uint64_t paddr, asid_paddr, bi_paddr;
	if (rs_alloc(b.cnode_bits + seL4_SlotBits, &paddr) != 0)
		goto no_memory;
	b.root = cnode_create(paddr, b.cnode_bits);
	if (rs_alloc(seL4_PML4Bits, &paddr) != 0 || rs_alloc(seL4_ASIDPoolBits, &asid_paddr) != 0 ||
	    rs_alloc(seL4_PageBits, &bi_paddr) != 0)
		goto no_memory;
	b.vs = vspace_create(paddr);
	if (b.vs)
		b.vs->root_task = true;
	struct asid_pool *pool = calloc(1, sizeof(*pool));
	seL4_BootInfo *bi = calloc(1, sizeof(*bi));
	char *ext = calloc(1, extra_size);
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
			   cap_cnode_new(b.root, seL4_WordBits - b.cnode_bits, 0));
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
	struct frame **extra = calloc(extra_pages, sizeof(*extra));
	if (!extra)
		goto no_memory;
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
	sim_BootModules *modules = (sim_BootModules *)(ext + modules_at);
	if (load_image(&b, img) != 0 ||
	    (a->module_count && load_modules(&b, mods, a->module_count, mod_vaddr, modules) != 0))
		goto no_memory;

	struct tcb *t = create_initial_thread(&b, img->entry, ipcbuf, bi_vaddr);
	if (!t)
		goto no_memory;

	/* Everything after the root server's objects becomes untyped memory. */
	if (create_untypeds(&b, ram, ram_ranges, rs_cur) != 0)
		goto no_memory;
	bi->empty.start = b.next_slot;
	bi->empty.end = 1ul << b.cnode_bits;
	bi->nodeID = 0;
	bi->numNodes = sched_config.cpus;
	bi->numIOPTLevels = ~0ul; /* -1: no IOMMU */
	bi->ipcBuffer = (seL4_IPCBuffer *)ipcbuf;
	bi->initThreadCNodeSizeBits = b.cnode_bits;
	bi->extraLen = extra_len;
	extra_boot_info(a, ram, ram_ranges, ext, &modules_at);
	if (a->module_count) {
		modules->header.id = SEL4_BOOTINFO_HEADER_SIM_MODULES;
		modules->header.len = extra_len - modules_at;
	}

	if (write_frame(bif, 0, bi, sizeof(*bi)) != 0)
		goto no_memory;
	for (size_t i = 0; i < extra_pages; i++) {
		if (write_frame(extra[i], 0, ext + i * PAGE, PAGE) != 0)
			goto no_memory;
		frame_kunmap(extra[i]);
	}
	frame_kunmap(bif);
	free(extra);
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
	if (!vspace_process_to_run(vs))
		return NULL;
	/* The root task is the first thread to run (seL4's create_initial_thread). */
	set_thread_state(t, ThreadState_Running);
	root_thread = t;
	sched_enqueue(t);
	possible_switch_to(t);
	return vs->proc;
}
