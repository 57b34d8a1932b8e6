/* Genode's affinity arithmetic of components/lib/base, compiled hosted. */
#include "check.h"
#include "../../components/lib/base/affinity.c"

#include <limits.h>

static bool loc_is(struct genode_affinity_location l, long x, long y, seL4_Word w, seL4_Word h)
{
	return l.xpos == x && l.ypos == y && l.width == w && l.height == h;
}

/* Genode's Space::location_of_index: x then y, wrapped by the bounds. */
static void affinity_location_of_index_wraps(void)
{
	struct genode_affinity_space s = {2, 2};
	CHECK(loc_is(affinity_location_of_index(s, 0), 0, 0, 1, 1));
	CHECK(loc_is(affinity_location_of_index(s, 1), 1, 0, 1, 1));
	CHECK(loc_is(affinity_location_of_index(s, 2), 0, 1, 1, 1));
	CHECK(loc_is(affinity_location_of_index(s, 5), 1, 0, 1, 1));
	CHECK(loc_is(affinity_location_of_index((struct genode_affinity_space){0, 0}, 3), 0, 0, 1,
		     1));
}

static void affinity_within_bounds(void)
{
	struct genode_affinity_space s = {4, 1};
	CHECK(affinity_within((struct genode_affinity_location){0, 0, 4, 1}, s));
	CHECK(affinity_within((struct genode_affinity_location){3, 0, 1, 1}, s));
	CHECK(!affinity_within((struct genode_affinity_location){3, 0, 2, 1}, s));
	CHECK(!affinity_within((struct genode_affinity_location){-1, 0, 1, 1}, s));
	CHECK(!affinity_within((struct genode_affinity_location){0, 0, 0, 1}, s));
	CHECK(!affinity_within((struct genode_affinity_location){0, 1, 1, 1}, s));
	CHECK(!affinity_within((struct genode_affinity_location){1, 0, ULONG_MAX, 1}, s));
}

/* Affinity::scale_to: corners scaled, at least one CPU wide. */
static void affinity_scale_to_machine(void)
{
	struct genode_affinity_space two = {2, 1}, four = {4, 1};
	struct genode_affinity a = affinity_unrestricted();
	CHECK(loc_is(affinity_scale_to(&a, four), 0, 0, 4, 1));
	a = (struct genode_affinity){{2, 1}, {1, 0, 1, 1}};
	CHECK(loc_is(affinity_scale_to(&a, four), 2, 0, 2, 1));
	CHECK(loc_is(affinity_scale_to(&a, two), 1, 0, 1, 1));
	a = (struct genode_affinity){{4, 1}, {3, 0, 1, 1}};
	CHECK(loc_is(affinity_scale_to(&a, two), 1, 0, 1, 1));
	a = (struct genode_affinity){{4, 1}, {2, 0, 1, 1}};
	CHECK(loc_is(affinity_scale_to(&a, two), 1, 0, 1, 1)); /* 2*2/4 = 1, 3*2/4 = 1: one wide */
	a = (struct genode_affinity){{0, 0}, {1, 0, 1, 1}};
	CHECK(loc_is(affinity_scale_to(&a, two), 0, 0, 0, 0)); /* no space: none */
	a = (struct genode_affinity){{1, 1}, {LONG_MAX, LONG_MIN, ULONG_MAX, ULONG_MAX}};
	struct genode_affinity_location l = affinity_scale_to(&a, two);
	CHECK(l.width >= 1 && l.height >= 1); /* hostile values: clamped, no overflow */
}

/* Genode's init: a session's affinity within the child's rectangle. */
static void affinity_subordinate_to_child(void)
{
	struct genode_affinity child = {{2, 1}, {1, 0, 1, 1}};
	struct genode_affinity none = {{0, 0}, {0, 0, 0, 0}};
	struct genode_affinity r = affinity_subordinate(&child, &none);
	CHECK(r.space.width == 2 && loc_is(r.location, 1, 0, 1, 1));
	struct genode_affinity u = affinity_unrestricted();
	r = affinity_subordinate(&child, &u);
	CHECK(r.space.width == 2 && r.space.height == 1 && loc_is(r.location, 1, 0, 1, 1));
	/* a nested init's space of 2 within the child's one CPU of 2: space 4, x 2 or 3 */
	struct genode_affinity nested = {{2, 1}, {1, 0, 1, 1}};
	r = affinity_subordinate(&child, &nested);
	CHECK(r.space.width == 4 && loc_is(r.location, 3, 0, 1, 1));
	CHECK(loc_is(affinity_scale_to(&r, (struct genode_affinity_space){2, 1}), 1, 0, 1, 1));
	struct genode_affinity whole = {{2, 1}, {0, 0, 2, 1}};
	r = affinity_subordinate(&child, &whole);
	CHECK(r.space.width == 4 && loc_is(r.location, 2, 0, 2, 1));
	CHECK(loc_is(affinity_scale_to(&r, (struct genode_affinity_space){2, 1}), 1, 0, 1, 1));
	struct genode_affinity huge = {{ULONG_MAX, ULONG_MAX}, {LONG_MIN, LONG_MAX, ULONG_MAX, 0}};
	r = affinity_subordinate(&child, &huge); /* bounded, no overflow */
	CHECK(r.space.width == 2ul << 24 && r.location.width == 1ul << 24);
}

int main(void)
{
	RUN(affinity_location_of_index_wraps);
	RUN(affinity_within_bounds);
	RUN(affinity_scale_to_machine);
	RUN(affinity_subordinate_to_child);
	return check_failures != 0;
}
