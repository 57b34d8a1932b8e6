/* Boot-time pieces of kernel-sim: untyped splitting, ELF checks, the seccomp program. */
#include "check.h"
#include "boot/elf.h"
#include "host/filter.h"
#include "object/untyped.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sel4/constants.h>
#include <sim/layout.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct split {
	uint64_t paddr[300];
	unsigned bits[300];
	unsigned n;
};

static int collect(uint64_t paddr, unsigned bits, void *ctx)
{
	struct split *s = ctx;
	if (s->n < 300) {
		s->paddr[s->n] = paddr;
		s->bits[s->n] = bits;
	}
	s->n++;
	return 0;
}

static void untyped_split_natural_alignment(void)
{
	static struct split s;
	memset(&s, 0, sizeof(s));
	uint64_t start = 0x1234000, end = 0x10100000;
	untyped_split_region(start, end, collect, &s);
	CHECK(s.n > 0 && s.n < 300);
	uint64_t at = start;
	for (unsigned i = 0; i < s.n; i++) {
		CHECK(s.paddr[i] == at);
		CHECK((s.paddr[i] & ((1ul << s.bits[i]) - 1)) == 0);
		CHECK(s.bits[i] >= seL4_MinUntypedBits && s.bits[i] <= seL4_MaxUntypedBits);
		at += 1ul << s.bits[i];
	}
	CHECK(at == end);
}

static void untyped_split_caps_size(void)
{
	static struct split s;
	memset(&s, 0, sizeof(s));
	untyped_split_region(0, SIM_PADDR_TOP, collect, &s);
	CHECK(s.n == 1);
	CHECK(s.paddr[0] == 0 && s.bits[0] == seL4_MaxUntypedBits);
}

static void untyped_split_drops_fragments(void)
{
	static struct split s;
	memset(&s, 0, sizeof(s));
	/* 8 bytes at an odd place: below seL4_MinUntypedBits, nothing usable. */
	untyped_split_region(0x1008, 0x1010, collect, &s);
	CHECK(s.n == 0);
}

static char exe_dir[4096];

static void elf_accepts_root_task(void)
{
	char path[4200], err[128];
	snprintf(path, sizeof(path), "%s/test-hello", exe_dir);
	struct elf_image img;
	CHECK(elf_load(path, &img, err, sizeof(err)) == 0);
	CHECK(img.entry >= SIM_COMPONENT_BASE);
	CHECK(img.lo == SIM_COMPONENT_BASE);
	CHECK(img.count >= 2);
	elf_free(&img);
}

static void elf_rejects_garbage(void)
{
	char path[] = "/tmp/sel4-sim-unit-XXXXXX", err[128];
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "#!/bin/sh\necho no\n", 18) == 18);
	close(fd);
	struct elf_image img;
	int rc = elf_load(path, &img, err, sizeof(err));
	unlink(path);
	CHECK(rc != 0);
	CHECK(strstr(err, "not an ELF") != NULL);
}

static void elf_rejects_host_binary(void)
{
	/* A dynamically linked host executable is not a root task. */
	char path[4200], err[128];
	snprintf(path, sizeof(path), "%s/kernel-sim", exe_dir);
	struct elf_image img;
	CHECK(elf_load(path, &img, err, sizeof(err)) != 0);
}

static void filter_prologue_traps_foreign_sites(void)
{
	static struct sim_bpf_insn prog[SIM_FILTER_MAX];
	uint64_t site = 0x7e8000001234ul;
	int n = filter_build(site, prog, SIM_FILTER_MAX);
	CHECK(n > 8);
	/* arch check, then the two halves of the instruction pointer */
	CHECK(prog[0].code == (BPF_LD | BPF_W | BPF_ABS) && prog[0].k == 4);
	CHECK(prog[2].k == 12 && prog[3].k == (uint32_t)(site >> 32));
	CHECK(prog[4].k == 8 && prog[5].k == (uint32_t)site);
	CHECK(prog[6].code == (BPF_RET | BPF_K) && prog[6].k == SECCOMP_RET_TRAP);
	/* every failed comparison lands on the trap */
	CHECK(2 + prog[1].jf == 6 && 4 + prog[3].jf == 6 && 6 + prog[5].jt == 7);
	CHECK(prog[n - 1].code == (BPF_RET | BPF_K));
}

int main(int argc, char **argv)
{
	(void)argc;
	snprintf(exe_dir, sizeof(exe_dir), "%s", argv[0]);
	char *slash = strrchr(exe_dir, '/');
	if (slash)
		*slash = 0;
	RUN(untyped_split_natural_alignment);
	RUN(untyped_split_caps_size);
	RUN(untyped_split_drops_fragments);
	RUN(elf_accepts_root_task);
	RUN(elf_rejects_garbage);
	RUN(elf_rejects_host_binary);
	RUN(filter_prologue_traps_foreign_sites);
	return check_failures != 0;
}
