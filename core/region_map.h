/*
 * Region maps: which dataspace is attached where. A PD's address space is a
 * region map bound to its vm_space; a managed dataspace's region map is
 * attached inside others, and what it maps shows wherever it is attached.
 * The pager resolves faults by walking these maps.
 *
 * Regions sit in an AVL tree by base address that also knows the largest
 * free gap in each subtree, so lookup, attach and detach take O(log n).
 * Nesting is bounded as in Genode: resolution gives up beyond
 * RM_NESTING_LIMIT maps, and an attachment that would nest a map inside
 * itself is refused, so the maps always form an acyclic graph.
 */
#pragma once

#include "avl.h"
#include "dataspace.h"
#include "vm_space.h"

/* Region maps on one resolution path, the address space included (Genode's recursion limit). */
#define RM_NESTING_LIMIT 5

struct region {
	struct avl_node node;	   /* key: base */
	unsigned long lo, hi, gap; /* of the subtree: first base, last end, largest gap inside */
	unsigned long base, size, offset;
	struct dataspace *ds; /* NULL: reserved, never resolves */
	bool writeable, executable;
	struct region_map *rm;
	struct region *ds_next, *ds_prev;	  /* in ds->attachments */
	struct region *nested_next, *nested_prev; /* in rm->nested: ds is a managed one */
};

struct region_map {
	struct core_obj obj;
	unsigned long size;
	struct avl_tree regions;
	struct region *nested;	 /* regions of managed dataspaces */
	struct vm_space *vs;	 /* set for a PD's address space */
	struct dataspace *ds;	 /* set for a managed region map */
	struct account *account; /* pays for the region records */
	seL4_Word fault_sigh;	 /* signal context badge */
	unsigned long fault_type, fault_addr;
	unsigned long visit;	 /* cycle search: the search that saw it last */
	struct region_map *next; /* in the owning session's list */
};

/*
 * A region map paid by account: a PD's address space, which maps into vs,
 * or (managed) one with a dataspace of its own, to be attached elsewhere.
 */
struct region_map *rm_create(unsigned long size, struct account *account, bool managed,
			     struct vm_space *vs);
void rm_destroy(struct region_map *rm);

/* Attach; returns an rpc_error and the address. ds NULL with use_at reserves the range. */
int rm_attach(struct region_map *rm, struct dataspace *ds, unsigned long size, unsigned long offset,
	      bool use_at, unsigned long at, bool executable, bool writeable, unsigned long *addr);
int rm_detach(struct region_map *rm, unsigned long addr);
void rm_detach_region(struct region *r);

/* What backs addr in rm: a frame to map at *map_addr (in rm's coordinates). */
struct rm_resolution {
	seL4_CPtr frame;
	unsigned bits;
	unsigned long map_addr;
	bool writeable;
	/* on failure: the region map where resolution failed and the address there */
	struct region_map *fault_rm;
	unsigned long fault_addr;
	const char *reason;
	bool unbacked; /* nothing is attached there */
};
bool rm_resolve(struct region_map *rm, unsigned long addr, bool write, struct rm_resolution *res);
/* A fault that res->fault_rm could not resolve: its state (region_map.state) tells of it. */
void rm_fault_note(const struct rm_resolution *res, unsigned long type);
/* Attachments made so far in any region map (a fault's handler attached something?). */
extern unsigned long rm_attachments;

extern const struct rpc_interface region_map_interface;
