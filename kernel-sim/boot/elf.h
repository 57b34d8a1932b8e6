/* Reading a root task's ELF image from a host file. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_SIZE	 (1ul << 30) /* a root task larger than this is refused */

struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;
	uint32_t flags; /* PF_R, PF_W, PF_X */
};

struct elf_image {
	uint8_t *data;
	size_t size;
	uint64_t entry;
	unsigned count;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	uint64_t lo, hi; /* page-aligned extent of all segments */
};

/* Read and check path; on failure return -1 with a reason in err. */
int elf_load(const char *path, struct elf_image *img, char *err, size_t errlen);
void elf_free(struct elf_image *img);
