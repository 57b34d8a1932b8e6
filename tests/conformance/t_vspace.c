/* VSpaces: threads in other address spaces, ASID pools, the x86_64 mapping rules. */
#include "test.h"
#include <base/image.h>
#include <sim/layout.h>

#define N_ASID_POOLS   (1 << seL4_NumASIDPoolsBits)
#define ASID_POOL_SIZE (1 << seL4_ASIDPoolIndexBits)

/* An address whose PDPT, PD and PT the image does not use (the image sits at 16 MiB). */
#define SPARE_VADDR 0x10000000ul

static long remote_function(seL4_Word unused0, seL4_Word unused1, seL4_Word unused2,
			    seL4_Word unused3)
{
	(void)unused0, (void)unused1, (void)unused2, (void)unused3;
	return 42;
}

static void test_interas_diffcspace(void)
{
	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pd);
	struct helper h;
	helper_create_in(&h, pd);
	helper_start(&h, remote_function, 0, 0, 0, 0);
	test_eq(helper_wait(&h), 42);
	helper_cleanup(&h);
	child_pd_destroy(pd);
}
DEFINE_TEST(VSPACE0000, "threads in a different CSpace and VSpace", test_interas_diffcspace);

/* A fresh, assigned PML4 with a PDPT, PD and PT over vaddr. */
struct small_vspace {
	seL4_CPtr pml4, pdpt, pd, pt;
};

static bool small_vspace_create(struct small_vspace *v, seL4_CPtr pool, seL4_Word vaddr)
{
	v->pml4 = alloc_object(seL4_X64_PML4Object, 0);
	v->pdpt = alloc_object(seL4_X86_PDPTObject, 0);
	v->pd = alloc_object(seL4_X86_PageDirectoryObject, 0);
	v->pt = alloc_object(seL4_X86_PageTableObject, 0);
	return v->pml4 && v->pdpt && v->pd && v->pt &&
	       seL4_X86_ASIDPool_Assign(pool, v->pml4) == seL4_NoError &&
	       seL4_X86_PDPT_Map(v->pdpt, v->pml4, vaddr, 0) == seL4_NoError &&
	       seL4_X86_PageDirectory_Map(v->pd, v->pml4, vaddr, 0) == seL4_NoError &&
	       seL4_X86_PageTable_Map(v->pt, v->pml4, vaddr, 0) == seL4_NoError;
}

static void small_vspace_destroy(struct small_vspace *v)
{
	release_slot(v->pt);
	release_slot(v->pd);
	release_slot(v->pdpt);
	release_slot(v->pml4);
}

static void test_unmap_after_delete(void)
{
	struct small_vspace v;
	test_assert(small_vspace_create(&v, seL4_CapInitThreadASIDPool, SPARE_VADDR));
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0);
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SPARE_VADDR, seL4_AllRights, 0), seL4_NoError);
	test_eq(cnode_delete(v.pml4), seL4_NoError);
	free_slot(v.pml4);
	v.pml4 = 0;
	test_eq(seL4_X86_Page_Unmap(frame), seL4_NoError);
	/* Unmapped, the frame maps anew elsewhere. */
	struct small_vspace w;
	test_assert(small_vspace_create(&w, seL4_CapInitThreadASIDPool, SPARE_VADDR));
	test_eq(seL4_X86_Page_Map(frame, w.pml4, SPARE_VADDR, seL4_AllRights, 0), seL4_NoError);
	release_slot(frame);
	small_vspace_destroy(&w);
	small_vspace_destroy(&v);
}
DEFINE_TEST(VSPACE0001, "unmapping a page after deleting its VSpace", test_unmap_after_delete);

/* An ASID pool made from a fresh untyped; its cap and the untyped's. */
static seL4_CPtr make_pool(seL4_CPtr *untyped, seL4_Error *error)
{
	*untyped = alloc_untyped(seL4_ASIDPoolBits);
	seL4_CPtr slot = alloc_slot();
	*error = seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, *untyped, ROOT_CNODE, slot,
					       WORD_BITS);
	if (*error != seL4_NoError) {
		free_slot(slot);
		return 0;
	}
	return slot;
}

/* Delete the pools (which frees their ASIDs) and their untypeds. */
static void release_pools(seL4_CPtr *pool, seL4_CPtr *untyped, int n)
{
	for (int i = 0; i < n; i++) {
		release_slot(pool[i]);
		release_slot(untyped[i]);
	}
}

/* Every pool the ASID table has room for besides the root task's: how many. */
static int make_all_pools(seL4_CPtr *pool, seL4_CPtr *untyped)
{
	int n = 0;
	for (; n < N_ASID_POOLS - 1; n++) {
		seL4_Error e;
		pool[n] = make_pool(&untyped[n], &e);
		if (e != seL4_NoError)
			break;
	}
	return n;
}

static void test_asid_pool_make(void)
{
	seL4_CPtr untyped;
	seL4_Error e;
	seL4_CPtr pool = make_pool(&untyped, &e);
	test_eq(e, seL4_NoError);
	test_eq(cap_type(pool), seL4_CapType_ASIDPool);
	/* The root VSpace has its ASID already. */
	test_eq(seL4_X86_ASIDPool_Assign(pool, ROOT_VSPACE), seL4_InvalidCapability);
	seL4_CPtr pml4 = alloc_object(seL4_X64_PML4Object, 0);
	test_eq(seL4_X86_ASIDPool_Assign(pool, pml4), seL4_NoError);
	test_eq(seL4_X86_ASIDPool_Assign(pool, pml4), seL4_InvalidCapability);
	/* The untyped is used up: a second pool from it is refused. */
	seL4_CPtr slot = alloc_slot();
	test_eq(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, untyped, ROOT_CNODE, slot,
					      WORD_BITS),
		seL4_RevokeFirst);
	free_slot(slot);
	release_slot(pml4);
	release_pools(&pool, &untyped, 1);
}
DEFINE_TEST(VSPACE0002, "creating an ASID pool", test_asid_pool_make);

static void test_alloc_multi_asid_pools(void)
{
	seL4_CPtr pool[N_ASID_POOLS], untyped[N_ASID_POOLS];
	int n = make_all_pools(pool, untyped);
	test_check(n == N_ASID_POOLS - 1);
	release_pools(pool, untyped, n);
}
DEFINE_TEST(VSPACE0003, "creating all ASID pools", test_alloc_multi_asid_pools);

static void test_run_out_asid_pools(void)
{
	seL4_CPtr pool[N_ASID_POOLS], untyped[N_ASID_POOLS];
	int n = make_all_pools(pool, untyped);
	test_check(n == N_ASID_POOLS - 1);
	seL4_Error e;
	seL4_CPtr extra_untyped;
	seL4_CPtr extra = make_pool(&extra_untyped, &e);
	test_check(e == seL4_DeleteFirst && !extra);
	release_slot(extra_untyped);
	/* A deleted pool frees its place in the ASID table. */
	release_pools(pool, untyped, 1);
	pool[0] = make_pool(&untyped[0], &e);
	test_check(e == seL4_NoError);
	release_pools(pool, untyped, n);
}
DEFINE_TEST(VSPACE0004, "running out of ASID pools", test_run_out_asid_pools);

static void test_overassign_asid_pool(void)
{
	seL4_CPtr untyped;
	seL4_Error e;
	seL4_CPtr pool = make_pool(&untyped, &e);
	test_eq(e, seL4_NoError);
	static seL4_CPtr roots[ASID_POOL_SIZE + 1];
	int i = 0;
	for (; i < ASID_POOL_SIZE; i++) {
		roots[i] = alloc_object(seL4_X64_PML4Object, 0);
		if (!roots[i] || seL4_X86_ASIDPool_Assign(pool, roots[i]) != seL4_NoError)
			break;
	}
	test_check(i == ASID_POOL_SIZE);
	seL4_CPtr extra = alloc_object(seL4_X64_PML4Object, 0);
	test_check(seL4_X86_ASIDPool_Assign(pool, extra) == seL4_DeleteFirst);
	/* A deleted VSpace gives its ASID back. */
	release_slot(roots[0]);
	test_check(seL4_X86_ASIDPool_Assign(pool, extra) == seL4_NoError);
	release_slot(extra);
	for (int k = 1; k < i; k++)
		release_slot(roots[k]);
	release_pools(&pool, &untyped, 1);
}
DEFINE_TEST(VSPACE0005, "overassigning an ASID pool", test_overassign_asid_pool);

static long incr_mem(seL4_Word tag, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	volatile unsigned *test = (volatile unsigned *)SPARE_VADDR;
	*test = (unsigned)tag;
	return *test;
}

static void test_create_asid_pools_and_touch(void)
{
	for (int i = 0; i < N_ASID_POOLS - 1; i++) {
		seL4_CPtr untyped;
		seL4_Error e;
		seL4_CPtr pool = make_pool(&untyped, &e);
		test_eq(e, seL4_NoError);
		struct child_pd *pd = child_pd_create(pool);
		test_assert(pd);
		seL4_CPtr pt = alloc_object(seL4_X86_PageTableObject, 0);
		seL4_CPtr frame = alloc_object(seL4_X86_4K, 0);
		test_eq(seL4_X86_PageTable_Map(pt, child_pd_vspace(pd), SPARE_VADDR, 0),
			seL4_NoError);
		test_eq(
		    seL4_X86_Page_Map(frame, child_pd_vspace(pd), SPARE_VADDR, seL4_ReadWrite, 0),
		    seL4_NoError);
		struct helper h;
		helper_create_in(&h, pd);
		helper_start(&h, incr_mem, (seL4_Word)i, 0, 0, 0);
		test_eq(helper_wait(&h), i);
		helper_cleanup(&h);
		child_pd_destroy(pd);
		release_slot(frame);
		release_slot(pt);
		release_pools(&pool, &untyped, 1);
	}
}
DEFINE_TEST(VSPACE0006, "a VSpace from every ASID pool runs", test_create_asid_pools_and_touch);

/* --- x86_64 mapping rules ------------------------------------------------ */

static void check_failed_lookup(seL4_Error e, seL4_Word bits_left)
{
	test_eq(e, seL4_FailedLookup);
	test_eq(seL4_GetMR(0), 0); /* failedLookupWasSource: no, the destination */
	test_eq(seL4_GetMR(1), seL4_MissingCapability);
	test_eq(seL4_GetMR(2), bits_left);
}

static void test_map_needs_tables(void)
{
	seL4_CPtr pml4 = alloc_object(seL4_X64_PML4Object, 0);
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0);
	seL4_CPtr pdpt = alloc_object(seL4_X86_PDPTObject, 0);
	seL4_CPtr pd = alloc_object(seL4_X86_PageDirectoryObject, 0);
	seL4_CPtr pt = alloc_object(seL4_X86_PageTableObject, 0);
	/* Without an ASID the PML4 is no VSpace yet. */
	test_eq(seL4_X86_Page_Map(frame, pml4, SPARE_VADDR, seL4_AllRights, 0),
		seL4_InvalidCapability);
	test_eq(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4), seL4_NoError);
	/* Each missing level is a missing capability with the bits left to translate. */
	check_failed_lookup(seL4_X86_Page_Map(frame, pml4, SPARE_VADDR, seL4_AllRights, 0), 39);
	check_failed_lookup(seL4_X86_PageTable_Map(pt, pml4, SPARE_VADDR, 0), 39);
	check_failed_lookup(seL4_X86_PageDirectory_Map(pd, pml4, SPARE_VADDR, 0), 39);
	test_eq(seL4_X86_PDPT_Map(pdpt, pml4, SPARE_VADDR, 0), seL4_NoError);
	check_failed_lookup(seL4_X86_Page_Map(frame, pml4, SPARE_VADDR, seL4_AllRights, 0), 30);
	check_failed_lookup(seL4_X86_PageTable_Map(pt, pml4, SPARE_VADDR, 0), 30);
	test_eq(seL4_X86_PageDirectory_Map(pd, pml4, SPARE_VADDR, 0), seL4_NoError);
	check_failed_lookup(seL4_X86_Page_Map(frame, pml4, SPARE_VADDR, seL4_AllRights, 0), 21);
	test_eq(seL4_X86_PageTable_Map(pt, pml4, SPARE_VADDR, 0), seL4_NoError);
	test_eq(seL4_X86_Page_Map(frame, pml4, SPARE_VADDR, seL4_AllRights, 0), seL4_NoError);
	/* A mapped table cap maps nowhere else; an occupied entry takes no table. */
	test_eq(seL4_X86_PageTable_Map(pt, pml4, SPARE_VADDR + (1ul << 21), 0),
		seL4_InvalidCapability);
	seL4_CPtr pt2 = alloc_object(seL4_X86_PageTableObject, 0);
	test_eq(seL4_X86_PageTable_Map(pt2, pml4, SPARE_VADDR, 0), seL4_DeleteFirst);
	release_slot(pt2);
	release_slot(frame);
	release_slot(pt);
	release_slot(pd);
	release_slot(pdpt);
	release_slot(pml4);
}
DEFINE_TEST(VSPACE0101, "a frame needs every paging structure above it (FailedLookup)",
	    test_map_needs_tables);

static void test_map_alignment_and_range(void)
{
	struct small_vspace v;
	test_assert(small_vspace_create(&v, seL4_CapInitThreadASIDPool, SPARE_VADDR));
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0);
	seL4_CPtr large = alloc_object(seL4_X86_LargePageObject, 0);
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SPARE_VADDR + 8, seL4_AllRights, 0),
		seL4_AlignmentError);
	/* A large page needs 2 MiB alignment, and no page table in its place. */
	test_eq(seL4_X86_Page_Map(large, v.pml4, SPARE_VADDR + seL4_PageSize, seL4_AllRights, 0),
		seL4_AlignmentError);
	test_eq(seL4_X86_Page_Map(large, v.pml4, SPARE_VADDR, seL4_AllRights, 0), seL4_DeleteFirst);
	test_eq(seL4_X86_Page_Map(large, v.pml4, SPARE_VADDR + (1ul << 21), seL4_AllRights, 0),
		seL4_NoError);
	/* Nothing maps at or across the top of user space. */
	test_eq(seL4_X86_Page_Map(frame, v.pml4, seL4_UserTop, seL4_AllRights, 0),
		seL4_InvalidArgument);
	test_eq(seL4_GetMR(0), 0);
	release_slot(large);
	release_slot(frame);
	small_vspace_destroy(&v);
}
DEFINE_TEST(VSPACE0102, "alignment of frames, the top of user space", test_map_alignment_and_range);

static void test_one_mapping_per_cap(void)
{
	struct small_vspace v;
	test_assert(small_vspace_create(&v, seL4_CapInitThreadASIDPool, SPARE_VADDR));
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0), copy = alloc_slot();
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SPARE_VADDR, seL4_AllRights, 0), seL4_NoError);
	/* Another address with the same cap: refused. */
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SPARE_VADDR + seL4_PageSize, seL4_AllRights, 0),
		seL4_InvalidArgument);
	/* Another VSpace with the same cap: refused. */
	test_eq(seL4_X86_Page_Map(frame, ROOT_VSPACE, SPARE_VADDR, seL4_AllRights, 0),
		seL4_InvalidCapability);
	/* The same place: new rights. */
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SPARE_VADDR, seL4_CanRead, 0), seL4_NoError);
	/* A copy of the cap is unmapped and maps a second time. */
	test_eq(cnode_copy(frame, copy, seL4_AllRights), seL4_NoError);
	test_eq(seL4_X86_Page_Map(copy, v.pml4, SPARE_VADDR + seL4_PageSize, seL4_AllRights, 0),
		seL4_NoError);
	test_eq(seL4_X86_Page_Unmap(frame), seL4_NoError);
	test_eq(seL4_X86_Page_Unmap(frame), seL4_NoError);
	test_eq(
	    seL4_X86_Page_Map(frame, v.pml4, SPARE_VADDR + 2 * seL4_PageSize, seL4_AllRights, 0),
	    seL4_NoError);
	release_slot(copy);
	release_slot(frame);
	small_vspace_destroy(&v);
}
DEFINE_TEST(VSPACE0103, "one mapping per frame cap; the same place updates rights",
	    test_one_mapping_per_cap);

static void test_get_address(void)
{
	seL4_CPtr ut = alloc_untyped(16);
	seL4_CPtr a = alloc_slot(), b = alloc_slot(), copy = alloc_slot();
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, a, 1), seL4_NoError);
	test_eq(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, b, 1), seL4_NoError);
	test_eq(cnode_copy(a, copy, seL4_AllRights), seL4_NoError);
	seL4_X86_Page_GetAddress_t pa = seL4_X86_Page_GetAddress(a);
	seL4_X86_Page_GetAddress_t pb = seL4_X86_Page_GetAddress(b);
	seL4_X86_Page_GetAddress_t pc = seL4_X86_Page_GetAddress(copy);
	test_eq(pa.error, seL4_NoError);
	test_eq(pb.error, seL4_NoError);
	/* Frames are carved from the untyped in order; copies name the same frame. */
	test_eq(pb.paddr, pa.paddr + seL4_PageSize);
	test_eq(pc.paddr, pa.paddr);
	test_eq(pa.paddr & (seL4_PageSize - 1), 0);
	test_check(pa.paddr >= SIM_RAM_PADDR);
	/* The root task's image frames are RAM too. */
	seL4_X86_Page_GetAddress_t pi = seL4_X86_Page_GetAddress(image_frame_cap(__ehdr_start));
	test_eq(pi.error, seL4_NoError);
	test_check(pi.paddr >= SIM_RAM_PADDR && pi.paddr < SIM_PADDR_TOP);
	release_slot(copy);
	release_slot(a);
	release_slot(b);
	release_slot(ut);
}
DEFINE_TEST(VSPACE0104, "seL4_X86_Page_GetAddress", test_get_address);

static long read_word(seL4_Word address, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused1, (void)unused2, (void)unused3;
	return (long)*(volatile seL4_Word *)address;
}

static void test_replace_mapping(void)
{
	/* On x86 a second 4 KiB frame at a mapped address replaces the first. */
	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	test_assert(pd);
	seL4_CPtr vspace = child_pd_vspace(pd);
	seL4_CPtr pt = alloc_object(seL4_X86_PageTableObject, 0);
	seL4_CPtr fa = alloc_object(seL4_X86_4K, 0), fb = alloc_object(seL4_X86_4K, 0);
	test_eq(seL4_X86_PageTable_Map(pt, vspace, SPARE_VADDR, 0), seL4_NoError);
	/* Write a distinct word into each frame through the root VSpace. */
	seL4_CPtr wa = alloc_slot(), wb = alloc_slot();
	test_eq(cnode_copy(fa, wa, seL4_AllRights), seL4_NoError);
	test_eq(cnode_copy(fb, wb, seL4_AllRights), seL4_NoError);
	seL4_CPtr root_pt = alloc_object(seL4_X86_PageTableObject, 0);
	test_eq(seL4_X86_PageTable_Map(root_pt, ROOT_VSPACE, SPARE_VADDR, 0), seL4_NoError);
	test_eq(seL4_X86_Page_Map(wa, ROOT_VSPACE, SPARE_VADDR, seL4_ReadWrite, 0), seL4_NoError);
	test_eq(seL4_X86_Page_Map(wb, ROOT_VSPACE, SPARE_VADDR + seL4_PageSize, seL4_ReadWrite, 0),
		seL4_NoError);
	*(volatile seL4_Word *)SPARE_VADDR = 0xa;
	*(volatile seL4_Word *)(SPARE_VADDR + seL4_PageSize) = 0xb;

	struct helper h;
	helper_create_in(&h, pd);
	test_eq(seL4_X86_Page_Map(fa, vspace, SPARE_VADDR, seL4_CanRead, 0), seL4_NoError);
	helper_start(&h, read_word, SPARE_VADDR, 0, 0, 0);
	test_eq(helper_wait(&h), 0xa);
	test_eq(seL4_X86_Page_Map(fb, vspace, SPARE_VADDR, seL4_CanRead, 0), seL4_NoError);
	helper_start(&h, read_word, SPARE_VADDR, 0, 0, 0);
	test_eq(helper_wait(&h), 0xb);
	/* Unmapping the replaced frame leaves the entry of the other one. */
	test_eq(seL4_X86_Page_Unmap(fa), seL4_NoError);
	helper_start(&h, read_word, SPARE_VADDR, 0, 0, 0);
	test_eq(helper_wait(&h), 0xb);
	helper_cleanup(&h);
	release_slot(wa);
	release_slot(wb);
	release_slot(root_pt);
	release_slot(fa);
	release_slot(fb);
	release_slot(pt);
	child_pd_destroy(pd);
}
DEFINE_TEST(VSPACE0105, "a frame mapped over another replaces it", test_replace_mapping);

/* Paging structures of the root task's VSpace over vaddr, a frame at it; 0 on failure. */
static seL4_CPtr map_root_page(seL4_Word vaddr, seL4_CPtr tables[3])
{
	static const seL4_Word types[3] = {seL4_X86_PDPTObject, seL4_X86_PageDirectoryObject,
					   seL4_X86_PageTableObject};
	for (int i = 0; i < 3; i++) {
		tables[i] = alloc_object(types[i], 0);
		if (!tables[i])
			return 0;
	}
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0);
	if (!frame || seL4_X86_PDPT_Map(tables[0], ROOT_VSPACE, vaddr, 0) != seL4_NoError ||
	    seL4_X86_PageDirectory_Map(tables[1], ROOT_VSPACE, vaddr, 0) != seL4_NoError ||
	    seL4_X86_PageTable_Map(tables[2], ROOT_VSPACE, vaddr, 0) != seL4_NoError ||
	    seL4_X86_Page_Map(frame, ROOT_VSPACE, vaddr, seL4_ReadWrite, 0) != seL4_NoError)
		return 0;
	return frame;
}

/*
 * The whole of seL4's window up to seL4_UserTop holds mappings: the last
 * page below it, and the start of seL4_libs' bookkeeping range.
 */
static void test_top_of_window(void)
{
	static const seL4_Word addrs[] = {seL4_UserTop - seL4_PageSize, 0x7effffffe000ul};
	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		seL4_CPtr tables[3] = {0};
		seL4_CPtr frame = map_root_page(addrs[i], tables);
		test_assert(frame);
		volatile seL4_Word *p = (volatile seL4_Word *)addrs[i];
		p[0] = 0x70b + i;
		p[seL4_PageSize / sizeof(seL4_Word) - 1] = 0xe2d;
		test_eq(p[0], 0x70b + i);
		test_eq(p[seL4_PageSize / sizeof(seL4_Word) - 1], 0xe2d);
		test_eq(seL4_X86_Page_Unmap(frame), seL4_NoError);
		release_slot(frame);
		for (int j = 2; j >= 0; j--)
			release_slot(tables[j]);
	}
	/* 2 MiB below the top is the last large page; the one above crosses it. */
	struct small_vspace v;
	seL4_Word top_large = (seL4_UserTop & ~((1ul << 21) - 1)) - (1ul << 21);
	test_assert(small_vspace_create(&v, seL4_CapInitThreadASIDPool, SPARE_VADDR));
	seL4_CPtr pdpt = alloc_object(seL4_X86_PDPTObject, 0);
	seL4_CPtr pd = alloc_object(seL4_X86_PageDirectoryObject, 0);
	seL4_CPtr large = alloc_object(seL4_X86_LargePageObject, 0);
	test_eq(seL4_X86_PDPT_Map(pdpt, v.pml4, top_large, 0), seL4_NoError);
	test_eq(seL4_X86_PageDirectory_Map(pd, v.pml4, top_large, 0), seL4_NoError);
	test_eq(seL4_X86_Page_Map(large, v.pml4, top_large + (1ul << 21), seL4_AllRights, 0),
		seL4_InvalidArgument);
	test_eq(seL4_X86_Page_Map(large, v.pml4, top_large, seL4_AllRights, 0), seL4_NoError);
	release_slot(large);
	release_slot(pd);
	release_slot(pdpt);
	small_vspace_destroy(&v);
}
DEFINE_TEST(VSPACE0110, "mappings up to seL4_UserTop", test_top_of_window);

/* sel4-sim: the runtime's gigabyte and Linux's lowest pages take no frame. */
static void test_host_window(void)
{
	struct small_vspace v;
	test_assert(small_vspace_create(&v, seL4_CapInitThreadASIDPool, SIM_RUNTIME_BASE));
	seL4_CPtr frame = alloc_object(seL4_X86_4K, 0);
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SIM_RUNTIME_BASE, seL4_AllRights, 0),
		seL4_InvalidArgument);
	test_eq(seL4_GetMR(0), 0);
	small_vspace_destroy(&v);
	test_assert(small_vspace_create(&v, seL4_CapInitThreadASIDPool, 0));
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SIM_USER_BASE - seL4_PageSize, seL4_AllRights, 0),
		seL4_InvalidArgument);
	test_eq(seL4_X86_Page_Map(frame, v.pml4, SIM_USER_BASE, seL4_AllRights, 0), seL4_NoError);
	release_slot(frame);
	small_vspace_destroy(&v);
}
DEFINE_TEST(VSPACE0111, "the host's part of the window is an InvalidArgument", test_host_window);
