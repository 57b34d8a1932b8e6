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
static char boot_arena[512 * 1024] __attribute__((aligned(4096)));
static size_t boot_arena_used;

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

void core_unmap_local(void *addr, unsigned long count, bool large)
{
	unsigned bits = large ? seL4_LargePageBits : seL4_PageBits;
	vm_space_unmap(&core_vm, (unsigned long)addr, count << bits);
	range_alloc_free(&virt_alloc, (unsigned long)addr, count << bits);
}

/* Heap backend: bss first, then fresh frames mapped into core (never returned). */
static void *heap_more(size_t bytes, void *ctx)
{
	(void)ctx;
	if (boot_arena_used + bytes <= sizeof(boot_arena)) {
		void *p = boot_arena + boot_arena_used;
		boot_arena_used += bytes;
		return p;
	}
	static seL4_CPtr sels[4096];
	unsigned long pages = bytes >> seL4_PageBits, n = 0;
	if (pages == 0 || pages > sizeof(sels) / sizeof(sels[0]))
		return 0;
	/* one naturally aligned block per set bit of the page count */
	for (unsigned bit = 0; bit < 13; bit++) {
		unsigned long part = pages & (1ul << bit);
		for (unsigned long done = 0; done < part; done += 256) {
			unsigned long k = part - done < 256 ? part - done : 256;
			seL4_CPtr first;
			if (!frames_block(k, false, &first))
				return 0;
			for (unsigned long i = 0; i < k; i++)
				sels[n++] = first + i;
		}
	}
	return core_map_local(sels, n, false);
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
	range_alloc_add(&virt_alloc, CORE_VIRT_BASE, CORE_VIRT_SIZE);
	heap_init(&core_heap, heap_more, 0, 0, 64 * 1024);
	untyped_init(bi);
	if (!cspace_init(bi)) {
		core_log("core: cannot build core's CSpace\n");
		return false;
	}
	if (!vm_space_init(&core_vm, seL4_CapInitThreadVSpace, CORE_NODE_BITS)) {
		core_log("core: cannot create core's VM CNode\n");
		return false;
	}
	return true;
}
