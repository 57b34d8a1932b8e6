/*
 * Preemption points: a long kernel operation takes a pending interrupt at
 * seL4's preemption points, the interrupt's handler runs (it has the
 * higher priority), and the operation's system call restarts where it
 * stopped. sel4test's PREEMPT_REVOKE lets a periodic timer interrupt the
 * Revoke, at a third of a revoke's measured time; on a loaded host that is
 * a matter of luck. Here the interrupt arrives after a given number of
 * units of the kernel's work (sim_DebugInterruptAfterWork), so every run
 * sees the same preemptions, and the cases check what the handler saw.
 */
#include "test.h"

/* An ISA line without a device: only the injected interrupt comes on it. */
#define PREEMPT_LINE 3

/* The interrupt arrives this many work units into the revoke, and again after each handling. */
#define FIRST_UNITS 150
#define AGAIN_UNITS 1000

#define CNODE_SIZE_BITS 12

/* The operation runs (1), is done (2); the interrupts taken while it ran. */
static volatile int running, preempt_count, partial_count;
/* The units of work after which the handler asks for the next interrupt. */
static seL4_Word again_units = AGAIN_UNITS;
static volatile seL4_Word op_error;

/* The oldest and the newest copy of the endpoint: Revoke deletes the newest first. */
static seL4_CPtr oldest_cnode, newest_cnode, probe_slot;

/* Revoke (or Delete, if del) the root CNode's slot index. */
static long revoke_func(seL4_Word index, seL4_Word del, seL4_Word unused2, seL4_Word unused3)
{
	(void)unused2, (void)unused3;
	running = 1;
	op_error = del ? seL4_CNode_Delete(ROOT_CNODE, index, WORD_BITS)
		       : seL4_CNode_Revoke(ROOT_CNODE, index, WORD_BITS);
	running = 2;
	return 0;
}

/* Is there a cap at index of cnode? (a copy made and deleted again) */
static bool probe(seL4_CPtr cnode, seL4_Word index)
{
	if (seL4_CNode_Copy(ROOT_CNODE, probe_slot, WORD_BITS, cnode, index, CNODE_SIZE_BITS,
			    seL4_AllRights) != seL4_NoError)
		return false;
	cnode_delete(probe_slot);
	return true;
}

/* Is the revoke half done: its newest copies gone, its oldest still there? */
static bool revoke_partial(void)
{
	return probe(oldest_cnode, 0) && !probe(newest_cnode, (1ul << CNODE_SIZE_BITS) - 1);
}

/*
 * Count the interrupts taken while the operation runs, and those that find
 * it partly done (partial, if given): an operation that is one indivisible
 * kernel event is never seen so. Each one asks for the next.
 */
static long preempt_count_func(seL4_Word ntfn, seL4_Word irq, seL4_Word partial, seL4_Word u3)
{
	(void)u3;
	while (running < 2) {
		seL4_Wait(ntfn, NULL);
		seL4_IRQHandler_Ack(irq);
		if (running != 1)
			continue;
		preempt_count++;
		if (partial && ((bool (*)(void))partial)())
			partial_count++;
		sim_DebugInterruptAfterWork(PREEMPT_LINE, again_units);
	}
	return 0;
}

/*
 * Run fn(a0, a1, a2) in a thread of priority 100 while a thread of priority
 * 101 handles the interrupt that arrives FIRST_UNITS work units into it.
 */
static void run_preempted(helper_fn_t fn, seL4_Word a0, seL4_Word a1, seL4_Word a2,
			  bool (*partial)(void))
{
	seL4_CPtr ntfn, irq = isa_irq_handler(PREEMPT_LINE, &ntfn);
	if (!irq) {
		test_fail(__FILE__, __LINE__, "no handler for ISA line %d", PREEMPT_LINE);
		return;
	}
	struct helper op_thread, preempt_thread;
	helper_create(&op_thread);
	helper_create(&preempt_thread);
	seL4_TCB_SetPriority(preempt_thread.tcb, ROOT_TCB, 101);
	seL4_TCB_SetPriority(op_thread.tcb, ROOT_TCB, 100);
	running = 0;
	preempt_count = partial_count = 0;
	op_error = ~0ul;
	check_eq(sim_DebugInterruptAfterWork(PREEMPT_LINE, FIRST_UNITS), 0);
	/* The last thread started runs first: the handler waits before the operation begins. */
	helper_start(&preempt_thread, preempt_count_func, ntfn, irq, (seL4_Word)partial, 0);
	helper_start(&op_thread, fn, a0, a1, a2, 0);
	helper_wait(&op_thread);
	sim_DebugInterruptAfterWork(PREEMPT_LINE, SIM_InterruptNever);
	helper_cleanup(&preempt_thread);
	helper_cleanup(&op_thread);
	release_slot(irq);
	release_slot(ntfn);
}

/* 2^num_cnode_bits CNodes full of copies of ep; false if out of memory. */
static bool create_cnode_table(int num_cnode_bits, seL4_CPtr ep, seL4_CPtr *cnodes)
{
	for (int i = 0; i < (1 << num_cnode_bits); i++) {
		cnodes[i] = alloc_cnode(CNODE_SIZE_BITS);
		if (!cnodes[i])
			return false;
		for (seL4_Word j = 0; j < (1ul << CNODE_SIZE_BITS); j++)
			if (seL4_CNode_Copy(cnodes[i], j, CNODE_SIZE_BITS, ROOT_CNODE, ep,
					    WORD_BITS, seL4_AllRights) != seL4_NoError)
				return false;
	}
	return true;
}

/* Are all slots of the CNodes empty? */
static bool cnode_table_empty(int num_cnode_bits, const seL4_CPtr *cnodes)
{
	for (int i = 0; i < (1 << num_cnode_bits); i++)
		for (seL4_Word j = 0; j < (1ul << CNODE_SIZE_BITS); j++)
			if (probe(cnodes[i], j))
				return false;
	return true;
}

/* The preemptions counted during one revoke of 2^(num_cnode_bits + 12) caps; -1: no memory. */
static int test_preempt_revoke_actual(int num_cnode_bits)
{
	seL4_CPtr cnodes[1 << 3] = {0};
	seL4_CPtr ep = alloc_endpoint();
	probe_slot = alloc_slot();
	int result = -1;
	if (create_cnode_table(num_cnode_bits, ep, cnodes)) {
		oldest_cnode = cnodes[0];
		newest_cnode = cnodes[(1 << num_cnode_bits) - 1];
		run_preempted(revoke_func, ep, false, 0, revoke_partial);
		/* What the revoking thread sees is what an unpreempted Revoke gives. */
		check_eq(op_error, seL4_NoError);
		test_check(cnode_table_empty(num_cnode_bits, cnodes));
		test_check(partial_count > 1);
		result = preempt_count;
	}
	for (int i = 0; i < (1 << num_cnode_bits); i++)
		release_slot(cnodes[i]);
	release_slot(ep);
	free_slot(probe_slot);
	return result;
}

static void test_preempt_revoke(void)
{
	int result = -1;
	for (int num_cnode_bits = 1; num_cnode_bits <= 3 && result <= 1; num_cnode_bits++)
		result = test_preempt_revoke_actual(num_cnode_bits);
	test_check(result > 1);
}
DEFINE_TEST(PREEMPT_REVOKE, "Test preemption path in revoke", test_preempt_revoke);

/* --- Retype's reset of a used untyped -------------------------------------- */

#define RESET_UNTYPED_BITS 20 /* 1 MiB: 4096 chunks of 256 bytes to clear */
#define RESET_FRAMES	   256

static long retype_func(seL4_Word ut, seL4_Word cnode, seL4_Word index, seL4_Word unused)
{
	(void)unused;
	running = 1;
	op_error = seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, cnode, WORD_BITS, index, 1);
	running = 2;
	return 0;
}

/* The physical address of the frame at index of a CNode of 2^8 slots. */
static seL4_Word frame_paddr(seL4_CPtr cnode, seL4_Word index)
{
	seL4_CPtr slot = alloc_slot();
	seL4_Word paddr = ~0ul;
	if (seL4_CNode_Copy(ROOT_CNODE, slot, WORD_BITS, cnode, index, 8, seL4_AllRights) ==
	    seL4_NoError)
		paddr = seL4_X86_Page_GetAddress(slot).paddr;
	release_slot(slot);
	return paddr;
}

/*
 * An untyped whose objects are all deleted is cleared before its next
 * Retype, a chunk at a time with a preemption point after each: the
 * interrupt's handler runs in the middle, and the Retype that restarts
 * puts its object at the untyped's start, as an unpreempted one does.
 */
static void test_preempt_retype_reset(void)
{
	seL4_CPtr ut = alloc_untyped(RESET_UNTYPED_BITS), cnode = alloc_cnode(8);
	test_assert(ut && cnode);
	test_eq(
	    seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, cnode, WORD_BITS, 0, RESET_FRAMES),
	    seL4_NoError);
	seL4_Word base = frame_paddr(cnode, 0);
	test_eq(cnode_revoke(ut), seL4_NoError);
	run_preempted(retype_func, ut, cnode, 0, NULL);
	test_eq(op_error, seL4_NoError);
	test_check(preempt_count > 1);
	test_eq(frame_paddr(cnode, 0), base);
	release_slot(cnode);
	release_slot(ut);
}
DEFINE_TEST(PREEMPT0101, "Untyped_Retype's clearing of a used untyped is preempted and restarts",
	    test_preempt_retype_reset);

/* --- Deleting a CNode full of capabilities ---------------------------------- */

static seL4_CPtr deleted_slot;

/* Is the CNode's capability a zombie (its deletion under way)? */
static bool deletion_partial(void)
{
	return cap_type(deleted_slot) == seL4_CapType_Zombie;
}

/*
 * Deleting the last capability to a CNode deletes its slots one at a time:
 * the interrupt's handler finds the capability a zombie, and the Delete
 * that restarts goes on with it and returns NoError with the slot empty.
 */
static void test_preempt_cnode_delete(void)
{
	seL4_CPtr cnodes[1] = {0};
	seL4_CPtr ep = alloc_endpoint();
	test_assert(create_cnode_table(0, ep, cnodes));
	deleted_slot = cnodes[0];
	run_preempted(revoke_func, deleted_slot, true, 0, deletion_partial);
	test_eq(op_error, seL4_NoError);
	test_check(partial_count > 1);
	test_check(slot_empty(deleted_slot));
	free_slot(deleted_slot);
	release_slot(ep);
}
DEFINE_TEST(PREEMPT0102, "Deleting a CNode's last capability is preempted and restarts",
	    test_preempt_cnode_delete);

/* --- Deleting the last capabilities to TCBs --------------------------------- */

#define TCB_COUNT_BITS 8
#define TCB_COUNT      (1ul << TCB_COUNT_BITS)

static seL4_CPtr tcb_cnode;

/* A probe of a slot of the CNode of TCBs: NoError for a TCB cap, IllegalOperation for a zombie. */
static seL4_Error probe_tcb_slot(seL4_Word index)
{
	seL4_Error e = seL4_CNode_Copy(ROOT_CNODE, probe_slot, WORD_BITS, tcb_cnode, index,
				       TCB_COUNT_BITS, seL4_AllRights);
	if (e == seL4_NoError)
		cnode_delete(probe_slot);
	return e;
}

/* Is one of the TCBs' capabilities a zombie (the TCB's deletion under way)? */
static bool tcb_deletion_partial(void)
{
	for (seL4_Word i = 0; i < TCB_COUNT; i++)
		if (probe_tcb_slot(i) == seL4_IllegalOperation)
			return true;
	return false;
}

/*
 * Deleting the last capability to a TCB deletes the TCB's own slots one at
 * a time, as a zombie (seL4's ZombieType_ZombieTCB): a Revoke of the
 * untyped the TCBs came from is preempted in the middle of TCBs, the
 * handler finds a zombie, and the Revoke that restarts finishes them. The
 * untyped is whole again: its full size can be retyped.
 */
static void test_preempt_tcb_delete(void)
{
	seL4_Word ut_bits = TCB_COUNT_BITS + seL4_TCBBits;
	seL4_CPtr ut = alloc_untyped(ut_bits);
	tcb_cnode = alloc_cnode(TCB_COUNT_BITS);
	probe_slot = alloc_slot();
	test_assert(ut && tcb_cnode && probe_slot);
	test_eq(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, tcb_cnode, WORD_BITS, 0,
				    TCB_COUNT),
		seL4_NoError);
	/* A preemption every 100 units: the points fall in different TCBs' deletions. */
	again_units = 1;
	run_preempted(revoke_func, ut, false, 0, tcb_deletion_partial);
	again_units = AGAIN_UNITS;
	test_eq(op_error, seL4_NoError);
	test_check(preempt_count > 2);
	test_check(partial_count > 1);
	for (seL4_Word i = 0; i < TCB_COUNT; i++)
		check_eq(probe_tcb_slot(i), seL4_FailedLookup);
	test_eq(
	    seL4_Untyped_Retype(ut, seL4_UntypedObject, ut_bits, ROOT_CNODE, 0, 0, probe_slot, 1),
	    seL4_NoError);
	release_slot(probe_slot);
	release_slot(tcb_cnode);
	release_slot(ut);
}
DEFINE_TEST(PREEMPT0103, "Deleting a TCB's last capability is preempted and restarts",
	    test_preempt_tcb_delete);

/* --- TCB configuration that deletes a CNode ---------------------------------- */

static seL4_CPtr config_tcb, config_ut, config_new_root;

static long configure_func(seL4_Word unused0, seL4_Word unused1, seL4_Word unused2,
			   seL4_Word unused3)
{
	(void)unused0, (void)unused1, (void)unused2, (void)unused3;
	running = 1;
	op_error = seL4_TCB_Configure(config_tcb, 0, config_new_root, 0, ROOT_VSPACE, 0, 0, 0);
	running = 2;
	return 0;
}

/* Is the old CSpace root still there, a zombie in the TCB (its untyped not whole)? */
static bool config_partial(void)
{
	seL4_Error e = seL4_Untyped_Retype(config_ut, seL4_CapTableObject, CNODE_SIZE_BITS,
					   ROOT_CNODE, 0, 0, probe_slot, 1);
	if (e == seL4_NoError)
		cnode_delete(probe_slot);
	return e == seL4_NotEnoughMemory;
}

/*
 * TCB_Configure replaces a thread's CSpace root that holds the last
 * capability to a CNode of 4096 slots: the CNode's deletion is preempted,
 * and the invocation restarts and goes on with it (seL4's
 * invokeTCB_ThreadControl and its exposed cteDelete). When it returns, the
 * CNode is gone: its untyped is whole again.
 */
static void test_preempt_tcb_configure(void)
{
	seL4_Word ut_bits = CNODE_SIZE_BITS + seL4_SlotBits;
	config_ut = alloc_untyped(ut_bits);
	config_tcb = alloc_tcb();
	config_new_root = alloc_cnode(4);
	probe_slot = alloc_slot();
	seL4_CPtr cnode = alloc_slot();
	test_assert(config_ut && config_tcb && config_new_root && probe_slot && cnode);
	test_eq(seL4_Untyped_Retype(config_ut, seL4_CapTableObject, CNODE_SIZE_BITS, ROOT_CNODE, 0,
				    0, cnode, 1),
		seL4_NoError);
	test_eq(seL4_TCB_Configure(config_tcb, 0, cnode, 0, ROOT_VSPACE, 0, 0, 0), seL4_NoError);
	/* The TCB holds the last capability to the CNode. */
	test_eq(cnode_delete(cnode), seL4_NoError);
	run_preempted(configure_func, 0, 0, 0, config_partial);
	test_eq(op_error, seL4_NoError);
	test_check(preempt_count > 1);
	test_check(partial_count > 1);
	test_eq(seL4_Untyped_Retype(config_ut, seL4_CapTableObject, CNODE_SIZE_BITS, ROOT_CNODE, 0,
				    0, cnode, 1),
		seL4_NoError);
	release_slot(cnode);
	release_slot(probe_slot);
	release_slot(config_new_root);
	release_slot(config_tcb);
	release_slot(config_ut);
}
DEFINE_TEST(PREEMPT0104,
	    "TCB_Configure deleting a CNode's last capability is preempted and restarts",
	    test_preempt_tcb_configure);
