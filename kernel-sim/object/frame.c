#include "frame.h"
#include "../devices/mmio.h"
#include "../host/resources.h"
#include "../kernel/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct frame *recall_head;
static unsigned long recalls;

struct frame *frame_create(uint64_t paddr, uint8_t size_bits, bool is_device)
{
	struct frame *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->obj.paddr = paddr;
	f->obj.size_bits = size_bits;
	f->is_device = is_device;
	f->mmio = is_device && mmio_overlaps(paddr, 1ul << size_bits);
	f->backing = BACKING_NONE;
	return f;
}

void frame_destroy(struct frame *f)
{
	if (f->recall_queued)
		frame_recall_pending(); /* destroyed outside an event: nothing may point to it */
	frame_kunmap(f);
	backing_free(&f->backing);
	free(f);
}

/* Device memory below 1 MiB holds what the firmware put there (devices/acpi.c). */
static int fill_firmware(struct frame *f)
{
	int fd = backing_open(&f->backing, true);
	if (fd < 0)
		return fd;
	static char page[4096];
	int err = 0;
	for (uint64_t off = 0; off < frame_size(f) && !err; off += sizeof(page)) {
		firmware_read(f->obj.paddr + off, page, sizeof(page));
		if (pwrite(fd, page, sizeof(page), (off_t)off) != (ssize_t)sizeof(page))
			err = -errno;
	}
	close(fd);
	return err;
}

/* The frame's file, made on first use: until then the frame reads as zeros at no cost. */
static int frame_backing(struct frame *f, const char *what)
{
	if (backing_exists(&f->backing))
		return 0;
	int err = backing_create(&f->backing, frame_size(f), f->obj.paddr);
	if (err)
		host_resource_exhausted(host_resource_of(-err), -err, what);
	else if (f->is_device && firmware_overlaps(f->obj.paddr, frame_size(f)))
		err = fill_firmware(f);
	return err;
}

int frame_open_for_pd(struct frame *f, bool writable)
{
	int err = frame_backing(f, "making a frame's memory");
	if (err)
		return err;
	int fd = backing_open(&f->backing, writable);
	if (fd < 0) {
		host_resource_exhausted(host_resource_of(-fd), -fd, "mapping a frame");
		return fd;
	}
	f->exposed = true;
	return fd;
}

void *frame_kaddr(struct frame *f)
{
	if (f->kaddr)
		return f->kaddr;
	if (frame_backing(f, "making a frame's memory") != 0)
		return NULL;
	int fd = backing_open(&f->backing, true);
	if (fd < 0) {
		host_resource_exhausted(host_resource_of(-fd), -fd, "reading a frame");
		return NULL;
	}
	void *p = mmap(NULL, frame_size(f), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		host_resource_exhausted(HOST_MAPPINGS, err, "reading a frame");
		return NULL;
	}
	f->kaddr = p;
	return p;
}

void frame_kunmap(struct frame *f)
{
	if (f->kaddr) {
		munmap(f->kaddr, frame_size(f));
		f->kaddr = NULL;
	}
}

void frame_cap_mapped(struct frame *f)
{
	f->mapped_caps++;
}

static void queue_recall(struct frame *f)
{
	if (f->recall_queued)
		return;
	f->recall_queued = true;
	f->recall_next = recall_head;
	recall_head = f;
}

void frame_cap_unmapped(struct frame *f)
{
	if (f->mapped_caps > 0)
		f->mapped_caps--;
	if (f->mapped_caps == 0 && f->exposed)
		queue_recall(f);
}

/* Its memory goes right after the event, before any thread continues; the frame at the end. */
void frame_finalise(struct frame *f)
{
	f->dying = true;
	queue_recall(f);
}

static int copy_to_fresh(struct frame *f, struct backing *fresh)
{
	int err = backing_create(fresh, frame_size(f), f->obj.paddr);
	if (!err) {
		err = backing_copy(&f->backing, fresh, frame_size(f));
		if (err)
			backing_free(fresh);
	}
	return err;
}

/* Move the contents to a fresh file and truncate the one PD processes saw. */
static void recall(struct frame *f)
{
	struct backing fresh;
	int err = copy_to_fresh(f, &fresh);
	if (err && fd_reserve_yield(-err)) {
		/* a memfd: held, but the old one goes at once */
		err = copy_to_fresh(f, &fresh);
		fd_reserve_fill();
	}
	if (err) {
		host_resource_exhausted(host_resource_of(-err), -err,
					"taking an unmapped frame back from PD processes");
		return;
	}
	frame_kunmap(f);
	backing_free(&f->backing);
	f->backing = fresh;
	f->exposed = false;
	recalls++;
}

void frame_recall_pending(void)
{
	while (recall_head) {
		struct frame *f = recall_head;
		recall_head = f->recall_next;
		f->recall_queued = false;
		if (f->dying) {
			frame_kunmap(f);
			backing_free(&f->backing);
		} else if (f->mapped_caps == 0 && f->exposed) {
			recall(f);
		}
	}
}

unsigned long frame_recall_count(void)
{
	return recalls;
}
