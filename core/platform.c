/*
 * Core's platform: the allocators it builds from the boot info (physical
 * memory, core-virtual memory) and its heap. I/O memory, IRQs and I/O ports
 * are tracked by their services.
 */
#include "core.h"
#include "cspace.h"
#include "untyped.h"
#include <base/heap.h>
#include <base/range_alloc.h>
#include <base/string.h>

struct vm_space core_vm;
bool core_verbose;

static struct range virt_ranges[256];
static struct range_alloc virt_alloc;
static struct heap core_heap;

/* The first heap memory comes from bss: the CNode and maps of core_vm need a heap. */
static char boot_arena[128 * 1024] __attribute__((aligned(4096)));
static size_t boot_arena_used;

/* count fresh 4 KiB or 2 MiB frames (a power of two) in consecutive core slots from *first. */
static struct ut_block *frames_block(unsigned long pages, bool large, seL4_CPtr *first)
{
	unsigned order =
	    (unsigned)__builtin_ctzl(pages) + (large ? seL4_LargePageBits : seL4_PageBits);
	struct ut_block *b = untyped_alloc(order);
	seL4_CPtr sel = b ? cspace_alloc_range((unsigned)pages) : 0;
	if (!b || !sel ||
	    untyped_retype(b, large ? seL4_X86_LargePageObject : seL4_X86_4K, 0, sel,
			   (unsigned)pages) != seL4_NoError) {
		if (sel)
			cspace_free_range(sel, (unsigned)pages);
		untyped_free(b);
		return 0;
	}
	*first = sel;
	return b;
}

void *core_map_local(const seL4_CPtr *frames, unsigned long count, bool large)
{
	unsigned bits = large ? seL4_LargePageBits : seL4_PageBits;
	unsigned long va;
	if (!range_alloc_alloc_aligned(&virt_alloc, count << bits, bits, &va))
		return 0;
	for (unsigned long i = 0; i < count; i++)
		if (vm_space_map(&core_vm, frames[i], bits, va + (i << bits), true) !=
		    seL4_NoError) {
			vm_space_unmap(&core_vm, va, i << bits);
			range_alloc_free(&virt_alloc, va, count << bits);
			return 0;
		}
	return (void *)va;
}

unsigned long core_stack(unsigned long size)
{
	unsigned long pages = size >> seL4_PageBits, va;
	seL4_CPtr first;
	if (!range_alloc_alloc_aligned(&virt_alloc, CORE_STACK_GUARD + size, seL4_PageBits, &va) ||
	    !frames_block(pages, false, &first))
		return 0;
	va += CORE_STACK_GUARD;
	for (unsigned long i = 0; i < pages; i++)
		if (vm_space_map_pinned(&core_vm, first + i, va + (i << seL4_PageBits)) !=
		    seL4_NoError)
			return 0;
	return va + size;
}

void core_unmap_local(void *addr, unsigned long count, bool large)
{
	unsigned bits = large ? seL4_LargePageBits : seL4_PageBits;
	vm_space_unmap(&core_vm, (unsigned long)addr, count << bits);
	range_alloc_free(&virt_alloc, (unsigned long)addr, count << bits);
}

/*
 * Core's heap window: the heap grows at its end, page by page, and never
 * shrinks. Mapping a page may itself need the heap (untyped records, page
 * tables, a new core CNode): those nested requests are served from pages
 * already mapped beyond what was handed out, a reserve that every growth
 * tops up first. So the heap never re-enters its own growth; when the
 * reserve does not suffice, the nested request fails cleanly. Large blocks
 * the heap gives back are kept as free page ranges of the window
 * (coalesced), for the next requests of any size to reuse.
 */
#define HEAP_RESERVE (256 * 1024)
#define HEAP_STEP    64 /* pages mapped per block at most */

static unsigned long heap_handed = CORE_HEAP_BASE, heap_mapped = CORE_HEAP_BASE;
static bool heap_growing, heap_window; /* heap_window: core_vm is ready */
static struct range heap_free_ranges[256];
static struct range_alloc heap_pages;
static unsigned long heap_lost;	  /* given back when heap_pages had no record left */
static unsigned long heap_tables; /* paging structures made for the heap window */

/* Map one more naturally aligned block of fresh frames at the end of the heap window. */
static bool heap_extend(unsigned long pages)
{
	unsigned long k = 1;
	while (k * 2 <= pages && k * 2 <= HEAP_STEP)
		k *= 2;
	if (heap_mapped + (k << seL4_PageBits) > CORE_HEAP_BASE + CORE_HEAP_SIZE)
		return false;
	seL4_CPtr first;
	if (!frames_block(k, false, &first))
		return false;
	unsigned long tables = core_vm.table_count;
	bool ok = true;
	for (unsigned long i = 0; ok && i < k; i++) {
		/* the frames are core's for good: the originals are mapped, no copies kept */
		ok = vm_space_map_pinned(&core_vm, first + i, heap_mapped) == seL4_NoError;
		if (ok)
			heap_mapped += seL4_PageSize;
	}
	heap_tables += core_vm.table_count - tables;
	return ok;
}

/* Map until bytes and the reserve are there beyond what is handed out. */
static void heap_grow(unsigned long bytes)
{
	heap_growing = true;
	while (heap_mapped - heap_handed < bytes + HEAP_RESERVE &&
	       heap_extend((bytes + HEAP_RESERVE - (heap_mapped - heap_handed)) >> seL4_PageBits))
		;
	heap_growing = false;
}

/* Heap backend: pages given back, bss, then the heap window. */
static void *heap_more(size_t bytes, void *ctx)
{
	(void)ctx;
	unsigned long reused;
	if (range_alloc_alloc_aligned(&heap_pages, bytes, seL4_PageBits, &reused)) {
		memset((void *)reused, 0, bytes);
		return (void *)reused;
	}
	if (boot_arena_used + bytes <= sizeof(boot_arena)) {
		void *p = boot_arena + boot_arena_used;
		boot_arena_used += bytes;
		return p;
	}
	if (!heap_growing && heap_window)
		heap_grow(bytes);
	if (heap_mapped - heap_handed < bytes)
		return 0;
	void *p = (void *)heap_handed;
	heap_handed += bytes;
	return p;
}

unsigned long core_heap_size(unsigned long *tables)
{
	*tables = heap_tables;
	return heap_mapped - CORE_HEAP_BASE;
}

static void heap_release(void *p, size_t bytes, void *ctx)
{
	(void)ctx;
	if (!range_alloc_free(&heap_pages, (unsigned long)p, bytes))
		heap_lost += bytes;
}

void *core_alloc(size_t size)
{
	return heap_alloc(&core_heap, size);
}

void *core_zalloc(size_t size)
{
	return heap_zalloc(&core_heap, size);
}

void core_free(void *p)
{
	heap_free(&core_heap, p);
}

bool platform_init(const seL4_BootInfo *bi)
{
	range_alloc_init(&virt_alloc, virt_ranges, sizeof(virt_ranges) / sizeof(virt_ranges[0]));
	range_alloc_add(&virt_alloc, CORE_MAP_BASE, CORE_MAP_SIZE);
	range_alloc_init(&heap_pages, heap_free_ranges,
			 sizeof(heap_free_ranges) / sizeof(heap_free_ranges[0]));
	heap_init(&core_heap, heap_more, heap_release, 0, 64 * 1024);
	untyped_init(bi);
	if (!cspace_init(bi)) {
		core_log("core: cannot build core's CSpace\n");
		return false;
	}
	if (!vm_space_init(&core_vm, seL4_CapInitThreadVSpace, CORE_NODE_BITS)) {
		core_log("core: cannot create core's VM CNode\n");
		return false;
	}
	/* the first reserve, while the bss arena still serves what mapping it needs */
	heap_window = true;
	heap_grow(0);
	return heap_mapped - heap_handed >= HEAP_RESERVE;
}
