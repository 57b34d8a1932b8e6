#include "elf.h"
#include "../host/file.h"
#include <sim/layout.h>

#include <elf.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096ul

static int fail(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

int elf_load(const char *path, struct elf_image *img, char *err, size_t errlen)
{
	memset(img, 0, sizeof(*img));
	if (host_file_read(path, ELF_MAX_SIZE, &img->data, &img->size, err, errlen) != 0)
		return -1;
	int rc = -1;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;
	if (img->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		rc = fail(err, errlen, "not an ELF file");
	else if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
		 eh->e_machine != EM_X86_64)
		rc = fail(err, errlen, "not an x86_64 ELF file");
	else if (eh->e_type != ET_EXEC)
		rc = fail(err, errlen, "not a static executable (ET_EXEC)");
	else if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > img->size ||
		 (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > img->size - eh->e_phoff)
		rc = fail(err, errlen, "bad program headers");
	else
		rc = 0;
	if (rc != 0) {
		elf_free(img);
		return rc;
	}

	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img->data + eh->e_phoff);
	img->lo = ~0ul;
	img->hi = 0;
	bool entry_ok = false;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (img->count == ELF_MAX_SEGMENTS)
			rc = fail(err, errlen, "too many loadable segments");
		else if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > img->size ||
			 ph[i].p_filesz > img->size - ph[i].p_offset)
			rc = fail(err, errlen, "segment outside the file");
		else if (!sim_user_range(ph[i].p_vaddr, ph[i].p_memsz))
			rc = fail(err, errlen, "segment outside the user window");
		if (rc != 0) {
			elf_free(img);
			return rc;
		}
		struct elf_segment *s = &img->seg[img->count++];
		s->vaddr = ph[i].p_vaddr;
		s->memsz = ph[i].p_memsz;
		s->filesz = ph[i].p_filesz;
		s->offset = ph[i].p_offset;
		s->flags = ph[i].p_flags;
		uint64_t lo = s->vaddr & ~(PAGE - 1);
		uint64_t hi = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
		if (lo < img->lo)
			img->lo = lo;
		if (hi > img->hi)
			img->hi = hi;
		if (eh->e_entry >= s->vaddr && eh->e_entry < s->vaddr + s->memsz &&
		    (s->flags & PF_X))
			entry_ok = true;
	}
	if (img->count == 0 || !entry_ok) {
		elf_free(img);
		return fail(err, errlen,
			    img->count ? "entry point outside executable segments"
				       : "no loadable segments");
	}
	img->entry = eh->e_entry;
	return 0;
}

void elf_free(struct elf_image *img)
{
	free(img->data);
	img->data = NULL;
}
