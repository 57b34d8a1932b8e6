/*
 * The host memory behind frames: one file per frame, so that a PD process
 * that was handed a frame can reach that frame and nothing else.
 *
 * Where it can, kernel-sim keeps these files in a private tmpfs that is
 * mounted nowhere (fsopen/fsmount; as an ordinary user inside a user
 * namespace of a short-lived helper): kernel-sim holds one descriptor for
 * the whole store and opens a frame's file by name only for the moment it
 * needs it, so a frame costs no descriptor while it lives. Without that it
 * falls back to one memfd per frame, held open (one descriptor per frame).
 *
 * Freeing a file truncates it: every mapping of it in any process faults
 * from then on (SIGBUS), and its memory goes back to the host at once,
 * whoever still holds a descriptor or a mapping.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * A frame's file: none (id 0, fd -1) until first needed. Its name shows the
 * frame's physical address (/proc/PID/maps: frame@0x1800000.1c0).
 */
struct backing {
	uint64_t id;	/* name in the private tmpfs, with paddr */
	uint64_t paddr; /* of the frame */
	int fd;		/* or the memfd, held open */
};

#define BACKING_NONE ((struct backing){0, 0, -1})

/* Set the store up at start; force_memfd skips the private tmpfs. */
void frame_store_init(bool force_memfd);

/* "private tmpfs" or "memfds", for the totals. */
const char *frame_store_kind(void);

/* Files alive now. */
unsigned long frame_store_files(void);

static inline bool backing_exists(const struct backing *b)
{
	return b->id != 0 || b->fd >= 0;
}

/* A new zero-filled file of size bytes for the frame at paddr; 0 or a negative errno. */
int backing_create(struct backing *b, uint64_t size, uint64_t paddr);

/* A new descriptor of the file, read-only unless writable (the caller closes it). */
int backing_open(const struct backing *b, bool writable);

/* Copy the file's contents into another of the same size, skipping holes. */
int backing_copy(const struct backing *from, const struct backing *to, uint64_t size);

/* Truncate and drop the file: every mapping of it faults from now on. */
void backing_free(struct backing *b);
