#include <base/string.h>
#include <base/tls.h>

/* The ELF header is mapped at the start of the image (GNU ld's __ehdr_start). */
extern const char __ehdr_start[];

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

#define PT_TLS 7

static const struct elf64_phdr *tls_segment(void)
{
	const struct elf64_ehdr *eh = (const struct elf64_ehdr *)__ehdr_start;
	const struct elf64_phdr *ph = (const struct elf64_phdr *)(__ehdr_start + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_TLS)
			return &ph[i];
	return 0;
}

static uint64_t align_of(const struct elf64_phdr *tls)
{
	uint64_t a = tls && tls->align > sizeof(void *) ? tls->align : sizeof(void *);
	return a;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

size_t sim_tls_block_size(void)
{
	const struct elf64_phdr *tls = tls_segment();
	uint64_t a = align_of(tls);
	uint64_t body = tls ? align_up(tls->memsz, a) : 0;
	return (size_t)(body + 2 * sizeof(void *) + a);
}

uintptr_t sim_tls_init(void *area, size_t size)
{
	if (size < sim_tls_block_size())
		return 0;
	const struct elf64_phdr *tls = tls_segment();
	uint64_t a = align_of(tls);
	uint64_t body = tls ? align_up(tls->memsz, a) : 0;
	uintptr_t tp = (uintptr_t)align_up((uintptr_t)area + body, a);
	char *block = (char *)(tp - body);
	if (tls) {
		memcpy(block, (const void *)tls->vaddr, tls->filesz);
		memset(block + tls->filesz, 0, tls->memsz - tls->filesz);
	}
	*(uintptr_t *)tp = tp;
	return tp;
}
