/*
 * The component's side of its CSpace: which slots of its CNodes are free.
 * Core fills the slots of the first CNode below GENODE_PD_CORE_SLOTS; the
 * component manages the rest. Further CNodes come from core
 * (pd_session.cspace_extend) while a reserve of slots is still free:
 * asking for one, and for the memory of its bitmap, takes slots too.
 */
#include <component/clients.h>
#include <component/cspace.h>
#include <component/env.h>
#include <component/thread.h>
#include <genode/layout.h>

#define CNODE_SLOTS (1u << GENODE_PD_CNODE_BITS)
#define SLOTS_LOW   64

struct cnode_map {
	unsigned long bits[CNODE_SLOTS / 64];
};

static struct cnode_map first = {{[0 ... GENODE_PD_CORE_SLOTS / 64 - 1] = ~0ul}};
static struct cnode_map *maps[GENODE_PD_CSPACE_ENTRIES] = {&first};
static unsigned entries = 1;
static unsigned long slots_free = CNODE_SLOTS - GENODE_PD_CORE_SLOTS;
static unsigned long hint = GENODE_PD_CORE_SLOTS;
static bool growing, grow_failed;
static struct lock lock;

/* Bitmaps of further CNodes: carved from pages of the component's RAM. */
static struct cnode_map *spare_maps;
static unsigned spare_count;

/* A free slot, marked used; 0 if there is none. Called with the lock held. */
static seL4_CPtr take(void)
{
	unsigned long n = (unsigned long)entries * CNODE_SLOTS;
	for (unsigned long k = 0; k < n; k++) {
		unsigned long i = (hint + k) % n;
		unsigned s = (unsigned)(i % CNODE_SLOTS);
		unsigned long *w = &maps[i / CNODE_SLOTS]->bits[s / 64];
		if (*w == ~0ul) {
			k += 63 - s % 64; /* the rest of this word */
			continue;
		}
		if (!(*w >> (s % 64) & 1)) {
			*w |= 1ul << (s % 64);
			hint = i + 1;
			slots_free--;
			return i;
		}
	}
	return 0;
}

static struct cnode_map *new_map(struct env *env)
{
	if (!spare_count) {
		seL4_CPtr ds;
		void *page;
		if (env_alloc_ram(env, 4096, &ds))
			return 0;
		if (env_attach(env, ds, 0, 0, true, &page)) {
			env_free_ram(env, ds);
			return 0;
		}
		spare_maps = page;
		spare_count = 4096 / sizeof(struct cnode_map);
	}
	spare_count--;
	return spare_maps++;
}

/* Add a CNode to the CSpace (we are the only thread doing so: growing is set). */
static void extend(struct env *env)
{
	struct cnode_map *m = new_map(env);
	struct pd_cspace_result r = {0};
	int err = m ? pd_session_cspace_extend(env->pd, 0, &r, 0, 0) : RPC_OUT_OF_METADATA;
	if (err == RPC_OUT_OF_RAM &&
	    !env_request_ram(env, 1ul << (GENODE_PD_CNODE_BITS + seL4_SlotBits)))
		err = pd_session_cspace_extend(env->pd, 0, &r, 0, 0);
	lock_acquire(&lock);
	if (!err && r.entries == entries + 1) {
		maps[entries++] = m;
		slots_free += CNODE_SLOTS;
	} else {
		if (m) {
			spare_maps--; /* give the bitmap back for the next try */
			spare_count++;
		}
		grow_failed = true; /* until a slot is freed */
	}
	growing = false;
	lock_release(&lock);
}

seL4_CPtr cspace_slot_alloc(void)
{
	struct env *env = genode_env();
	lock_acquire(&lock);
	seL4_CPtr s = take();
	bool grow = slots_free < SLOTS_LOW && !growing && !grow_failed &&
		    entries < GENODE_PD_CSPACE_ENTRIES && env->pd;
	if (grow)
		growing = true;
	lock_release(&lock);
	if (grow)
		extend(env);
	if (!s) {
		lock_acquire(&lock);
		s = take();
		lock_release(&lock);
	}
	return s;
}

void cspace_slot_free(seL4_CPtr s)
{
	unsigned long e = s / CNODE_SLOTS, i = s % CNODE_SLOTS;
	lock_acquire(&lock);
	if (e < entries && (e || i >= GENODE_PD_CORE_SLOTS) &&
	    maps[e]->bits[i / 64] >> (i % 64) & 1) {
		maps[e]->bits[i / 64] &= ~(1ul << (i % 64));
		slots_free++;
		grow_failed = false;
	}
	lock_release(&lock);
}
