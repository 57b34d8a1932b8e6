/* Core's two-level CSpace and the slot allocators of its CNodes. */
#include "cspace.h"
#include "untyped.h"
#include "core.h"
#include <base/string.h>
#include <sel4/cap_type.h>

seL4_CPtr core_cspace = seL4_CapInitThreadCNode;

static struct cnode *top[1u << CORE_TOP_BITS];
static unsigned long initial_map[(1u << seL4_RootCNodeSizeBits) / 64];
static struct cnode initial = {.entry = 0, .bits = seL4_RootCNodeSizeBits, .map = initial_map};
static unsigned long first_map[(1u << CORE_NODE_BITS) / 64];
static struct cnode first_core = {.entry = 1, .bits = CORE_NODE_BITS, .map = first_map};
static bool switched;

#define BITS_PER_LONG 64

static bool slot_busy(const struct cnode *n, unsigned i)
{
	return n->map[i / BITS_PER_LONG] >> (i % BITS_PER_LONG) & 1;
}

static void slot_mark(struct cnode *n, unsigned i, bool busy)
{
	if (busy)
		n->map[i / BITS_PER_LONG] |= 1ul << (i % BITS_PER_LONG);
	else
		n->map[i / BITS_PER_LONG] &= ~(1ul << (i % BITS_PER_LONG));
	n->used += busy ? 1 : -1u;
}

/* count free slots in a row within n, or 0 (slot 0 is never handed out). */
static unsigned node_alloc_range(struct cnode *n, unsigned count)
{
	unsigned size = 1u << n->bits;
	if (n->used + count > size)
		return 0;
	for (unsigned pass = 0; pass < 2; pass++) {
		unsigned start = pass ? 1 : (n->hint ? n->hint : 1);
		unsigned run = 0;
		for (unsigned i = start; i < size; i++) {
			/* skip full words quickly */
			if (run == 0 && i % BITS_PER_LONG == 0 &&
			    n->map[i / BITS_PER_LONG] == ~0ul) {
				i += BITS_PER_LONG - 1;
				continue;
			}
			run = slot_busy(n, i) ? 0 : run + 1;
			if (run == count) {
				unsigned first = i + 1 - count;
				for (unsigned j = first; j <= i; j++)
					slot_mark(n, j, true);
				n->hint = i + 1 < size ? i + 1 : 1;
				return first;
			}
		}
	}
	return 0;
}

unsigned cnode_alloc(struct cnode *n)
{
	return node_alloc_range(n, 1);
}

void cnode_free(struct cnode *n, unsigned slot)
{
	if (slot && slot < (1u << n->bits) && slot_busy(n, slot))
		slot_mark(n, slot, false);
}

static struct cnode *node_of(seL4_CPtr sel)
{
	unsigned e = (unsigned)(sel >> CORE_NODE_BITS);
	return e < (1u << CORE_TOP_BITS) ? top[e] : 0;
}

/* Core CNodes hold core's own objects; entry numbers of VM CNodes come after. */
static struct cnode *core_nodes[64];
static unsigned core_node_count;

static struct cnode *grow_core_nodes(void);

/*
 * A new core CNode is made while SLOTS_LOW slots are still free: making it
 * takes slots (and heap, and untyped records) itself.
 */
#define SLOTS_LOW 1024
static bool growing;

static unsigned long slots_free(void)
{
	unsigned long n = 0;
	for (unsigned k = 0; k < core_node_count; k++)
		n += (1ul << core_nodes[k]->bits) - core_nodes[k]->used;
	return n;
}

seL4_CPtr cspace_alloc_range(unsigned count)
{
	if (switched && !growing && slots_free() < SLOTS_LOW + count) {
		growing = true;
		grow_core_nodes();
		growing = false;
	}
	/* the newest CNodes first: the older ones are mostly full */
	for (unsigned k = core_node_count; k-- > 0;) {
		unsigned s = node_alloc_range(core_nodes[k], count);
		if (s)
			return cnode_sel(core_nodes[k], s);
	}
	return 0;
}

seL4_CPtr cspace_alloc(void)
{
	return cspace_alloc_range(1);
}

void cspace_free_range(seL4_CPtr first, unsigned count)
{
	struct cnode *n = node_of(first);
	if (!n)
		return;
	unsigned s = (unsigned)(first & ((1u << CORE_NODE_BITS) - 1));
	for (unsigned i = 0; i < count; i++)
		cnode_free(n, s + i);
}

void cspace_free(seL4_CPtr sel)
{
	cspace_free_range(sel, 1);
}

void cspace_release(seL4_CPtr sel)
{
	if (!sel)
		return;
	seL4_CNode_Delete(core_cspace, sel, CORE_DEPTH);
	cspace_free(sel);
}

unsigned long cspace_used(void)
{
	unsigned long n = 0;
	for (unsigned k = 0; k < core_node_count; k++)
		n += core_nodes[k]->used;
	return n;
}

static unsigned alloc_entry(void)
{
	for (unsigned e = 2; e < (1u << CORE_TOP_BITS); e++)
		if (!top[e])
			return e;
	return 0;
}

/* Create the CNode object and enter it into the top-level CNode with its guard. */
static bool install(struct cnode *n)
{
	seL4_CPtr obj = cspace_alloc();
	struct ut_block *b = obj ? untyped_alloc(n->bits + seL4_SlotBits) : 0;
	if (!b || untyped_retype(b, seL4_CapTableObject, n->bits, obj, 1) != seL4_NoError) {
		if (b)
			untyped_free(b);
		cspace_free(obj);
		return false;
	}
	seL4_Word guard = seL4_CNode_CapData_new(0, CORE_NODE_BITS - n->bits).words[0];
	if (seL4_CNode_Mint(core_cspace, n->entry, CORE_DEPTH - CORE_NODE_BITS, core_cspace, obj,
			    CORE_DEPTH, seL4_AllRights, guard) != seL4_NoError) {
		untyped_free(b);
		cspace_free(obj);
		return false;
	}
	n->cap = obj;
	n->untyped = b;
	top[n->entry] = n;
	return true;
}

static struct cnode *grow_core_nodes(void)
{
	if (core_node_count == sizeof(core_nodes) / sizeof(core_nodes[0]))
		return 0;
	struct cnode *n = cnode_create(CORE_NODE_BITS);
	if (n)
		core_nodes[core_node_count++] = n;
	return n;
}

struct cnode *cnode_create(unsigned bits)
{
	struct cnode *n = core_zalloc(sizeof(*n));
	unsigned long *map = core_zalloc(((1ul << bits) + 63) / 64 * sizeof(long));
	unsigned e = alloc_entry();
	if (!n || !map || !e || bits > CORE_NODE_BITS) {
		core_free(n);
		core_free(map);
		return 0;
	}
	n->entry = e;
	n->bits = bits;
	n->map = map;
	if (!install(n)) {
		core_free(map);
		core_free(n);
		return 0;
	}
	return n;
}

void cnode_destroy(struct cnode *n)
{
	if (!n)
		return;
	/* Deleting the CNode object deletes every capability in it. */
	seL4_CNode_Delete(core_cspace, n->entry, CORE_DEPTH - CORE_NODE_BITS);
	cspace_release(n->cap);
	untyped_free(n->untyped);
	top[n->entry] = 0;
	core_free(n->map);
	core_free(n);
}

/*
 * Build the top-level CNode with the initial CNode at entry 0 and the first
 * core CNode at entry 1, then make it the initial thread's CSpace root.
 */
bool cspace_init(const seL4_BootInfo *bi)
{
	for (unsigned i = 0; i < bi->empty.start && i < (1u << seL4_RootCNodeSizeBits); i++)
		slot_mark(&initial, i, true);
	if (!slot_busy(&initial, 0))
		slot_mark(&initial, 0, true);
	core_nodes[core_node_count++] = &initial;
	top[0] = &initial;

	seL4_CPtr top_obj = cspace_alloc(), first_obj = cspace_alloc();
	struct ut_block *tb = untyped_alloc(CORE_TOP_BITS + seL4_SlotBits);
	struct ut_block *fb = untyped_alloc(CORE_NODE_BITS + seL4_SlotBits);
	if (!top_obj || !first_obj || !tb || !fb ||
	    untyped_retype(tb, seL4_CapTableObject, CORE_TOP_BITS, top_obj, 1) != seL4_NoError ||
	    untyped_retype(fb, seL4_CapTableObject, CORE_NODE_BITS, first_obj, 1) != seL4_NoError)
		return false;
	const seL4_CPtr init = seL4_CapInitThreadCNode;
	const unsigned r = seL4_RootCNodeSizeBits;
	/* entry 0: the initial CNode, its 12 bits padded to 16 by a guard; entry 1: core CNode */
	seL4_CPtr self = 1; /* slot of the guarded top-level capability in the first core CNode */
	if (seL4_CNode_Mint(top_obj, 0, CORE_TOP_BITS, init, init, 64, seL4_AllRights,
			    seL4_CNode_CapData_new(0, CORE_NODE_BITS - r).words[0]) ||
	    seL4_CNode_Mint(top_obj, 1, CORE_TOP_BITS, init, first_obj, 64, seL4_AllRights,
			    seL4_CNode_CapData_new(0, 0).words[0]) ||
	    seL4_CNode_Mint(
		first_obj, self, CORE_NODE_BITS, init, top_obj, 64, seL4_AllRights,
		seL4_CNode_CapData_new(0, 64 - CORE_TOP_BITS - CORE_NODE_BITS).words[0]) ||
	    seL4_TCB_SetSpace(
		seL4_CapInitThreadTCB, 0, top_obj,
		seL4_CNode_CapData_new(0, 64 - CORE_TOP_BITS - CORE_NODE_BITS).words[0],
		seL4_CapInitThreadVSpace, 0))
		return false;
	first_core.cap = first_obj;
	first_core.untyped = fb;
	slot_mark(&first_core, 0, true);
	slot_mark(&first_core, (unsigned)self, true);
	top[1] = &first_core;
	core_nodes[core_node_count++] = &first_core;
	core_cspace = cnode_sel(&first_core, (unsigned)self);
	switched = true;
	/* the new root must resolve core's handle on itself */
	return seL4_DebugCapIdentify(core_cspace) == seL4_CapType_CNode;
}

bool cspace_switched(void)
{
	return switched;
}
