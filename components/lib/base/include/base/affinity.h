/*
 * Genode's Affinity arithmetic (base/affinity.h of Genode): locations in an
 * affinity space, scaled to another space, subordinated to a parent's.
 * Core places CPU sessions with it, init its children, the Thread API its
 * threads.
 */
#pragma once

#include <genode/affinity.h>
#include <stdbool.h>

/* Genode's Affinity::unrestricted(): the whole of a 1 x 1 space. */
struct genode_affinity affinity_unrestricted(void);
/* The Nth CPU of the space, x and y wrapped by its bounds (Space::location_of_index). */
struct genode_affinity_location affinity_location_of_index(struct genode_affinity_space space,
							   unsigned long index);
/* Whether the location lies inside the space (Location::within). */
bool affinity_within(struct genode_affinity_location l, struct genode_affinity_space space);
/*
 * The location of a in the space `to`, its corners scaled and at least one
 * CPU wide and high (Affinity::scale_to); none if a has no space.
 */
struct genode_affinity_location affinity_scale_to(const struct genode_affinity *a,
						  struct genode_affinity_space to);
/*
 * A session's affinity subordinated to a child's: the session's location
 * within its space becomes one within the child's location, in a space
 * as fine as both (Genode's init, Child::filter_session_affinity); a
 * session without a space gets the child's affinity.
 */
struct genode_affinity affinity_subordinate(const struct genode_affinity *child,
					    const struct genode_affinity *session);
