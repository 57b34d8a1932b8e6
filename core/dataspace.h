/*
 * Dataspaces: RAM (frames retyped from untyped blocks, 2 MiB frames for
 * every whole 2 MiB, 4 KiB frames for the rest), ROM (the boot module's
 * frames), I/O memory (device frames) and managed dataspaces (a region map
 * that can be attached inside another).
 */
#pragma once

#include "account.h"
#include "object.h"
#include "untyped.h"

struct region;
struct region_map;

enum ds_kind { DS_RAM, DS_ROM, DS_IO, DS_MANAGED };

struct dataspace {
	struct core_obj obj;
	enum ds_kind kind;
	unsigned long size;
	bool writeable;
	unsigned long large_count, small_count; /* 2 MiB frames first, then 4 KiB frames */
	seL4_CPtr *large, *small;		/* core CPtrs of the frames */
	struct ut_block **blocks;		/* RAM: what to give back */
	unsigned block_count;
	struct region_map *managed; /* DS_MANAGED */
	struct account *account;    /* RAM: who paid */
	struct region *attachments; /* regions that attach it (ds_next, ds_prev) */
	struct dataspace *next;	    /* in the owner's list */
};

/* A RAM dataspace of size (rounded up to pages), paid from account; NULL and *err on failure. */
struct dataspace *ds_alloc_ram(unsigned long size, struct account *account, int *err);
/* A dataspace over existing 4 KiB frame caps (ROM, I/O memory); the caps stay the caller's. */
struct dataspace *ds_from_frames(enum ds_kind kind, const seL4_CPtr *frames, unsigned long count,
				 unsigned long size, bool writeable);
struct dataspace *ds_managed(struct region_map *rm, unsigned long size);
/* Detach from every region map, revoke the frames and capabilities, refund. */
void ds_destroy(struct dataspace *ds);

/* The frame backing offset: its CPtr, size bits, and its offset within the dataspace. */
bool ds_frame_at(const struct dataspace *ds, unsigned long offset, seL4_CPtr *frame, unsigned *bits,
		 unsigned long *frame_offset);

/* Write bytes into a RAM dataspace through a temporary local mapping of core's. */
bool ds_write(struct dataspace *ds, unsigned long offset, const void *src, unsigned long len);

extern const struct rpc_interface dataspace_interface;
