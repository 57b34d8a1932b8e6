/*
 * The program's own ELF image as loaded: GNU ld maps the ELF header at the
 * start of the first segment (__ehdr_start), so a program can read its
 * program headers at run time.
 */
#pragma once

#include <stdint.h>

struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PT_TLS	7
#define PF_X	1
#define PF_W	2
#define PF_R	4

extern const char __ehdr_start[];

/* The program headers of the running image, and their number. */
static inline const struct elf64_phdr *image_phdrs(unsigned *count)
{
	const struct elf64_ehdr *eh = (const struct elf64_ehdr *)__ehdr_start;
	*count = eh->phnum;
	return (const struct elf64_phdr *)(__ehdr_start + eh->phoff);
}
