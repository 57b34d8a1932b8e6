/*
 * Genode's Affinity: CPUs as a grid (a space, width x height) and a
 * rectangle in it (a location). A session request carries one (Genode's
 * Parent::session affinity argument); core's CPU session maps it onto the
 * machine's CPUs (width numNodes, height 1) and places its threads there.
 */
#pragma once

#include <sel4/types.h>

struct genode_affinity_space {
	seL4_Word width, height; /* 0 x 0: none given */
};

/* A rectangle of CPUs; width 0 (Genode's default Location()): none given. */
struct genode_affinity_location {
	long xpos, ypos;
	seL4_Word width, height;
};

struct genode_affinity {
	struct genode_affinity_space space;
	struct genode_affinity_location location;
};
