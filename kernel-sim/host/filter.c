#include "filter.h"
#include "resources.h"
#include "../kernel/log.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The clone flags of a runtime thread (see runtime/thread.c). */
#define RUNTIME_THREAD_FLAGS                                                                       \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON	     1
#endif

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002

/* Sizes of what the runtime maps (frames) and unmaps (frames, table spans). */
static const uint64_t block_sizes[] = {1ul << 12, 1ul << 21, 1ul << 30, 1ul << 39};
#define MAP_BLOCK_SIZES 3 /* frames: 4 KiB, 2 MiB, 1 GiB */

/*
 * mmap and munmap only of the component window, never of the runtime's own
 * window, and only of the sizes the runtime maps and unmaps: a frame (4 KiB,
 * 2 MiB, 1 GiB), the span of a paging structure (also 512 GiB), and the
 * rest of the 512 GiB span that holds the runtime's gigabyte. A mapping is
 * shared and fixed (a frame's file).
 */
/*
 * The same mapping, private and without write access: how read-only frames
 * are mapped (the runtime's do_map), so that a debugger's breakpoint stays
 * in this process. Nothing may change a mapping's protection later.
 */
static int add_private_map(scmp_filter_ctx ctx, const struct scmp_arg_cmp shared[3])
{
	const scmp_datum_t flag_mask = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS;
	struct scmp_arg_cmp private[] = {
	    shared[0], shared[1], SCMP_A3(SCMP_CMP_MASKED_EQ, flag_mask, MAP_PRIVATE | MAP_FIXED),
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE, 0)};
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 4, private);
}

/*
 * A thread block of the runtime, private anonymous memory, inside the
 * blocks' range only. Component code may map one too: what a PD process
 * can map at all is bounded by its RLIMIT_AS (pd.c).
 */
static int add_block_policy(scmp_filter_ctx ctx)
{
	const scmp_datum_t flag_mask = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS;
	/* the range is aligned to its size: one masked compare checks range and alignment */
	const scmp_datum_t place =
	    ~(scmp_datum_t)(SIM_RUNTIME_BLOCKS_END - SIM_RUNTIME_BLOCKS - 1) |
	    (SIM_RUNTIME_BLOCK_SIZE - 1);
	_Static_assert((SIM_RUNTIME_BLOCKS & (SIM_RUNTIME_BLOCKS_END - SIM_RUNTIME_BLOCKS - 1)) ==
			   0,
		       "the blocks' range is aligned to its size");
	return seccomp_rule_add(
	    ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 4,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, place, SIM_RUNTIME_BLOCKS),
	    SCMP_A1(SCMP_CMP_EQ, SIM_RUNTIME_BLOCK_SIZE), SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0),
	    SCMP_A3(SCMP_CMP_MASKED_EQ, flag_mask, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS));
}

static int add_window_policy(scmp_filter_ctx ctx)
{
	const scmp_datum_t flag_mask = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS;
	const scmp_datum_t flags = MAP_SHARED | MAP_FIXED;
	int rc = 0;
	for (size_t i = 0; i < sizeof(block_sizes) / sizeof(block_sizes[0]); i++) {
		uint64_t size = block_sizes[i];
		struct scmp_arg_cmp below[] = {SCMP_A0(SCMP_CMP_LE, SIM_RUNTIME_BASE - size),
					       SCMP_A1(SCMP_CMP_EQ, size),
					       SCMP_A3(SCMP_CMP_MASKED_EQ, flag_mask, flags)};
		struct scmp_arg_cmp above[] = {SCMP_A0(SCMP_CMP_GE, SIM_RUNTIME_TOP),
					       SCMP_A1(SCMP_CMP_EQ, size),
					       SCMP_A3(SCMP_CMP_MASKED_EQ, flag_mask, flags)};
		rc |= seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 2, below);
		if (i < MAP_BLOCK_SIZES) {
			rc |=
			    seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 2, above);
			rc |= seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 3, below);
			rc |= seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 3, above);
			rc |= add_private_map(ctx, below);
			rc |= add_private_map(ctx, above);
		}
	}
	/*
	 * Above the runtime one whole 512 GiB span (compared for equality:
	 * libseccomp's tree of range rules explodes otherwise), the rest of
	 * the span that holds the runtime (pd_proc_unmap splits it).
	 */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 2,
			       SCMP_A0(SCMP_CMP_EQ, SIM_RUNTIME_SLOT_END),
			       SCMP_A1(SCMP_CMP_EQ, SIM_RUNTIME_SLOT_END - SIM_RUNTIME_BASE));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 2,
			       SCMP_A0(SCMP_CMP_EQ, SIM_RUNTIME_TOP),
			       SCMP_A1(SCMP_CMP_EQ, SIM_RUNTIME_SLOT_END - SIM_RUNTIME_TOP));
	/* The last span of each paging level ends at the user top, a page short of 2^47. */
	for (size_t i = 1; i < sizeof(block_sizes) / sizeof(block_sizes[0]); i++)
		rc |= seccomp_rule_add(
		    ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 2,
		    SCMP_A0(SCMP_CMP_EQ, SIM_USER_END - block_sizes[i]),
		    SCMP_A1(SCMP_CMP_EQ, SIM_USER_TOP - (SIM_USER_END - block_sizes[i])));
	return rc | add_block_policy(ctx);
}

/* What the runtime may ask of Linux, and nothing more. */
static int add_runtime_policy(scmp_filter_ctx ctx, uint64_t syscall_ip)
{
	static const int plain[] = {
	    SCMP_SYS(recvmsg),	   SCMP_SYS(sendmsg),	  SCMP_SYS(close),
	    SCMP_SYS(exit),	   SCMP_SYS(exit_group),  SCMP_SYS(rt_sigreturn),
	    SCMP_SYS(sched_yield), SCMP_SYS(sigaltstack), SCMP_SYS(gettid),
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, plain[i], 0);

	rc |= add_window_policy(ctx);
	/* A thread: kernel-sim answers (clone_gate.c); any other clone ends the process. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(clone), 1,
			       SCMP_A0(SCMP_CMP_EQ, RUNTIME_THREAD_FLAGS));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
			       SCMP_A0(SCMP_CMP_EQ, ARCH_SET_FS));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
			       SCMP_A0(SCMP_CMP_EQ, ARCH_SET_GS));
	/*
	 * Thread names only from the names file kernel-sim writes (names.h):
	 * the control thread's, or a runtime slot's.
	 */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 2,
			       SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME),
			       SCMP_A1(SCMP_CMP_EQ, SIM_RUNTIME_NAMES + SIM_NAMES_CONTROL));
	rc |= seccomp_rule_add(
	    ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 2, SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME),
	    SCMP_A1(SCMP_CMP_MASKED_EQ,
		    ~(scmp_datum_t)(SIM_NAMES_SIZE - SIM_NAMES_THREADS - 1) | (SIM_NAMES_COMM - 1),
		    SIM_RUNTIME_NAMES + SIM_NAMES_THREADS));
	/*
	 * Naming one debugger (SIM_CTRL_TRACER), never any process: a PD can
	 * let a host process of its user trace it, not open itself to all.
	 */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 2,
			       SCMP_A0(SCMP_CMP_EQ, PR_SET_PTRACER),
			       SCMP_A1(SCMP_CMP_NE, (scmp_datum_t)PR_SET_PTRACER_ANY));
	/* Each component thread turns on syscall user dispatch for itself, around the site only. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 5,
			       SCMP_A0(SCMP_CMP_EQ, PR_SET_SYSCALL_USER_DISPATCH),
			       SCMP_A1(SCMP_CMP_EQ, PR_SYS_DISPATCH_ON),
			       SCMP_A2(SCMP_CMP_EQ, syscall_ip), SCMP_A3(SCMP_CMP_EQ, 1),
			       SCMP_A4(SCMP_CMP_EQ, 0));
	return rc;
}

/*
 * Export ctx as classic BPF into out; returns the instruction count, -1, or
 * -2 when the host had no descriptor or memory for it (said once).
 */
static int export_bpf(scmp_filter_ctx ctx, struct sim_bpf_insn *out, size_t max)
{
	int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0 && fd_reserve_yield(errno)) {
		fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
		fd_reserve_fill();
	}
	if (fd < 0) {
		host_resource_exhausted(host_resource_of(errno), errno, "starting a PD process");
		return -2;
	}
	int count = -1;
	if (seccomp_export_bpf(ctx, fd) == 0) {
		off_t len = lseek(fd, 0, SEEK_END);
		if (len > 0 && len % sizeof(struct sim_bpf_insn) == 0 &&
		    (size_t)len / sizeof(struct sim_bpf_insn) <= max &&
		    pread(fd, out, (size_t)len, 0) == len)
			count = (int)(len / sizeof(struct sim_bpf_insn));
	}
	close(fd);
	return count;
}

static struct sim_bpf_insn stmt(uint16_t code, uint32_t k)
{
	return (struct sim_bpf_insn){code, 0, 0, k};
}

static struct sim_bpf_insn jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	return (struct sim_bpf_insn){code, jt, jf, k};
}

#define PROLOGUE_LEN 7

static int build(uint64_t syscall_ip, struct sim_bpf_insn *out, size_t max)
{
	if (max <= PROLOGUE_LEN)
		return -1;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -1;
	int count = -1;
	/* The child sets no_new_privs itself before exec. */
	/*
	 * An x32 or other foreign-ABI call from the site ends the whole
	 * process (libseccomp's default ends one thread, which would leave a
	 * TCB "running" whose host thread vanished).
	 */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) == 0 &&
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) == 0 &&
	    add_runtime_policy(ctx, syscall_ip) == 0)
		count = export_bpf(ctx, out + PROLOGUE_LEN, max - PROLOGUE_LEN);
	seccomp_release(ctx);
	if (count < 0) {
		if (count == -1)
			kprintf("kernel-sim: cannot build the seccomp filter\n");
		return -1;
	}

	/*
	 * Prologue: anything but an x86_64 system call whose instruction is
	 * the runtime's syscall site traps (SIGSYS); the rest falls through
	 * to the runtime policy.
	 */
	uint32_t ip_lo = (uint32_t)syscall_ip, ip_hi = (uint32_t)(syscall_ip >> 32);
	size_t ip_off = offsetof(struct seccomp_data, instruction_pointer);
	out[0] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	out[1] = jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4);
	out[2] = stmt(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ip_off + 4);
	out[3] = jump(BPF_JMP | BPF_JEQ | BPF_K, ip_hi, 0, 2);
	out[4] = stmt(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ip_off);
	out[5] = jump(BPF_JMP | BPF_JEQ | BPF_K, ip_lo, 1, 0);
	out[6] = stmt(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
	return PROLOGUE_LEN + count;
}

/*
 * The program depends on the syscall site alone, which is the same for every
 * PD running the same pd-host: build it once, so that starting a PD costs no
 * memfd (it would fail after the fork, when the host has no descriptor left,
 * and end a PD that the invocation starting it could no longer refuse).
 */
int filter_build(uint64_t syscall_ip, struct sim_bpf_insn *out, size_t max)
{
	static struct sim_bpf_insn cached[SIM_FILTER_MAX];
	static uint64_t cached_ip;
	static int cached_count = -1;
	if (cached_count < 0 || cached_ip != syscall_ip) {
		cached_count = build(syscall_ip, cached, SIM_FILTER_MAX);
		cached_ip = syscall_ip;
	}
	if (cached_count < 0 || (size_t)cached_count > max)
		return -1;
	memcpy(out, cached, (size_t)cached_count * sizeof(out[0]));
	return cached_count;
}
