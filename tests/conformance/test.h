/*
 * test-conformance: kernel conformance tests in the spirit of sel4test, run
 * as a root task. Each case is a function registered with DEFINE_TEST; the
 * runner prints "NAME: ok" or "NAME: FAILED <why>" and a final count.
 */
#pragma once

#include <base/format.h>
#include <base/roottask.h>
#include <base/string.h>
#include <sel4/sel4.h>
#include <stdbool.h>

struct test_case {
	const char *name;
	const char *description;
	void (*run)(void);
	bool (*enabled)(void); /* NULL: always; else the case runs (and counts) only if true */
};

#define DEFINE_TEST(NAME, DESCRIPTION, FN) DEFINE_TEST_IF(NAME, DESCRIPTION, FN, NULL)

/* A case for some kernels only (sel4test's config condition), asked at run time. */
#define DEFINE_TEST_IF(NAME, DESCRIPTION, FN, ENABLED)                                             \
	static const struct test_case test_case_##NAME                                             \
	    __attribute__((used, section("sim_tests"), aligned(8))) = {#NAME, DESCRIPTION, FN,     \
								       ENABLED}

/*
 * Record a failure of the running case (the first one is reported). Root
 * tasks outside the suite link tests/roottask/report.c, which prints every
 * failure under env_program's name and counts them in env_failures.
 */
extern const char *env_program;
extern int env_failures;
/* report.c: "NAME: ok", or "NAME: FAILED" if a failure came since the last case. */
void report_case(const char *name);

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define test_check(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			test_fail(__FILE__, __LINE__, "%s", #cond);                                \
	} while (0)

#define test_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			test_fail(__FILE__, __LINE__, "%s", #cond);                                \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define test_eq(a, b)                                                                              \
	do {                                                                                       \
		long _a = (long)(a), _b = (long)(b);                                               \
		if (_a != _b) {                                                                    \
			test_fail(__FILE__, __LINE__, "%s == %s (got %ld, expected %ld)", #a, #b,  \
				  _a, _b);                                                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* As test_eq, for helper threads (functions returning a value). */
#define check_eq(a, b)                                                                             \
	do {                                                                                       \
		long _a = (long)(a), _b = (long)(b);                                               \
		if (_a != _b)                                                                      \
			test_fail(__FILE__, __LINE__, "%s == %s (got %ld, expected %ld)", #a, #b,  \
				  _a, _b);                                                         \
	} while (0)

/* --- Environment ------------------------------------------------------- */

extern const seL4_BootInfo *boot_info;

#define ROOT_CNODE  seL4_CapInitThreadCNode
#define ROOT_VSPACE seL4_CapInitThreadVSpace
#define ROOT_TCB    seL4_CapInitThreadTCB
#define WORD_BITS   seL4_WordBits

seL4_CPtr alloc_slot(void);
/* Hand a slot out again (its cap must be gone); release_slot deletes it first. */
void free_slot(seL4_CPtr slot);
void release_slot(seL4_CPtr slot);
/* Revoke, then delete and free: the object goes unless caps outside the CDT remain. */
void destroy_slot(seL4_CPtr slot);

/* One new object from RAM untyped memory, its cap in a fresh slot (0 on failure). */
seL4_CPtr alloc_object(seL4_Word type, seL4_Word size_bits);
seL4_CPtr alloc_endpoint(void);
seL4_CPtr alloc_notification(void);
seL4_CPtr alloc_tcb(void);
seL4_CPtr alloc_cnode(seL4_Word radix);
seL4_CPtr alloc_untyped(seL4_Word size_bits);

/* A device untyped from the boot info (0 if none). */
seL4_CPtr device_untyped(void);

bool slot_empty(seL4_CPtr slot);
seL4_Word cap_type(seL4_CPtr slot);

/* CNode operations within the root CNode (depth seL4_WordBits). */
seL4_Error cnode_copy(seL4_CPtr src, seL4_CPtr dest, seL4_CapRights_t rights);
seL4_Error cnode_mint(seL4_CPtr src, seL4_CPtr dest, seL4_CapRights_t rights, seL4_Word badge);
seL4_Error cnode_move(seL4_CPtr src, seL4_CPtr dest);
seL4_Error cnode_mutate(seL4_CPtr src, seL4_CPtr dest, seL4_Word data);
seL4_Error cnode_delete(seL4_CPtr slot);
seL4_Error cnode_revoke(seL4_CPtr slot);

/*
 * The root task runs at seL4_MaxPrio, helper threads one below: a helper
 * runs when the root task blocks, as under seL4 on one CPU. To let helpers
 * run while it waits, the root task takes their priority and yields: each
 * of them runs until it blocks or its timeslice ends (yield_to_helpers).
 */
#define ROOT_PRIO   seL4_MaxPrio
#define HELPER_PRIO (seL4_MaxPrio - 1)
void yield_to_helpers(void);

/* Wait (yielding to the helpers) until tcb reaches state; false after a generous bound. */
bool wait_for_state(seL4_CPtr tcb, seL4_Word state);

/* A 4 KiB frame of device memory at paddr, split out of its device untyped. */
#define DEVICE_FRAME_SLOTS 64
struct device_frame {
	seL4_CPtr frame, parent;
	seL4_CPtr slots[DEVICE_FRAME_SLOTS];
	unsigned count;
};
bool device_frame_at(seL4_Word paddr, struct device_frame *d);
void device_frame_release(struct device_frame *d);

/*
 * Map a frame at vaddr in the root task's VSpace, making the paging
 * structures that are missing (tables[] starts zeroed; unmap_in_root
 * deletes the ones it made).
 */
bool map_in_root(seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights, seL4_CPtr tables[3]);
void unmap_in_root(seL4_CPtr frame, seL4_CPtr tables[3]);

/* The frame cap of a page of the root task's image. */
seL4_CPtr image_frame_cap(const void *page);

/* --- Helper threads ---------------------------------------------------- */

typedef long (*helper_fn_t)(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3);

struct helper {
	seL4_CPtr tcb;
	seL4_CPtr done; /* notification signalled when fn returns */
	/* The same two caps as the thread itself names them (its own CSpace). */
	seL4_CPtr self_tcb, self_done;
	struct child_pd *pd; /* the child PD it runs in, or NULL for the root task's spaces */
	int pool;
	helper_fn_t fn;
	seL4_Word arg[4];
	volatile long result;
	volatile int finished;
	seL4_IPCBuffer *ipc;
	uintptr_t tls;
	uintptr_t stack_top;
};

/* A helper function that increments the word at counter until it is stopped. */
long count_forever(seL4_Word counter, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3);

/* A thread in the root task's CSpace and VSpace, with IPC buffer, stack, TLS. */
void helper_create(struct helper *h);
void helper_start(struct helper *h, helper_fn_t fn, seL4_Word a0, seL4_Word a1, seL4_Word a2,
		  seL4_Word a3);
long helper_wait(struct helper *h);
void helper_cleanup(struct helper *h);

/*
 * sel4test's IPC0004 pairs (t_ipc.c): NBSend against Recv at every relative
 * priority, both threads in the root task's spaces or each in a child PD.
 */
void nbsend_recv_pair(bool inter_as);

/* --- Child protection domains ---------------------------------------- */

/* A VSpace and CSpace of their own, holding the test program's image (pd.c). */
struct child_pd;

#define CHILD_CNODE_BITS 10

/* From an ASID pool (seL4_CapInitThreadASIDPool or one made by a test). */
struct child_pd *child_pd_create(seL4_CPtr asid_pool);
void child_pd_destroy(struct child_pd *pd);
seL4_CPtr child_pd_vspace(const struct child_pd *pd);
seL4_CPtr child_pd_cspace(const struct child_pd *pd);
/* The CNode cap data (guard) that makes the child's CNode a whole CSpace. */
seL4_Word child_cspace_data(void);

/* Copy or mint a cap of the root CNode into the child's CSpace: its cptr there. */
seL4_CPtr child_pd_copy(struct child_pd *pd, seL4_CPtr cap);
seL4_CPtr child_pd_mint(struct child_pd *pd, seL4_CPtr cap, seL4_CapRights_t rights,
			seL4_Word badge);

/* The child's cap (in the root CNode) to the image frame holding page. */
seL4_CPtr child_pd_image_frame(const struct child_pd *pd, const void *page);

/* A helper thread running in a child PD's VSpace and CSpace. */
void helper_create_in(struct helper *h, struct child_pd *pd);

/*
 * Make ep (a cap of the root CNode; copied into the helper's CSpace if that
 * is a child PD's) the helper's fault endpoint, keeping its spaces.
 */
seL4_Error helper_set_fault_ep(struct helper *h, seL4_CPtr ep);

/* Set the IPC buffer address registers seL4_SetCapReceivePath in the root CNode. */
void set_cap_receive_path(seL4_CPtr slot);

/* --- The PC's devices (isa.c) ----------------------------------------- */

/* The time stamp counter, serialised; nanoseconds between two readings (boot info's rate). */
uint64_t tsc_now(void);
uint64_t tsc_ns(uint64_t t0, uint64_t t1);
void spin_ns(uint64_t ns);
/* Spin until *c is no longer old, at most ns of TSC time; true if it moved. */
bool spin_until_moved(volatile seL4_Word *c, seL4_Word old, uint64_t ns);
/* An I/O port cap for first..last (0 if refused). */
seL4_CPtr io_ports(seL4_Word first, seL4_Word last);
/*
 * A handler cap for ISA line irq, through the I/O APIC (on the pin the line
 * reaches: 2 for line 0, the PIT, as on a PC; vector = line) or the PIC,
 * whichever the kernel has; it signals a fresh notification through a cap
 * badged with the line's bit (an unbadged signal would leave the word 0).
 */
seL4_CPtr isa_irq_handler(seL4_Word irq, seL4_CPtr *ntfn);
/* Was the notification signalled (without waiting)? */
bool signalled(seL4_CPtr ntfn);
