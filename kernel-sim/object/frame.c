#include "frame.h"
#include "../kernel/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010u
#endif

static unsigned long memfds_open;

struct frame *frame_create(uint64_t paddr, uint8_t size_bits, bool is_device)
{
	struct frame *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->obj.paddr = paddr;
	f->obj.size_bits = size_bits;
	f->is_device = is_device;
	f->memfd = -1;
	return f;
}

void frame_destroy(struct frame *f)
{
	frame_kunmap(f);
	if (f->memfd >= 0) {
		close(f->memfd);
		memfds_open--;
	}
	free(f);
}

/*
 * A fresh memfd reads as zeros, which is what seL4 guarantees of a newly
 * retyped frame; untouched pages cost the host nothing. Components execute
 * from frames, so the memfd is created executable where the host asks.
 */
int frame_memfd(struct frame *f)
{
	if (f->memfd >= 0)
		return f->memfd;
	char name[48];
	snprintf(name, sizeof(name), "frame@%#lx", (unsigned long)f->obj.paddr);
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0) {
		kprintf("kernel-sim: memfd_create: %s%s\n", strerror(errno),
			errno == EMFILE ? " (raise the open-file limit)" : "");
		return -1;
	}
	if (ftruncate(fd, (off_t)frame_size(f)) != 0) {
		kprintf("kernel-sim: ftruncate of a frame: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	f->memfd = fd;
	memfds_open++;
	return fd;
}

void *frame_kaddr(struct frame *f)
{
	if (f->kaddr)
		return f->kaddr;
	int fd = frame_memfd(f);
	if (fd < 0)
		return NULL;
	void *p = mmap(NULL, frame_size(f), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		kprintf("kernel-sim: mapping a frame: %s\n", strerror(errno));
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

unsigned long frame_memfd_count(void)
{
	return memfds_open;
}
