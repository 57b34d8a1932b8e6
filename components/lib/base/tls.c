#include <base/image.h>
#include <base/string.h>
#include <base/tls.h>

static const struct elf64_phdr *tls_segment(void)
{
	unsigned n;
	const struct elf64_phdr *ph = image_phdrs(&n);
	for (unsigned i = 0; i < n; i++)
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
