/*
 * Frames: simulated physical pages, each backed by a file of the frame
 * store (host/frame_store.h), created when first needed.
 *
 * A PD process that was handed a frame's file could keep it, or keep the
 * mapping, whatever kernel-sim tells its runtime. So kernel-sim never
 * relies on that: when a frame is deleted its file is truncated, and when
 * a frame that went to a PD process is no longer mapped by any capability
 * its contents move to a fresh file and the old one is truncated (a
 * recall). Either way every old mapping faults and the old descriptors
 * reach nothing. A frame still mapped somewhere stays where it is, so that
 * the PDs that map it never lose a write.
 */
#pragma once

#include "../kernel/object.h"

struct frame *frame_create(uint64_t paddr, uint8_t size_bits, bool is_device);
void frame_destroy(struct frame *f);

static inline uint64_t frame_size(const struct frame *f)
{
	return 1ul << f->obj.size_bits;
}

/* A descriptor of the frame's file for a PD process (the caller closes it), or -errno. */
int frame_open_for_pd(struct frame *f, bool writable);

/* kernel-sim's own mapping of the frame, made on first use; NULL on failure. */
void *frame_kaddr(struct frame *f);

/* Drop kernel-sim's mapping when it will not be needed for a while. */
void frame_kunmap(struct frame *f);

/* A capability to the frame got a mapping, or lost it. */
void frame_cap_mapped(struct frame *f);
void frame_cap_unmapped(struct frame *f);

/* The frame's last capability is being deleted; its memory goes at the end of the event. */
void frame_finalise(struct frame *f);

/*
 * Right after every event, before any thread continues: free the memory of
 * the frames deleted and recall the frames that lost their last mapping
 * during it. From then on no PD process reaches them.
 */
void frame_recall_pending(void);

/* Frames recalled so far (accounting). */
unsigned long frame_recall_count(void);
