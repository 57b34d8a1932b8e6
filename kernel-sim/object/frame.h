/* Frames: simulated physical pages backed by a memfd each. */
#pragma once

#include "../kernel/object.h"

struct frame *frame_create(uint64_t paddr, uint8_t size_bits, bool is_device);
void frame_destroy(struct frame *f);

static inline uint64_t frame_size(const struct frame *f)
{
	return 1ul << f->obj.size_bits;
}

/* The frame's memfd, created (zero-filled) on first use; -1 on failure. */
int frame_memfd(struct frame *f);

/* kernel-sim's own mapping of the frame, made on first use; NULL on failure. */
void *frame_kaddr(struct frame *f);

/* Drop kernel-sim's mapping when it will not be needed for a while. */
void frame_kunmap(struct frame *f);

/* Count of memfds currently open for frames (accounting). */
unsigned long frame_memfd_count(void);
