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
 * instruction outside 1 to 15 bytes is a crash. A trap's TSC stamps go
 * through host/access_time.c into a device clock as kernel-sim takes them,
 * for a thread whose last answer ended a device access and for one without:
 * time that goes backwards, a lag beyond its bound, or a charge without an
 * access is a crash. Built with clang -fsanitize=fuzzer,address,undefined
 * by make fuzz.
 */
#include "../../kernel-sim/api/trap_check.h"
#include "../../kernel-sim/api/x86_decode.h"
#include "../../kernel-sim/devices/device_clock.h"
#include "../../kernel-sim/devices/mmio.h"
#include "../../kernel-sim/host/access_time.h"
#include "../../kernel-sim/host/channel.h"
#include "../../kernel-sim/host/thread.h"
#include "../../kernel-sim/host/tsc.h"
#include "../../kernel-sim/kernel/object.h"

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

static struct device_clock clock;

static void charge(struct mmio_device *d, uint64_t ns)
{
	(void)d;
	device_clock_charge(&clock, ns);
}

/* The device's time at host times t, t + 1 us, t + 1 ms: bounded, never backwards. */
static void check_clock(uint64_t t)
{
	uint64_t last = 0;
	for (uint64_t dt = 0; dt <= 1000000; dt = dt ? dt * 1000 : 1000) {
		uint64_t v = device_clock_read(&clock, t + dt);
		if (v < last || clock.lag > DEVICE_CLOCK_MAX_LAG ||
		    v + DEVICE_CLOCK_MAX_LAG < t + dt)
			__builtin_trap();
		last = v;
	}
}

/* The stamps of trap t as kernel-sim takes them. */
static void stamps(const struct sim_trap *t)
{
	static struct mmio_device device = {.name = "clock", .emulation_time = charge};
	static bool calibrated;
	if (!calibrated)
		tsc_calibrate();
	calibrated = true;
	uint64_t host = 1ull << 40;
	clock = (struct device_clock){0};
	device_clock_read(&clock, host);
	struct host_thread h = {0};
	struct tcb thread = {.host = &h};
	/* A thread whose last answer ended no device access: no charge at all. */
	access_time_trapped(&h, t);
	if (clock.charged)
		__builtin_trap();
	/* A read of a thread that programs nothing is on host time: no charge either. */
	access_time_begin(&thread, &device, t, false);
	access_time_answer(&h);
	access_time_trapped(&h, t);
	if (clock.charged)
		__builtin_trap();
	/* One that wrote with these stamps, answered, then trapped with them. */
	access_time_begin(&thread, &device, t, true);
	access_time_answer(&h);
	access_time_trapped(&h, t);
	check_clock(host);
	/* Every part at its bound, many times over: the lag stays within its own. */
	for (int i = 0; i < 20; i++)
		charge(&device, ~0ull);
	check_clock(host + 2000000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_trap t;
	if (receive(data, size, &t)) {
		const char *why = trap_malformed(&t);
		if (why && !*why)
			__builtin_trap(); /* a refusal always says why */
		if (!why)
			stamps(&t);
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
