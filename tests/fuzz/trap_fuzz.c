/*
 * A coverage-guided harness (libFuzzer) over kernel-sim's decoding of what
 * a PD sends and does. Each input is a datagram as a thread's channel
 * would carry it, sent on a SOCK_SEQPACKET pair with as many descriptors
 * as its first byte says (0 to 7): kernel-sim receives it as it receives a
 * trap (host/channel.c, every passed descriptor closed), takes it only at
 * the exact size of a trap and then only if it is one the host can raise
 * (api/trap_check.c); the bytes after the trap are an instruction that
 * faulted on a device page (api/x86_decode.c decodes it and computes its
 * flags). A descriptor left open, a refusal without a reason or an
 * instruction outside 1 to 15 bytes is a crash. Built with clang
 * -fsanitize=fuzzer,address,undefined by make fuzz.
 */
#include "../../kernel-sim/api/trap_check.h"
#include "../../kernel-sim/api/x86_decode.h"
#include "../../kernel-sim/host/channel.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int chan[2] = {-1, -1}, devnull = -1;

/* The lowest free descriptor: a descriptor left open moves it. */
static int lowest_free(void)
{
	int fd = dup(0);
	close(fd);
	return fd;
}

/* Receive data as kernel-sim receives a trap; true if it is taken as one. */
static int receive(const uint8_t *data, size_t size, struct sim_trap *t)
{
	if (chan[0] < 0) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) != 0)
			__builtin_trap();
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	unsigned fds = size ? data[0] & 7 : 0;
	int passed[7];
	for (unsigned i = 0; i < fds; i++)
		passed[i] = devnull;
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(passed))];
	} cm;
	struct iovec iov = {(void *)(size > 1 ? data + 1 : data), size > 1 ? size - 1 : 0};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fds) {
		m.msg_control = &cm;
		m.msg_controllen = CMSG_SPACE(fds * sizeof(int));
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(fds * sizeof(int));
		memcpy(CMSG_DATA(&cm.h), passed, fds * sizeof(int));
	}
	int before = lowest_free();
	if (sendmsg(chan[0], &m, MSG_DONTWAIT) < 0)
		return 0; /* larger than the socket takes: no PD can send it either */
	memset(t, 0, sizeof(*t));
	ssize_t n = chan_recv(chan[1], t, sizeof(*t), NULL);
	if (lowest_free() != before)
		__builtin_trap(); /* a passed descriptor stayed open in kernel-sim */
	return n == (ssize_t)sizeof(*t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_trap t;
	if (receive(data, size, &t)) {
		const char *why = trap_malformed(&t);
		if (why && !*why)
			__builtin_trap(); /* a refusal always says why */
	}

	struct x86_insn insn;
	size_t n = size > 1 + sizeof(t) ? 1 + sizeof(t) : size;
	const uint8_t *code = data + n;
	size_t len = size - n;
	if (len && x86_decode(code, len, &insn)) {
		if (insn.length == 0 || insn.length > 15 || insn.length > len)
			__builtin_trap(); /* an x86 instruction is 1 to 15 bytes, all of them read
					   */
		if (insn.size != 1 && insn.size != 2 && insn.size != 4 && insn.size != 8)
			__builtin_trap();
		uint64_t result;
		if (insn.op == X86_ALU)
			x86_alu(insn.alu, insn.size, t.regs.rax, insn.imm, t.regs.rflags, &result);
	}
	return 0;
}
