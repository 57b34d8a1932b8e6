/* The capability derivation tree: parents, children, finality, moves, revocation. */
#include "check.h"
#include "kernel/cdt.h"
#include "kernel/delete.h"
#include "object/cnode.h"
#include "object/objecttype.h"

#include <stdlib.h>

static struct cnode *cn;

static struct cte *slot(int i)
{
	return cnode_slot(cn, i);
}

/* An original endpoint cap in slot i, as retype would leave it under an untyped. */
static void make_endpoint(int ut, int i)
{
	struct cap c = create_object(seL4_EndpointObject, 0x100000 + (uint64_t)i * 16, 0, false);
	insert_new_cap(slot(ut), slot(i), c);
}

static void reset(void)
{
	if (cn)
		for (int i = 0; i < 64; i++)
			cte_delete(slot(i), true);
	reap_released_objects();
	if (cn)
		cnode_destroy(cn);
	cn = cnode_create(0x800000, 6);
	struct cap ut = {.type = cap_untyped_cap};
	ut.untyped.paddr = 0x100000;
	ut.untyped.size_bits = 20;
	cte_write_original(slot(0), ut);
}

static void cdt_copy_is_child_of_original(void)
{
	reset();
	make_endpoint(0, 1);
	struct derive_ret d = derive_cap(slot(1), slot(1)->cap);
	CHECK(d.status == EXCEPTION_NONE);
	cte_insert(d.cap, slot(1), slot(2));
	CHECK(is_mdb_parent_of(slot(0), slot(1)));
	CHECK(is_mdb_parent_of(slot(1), slot(2)));
	CHECK(!is_mdb_parent_of(slot(2), slot(1)));
	/* The copy is not revocable: it has no children of its own. */
	CHECK(!slot(2)->mdb.revocable);
	CHECK(!is_final_capability(slot(1)));
	CHECK(!is_final_capability(slot(2)));
}

static void cdt_badged_children(void)
{
	reset();
	make_endpoint(0, 1);
	struct cap b = update_cap_data(false, 7, slot(1)->cap);
	cte_insert(b, slot(1), slot(2));	    /* minted: badge 7, first badged */
	cte_insert(slot(2)->cap, slot(2), slot(3)); /* copy of the badged cap */
	struct cap b2 = update_cap_data(false, 8, slot(1)->cap);
	cte_insert(b2, slot(1), slot(4)); /* another badge */
	CHECK(slot(2)->mdb.revocable && slot(2)->mdb.first_badged);
	CHECK(is_mdb_parent_of(slot(2), slot(3)));
	CHECK(!is_mdb_parent_of(slot(2), slot(4)));
	CHECK(is_mdb_parent_of(slot(1), slot(4)));
	/* A badged cap cannot be badged again. */
	CHECK(update_cap_data(false, 9, slot(2)->cap).type == cap_null_cap);
	/* Revoking the badged cap removes its copy only. */
	cte_revoke(slot(2));
	CHECK(slot(3)->cap.type == cap_null_cap);
	CHECK(slot(4)->cap.type == cap_endpoint_cap);
	CHECK(slot(2)->cap.type == cap_endpoint_cap);
}

static void cdt_revoke_untyped_finalises(void)
{
	reset();
	for (int i = 1; i <= 5; i++)
		make_endpoint(0, i);
	cte_insert(slot(3)->cap, slot(3), slot(10));
	CHECK(ensure_no_children(slot(0)) == EXCEPTION_SYSCALL_ERROR);
	CHECK(current_syscall_error.type == seL4_RevokeFirst);
	cte_revoke(slot(0));
	for (int i = 1; i <= 10; i++)
		CHECK(slot(i)->cap.type == cap_null_cap);
	CHECK(ensure_no_children(slot(0)) == EXCEPTION_NONE);
	CHECK(slot(0)->mdb.next == NULL);
	reap_released_objects();
}

static void cdt_move_keeps_position(void)
{
	reset();
	make_endpoint(0, 1);
	cte_insert(slot(1)->cap, slot(1), slot(2));
	cte_move(slot(1)->cap, slot(1), slot(5));
	CHECK(slot(1)->cap.type == cap_null_cap && slot(1)->mdb.next == NULL);
	CHECK(slot(5)->mdb.prev == slot(0) && slot(5)->mdb.next == slot(2));
	CHECK(slot(2)->mdb.prev == slot(5));
	CHECK(is_mdb_parent_of(slot(5), slot(2)));
}

static void cdt_swap_neighbours(void)
{
	reset();
	make_endpoint(0, 1);
	make_endpoint(0, 2);
	/* List: 0 -> 2 -> 1 (newest first). Swap the two neighbours. */
	struct cap c1 = slot(1)->cap, c2 = slot(2)->cap;
	cte_swap(c1, slot(1), c2, slot(2));
	CHECK(slot(0)->mdb.next == slot(1));
	CHECK(slot(1)->mdb.next == slot(2));
	CHECK(slot(2)->mdb.prev == slot(1));
	CHECK(slot(1)->mdb.prev == slot(0));
	CHECK(slot(1)->cap.endpoint.ep == c2.endpoint.ep);
	CHECK(slot(2)->cap.endpoint.ep == c1.endpoint.ep);
}

static void cdt_final_capability(void)
{
	reset();
	make_endpoint(0, 1);
	CHECK(is_final_capability(slot(1)));
	cte_insert(slot(1)->cap, slot(1), slot(2));
	CHECK(!is_final_capability(slot(1)));
	cte_delete(slot(2), true);
	CHECK(is_final_capability(slot(1)));
	/* Untyped caps are never "final": they name no object. */
	CHECK(!same_object_as(slot(0)->cap, slot(0)->cap));
}

static void cdt_delete_cnode_chain_iteratively(void)
{
	/* A long chain of CNodes, each holding the only cap to the next. */
	reset();
	struct cnode *first = cnode_create(0x900000, 1), *prev = first;
	for (int i = 0; i < 200000; i++) {
		struct cnode *next = cnode_create(0xa00000 + (uint64_t)i * 64, 1);
		cte_write_original(cnode_slot(prev, 0), cap_cnode_new(next, 0, 0));
		prev = next;
	}
	cte_write_original(slot(1), cap_cnode_new(first, 0, 0));
	cte_delete(slot(1), true);
	CHECK(slot(1)->cap.type == cap_null_cap);
	reap_released_objects();
}

/* A CNode holds memory for the chunks of slots with caps in them, not for its size. */
static void cdt_cnode_memory_follows_caps(void)
{
	reset();
	struct cnode *big = cnode_create(0xb00000, 12);
	CHECK(cnode_chunk_count(big) == 0);
	/* a lookup alone leaves nothing once the event is over */
	CHECK(cnode_slot(big, 100)->cap.type == cap_null_cap);
	reap_released_objects();
	CHECK(cnode_chunk_count(big) == 0);
	make_endpoint(0, 1);
	cte_insert(slot(1)->cap, slot(1), cnode_slot(big, 100));
	cte_insert(slot(1)->cap, slot(1), cnode_slot(big, 4000));
	reap_released_objects();
	CHECK(cnode_chunk_count(big) == 2);
	cte_delete(cnode_slot(big, 100), true);
	reap_released_objects();
	CHECK(cnode_chunk_count(big) == 1);
	CHECK(cnode_slot(big, 4000)->cap.type == cap_endpoint_cap);
	/* a move out of a chunk empties it too */
	cte_move(cnode_slot(big, 4000)->cap, cnode_slot(big, 4000), slot(2));
	reap_released_objects();
	CHECK(cnode_chunk_count(big) == 0);
	CHECK(slot(2)->cap.type == cap_endpoint_cap);
	cnode_destroy(big);
}

int main(void)
{
	RUN(cdt_copy_is_child_of_original);
	RUN(cdt_badged_children);
	RUN(cdt_revoke_untyped_finalises);
	RUN(cdt_move_keeps_position);
	RUN(cdt_swap_neighbours);
	RUN(cdt_final_capability);
	RUN(cdt_delete_cnode_chain_iteratively);
	RUN(cdt_cnode_memory_follows_caps);
	return check_failures != 0;
}
