/*
 * An HPET (IA-PC HPET 1.0a) at 0xfed00000: a 64-bit main counter at
 * 100 MHz and three comparators, reached by trap-and-emulate of its
 * register page (devices/mmio.h). Comparator 0 can be periodic. Each
 * comparator interrupts through the I/O APIC on a pin of 20-23 (edge or
 * level, with the general interrupt status for level), through the legacy
 * replacement route (ISA lines 0 and 8), or with an MSI when FSB delivery
 * is on. A timerfd per comparator fires at its match. A comparator set to
 * a value the counter has passed matches at once, as QEMU's HPET does.
 *
 * Its time is the host's monotonic clock less the time spent emulating
 * a driver's programming of it (a write and the thread's next three
 * accesses, host/access_time.c; devices/device_clock.c), kernel-sim's
 * extension: such an access takes no HPET time, where on a PC it takes well under a
 * microsecond and here a round trip to kernel-sim of tens of them. Drivers
 * that count on a few accesses fitting into a few microseconds of device
 * time (libplatsupport's time manager) work as on a PC. Comparators' timers
 * run at host rate, so an interrupt may come a little late in HPET time
 * while the HPET catches up, never early.
 */
#include "acpi.h"
#include "device_clock.h"
#include "irq_lines.h"
#include "mmio.h"
#include "../host/loop.h"

#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define HPET_TIMERS	  3
#define HPET_PERIOD_FS	  10000000ull /* 10 ns */
#define HPET_PERIOD_NS	  10ull
#define HPET_ROUTE_CAP	  0x00f00000ull /* I/O APIC pins 20-23 */
#define HPET_VENDOR_INTEL 0x8086ull

/* Registers */
#define REG_CAP	    0x000
#define REG_CONFIG  0x010
#define REG_ISR	    0x020
#define REG_COUNTER 0x0f0
#define REG_TIMER0  0x100
#define TIMER_STEP  0x20
#define T_CONFIG    0x00
#define T_CMP	    0x08
#define T_FSB	    0x10

/* General configuration */
#define CFG_ENABLE 0x1ull
#define CFG_LEGACY 0x2ull

/* Timer configuration */
#define TN_LEVEL       (1ull << 1)
#define TN_ENABLE      (1ull << 2)
#define TN_PERIODIC    (1ull << 3)
#define TN_PER_CAP     (1ull << 4)
#define TN_SIZE_CAP    (1ull << 5)
#define TN_SETVAL      (1ull << 6)
#define TN_32BIT       (1ull << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_MASK  (0x1full << TN_ROUTE_SHIFT)
#define TN_FSB_EN      (1ull << 14)
#define TN_FSB_CAP     (1ull << 15)
#define TN_WRITABLE                                                                                \
	(TN_LEVEL | TN_ENABLE | TN_PERIODIC | TN_SETVAL | TN_32BIT | TN_ROUTE_MASK | TN_FSB_EN)

struct comparator {
	uint64_t config, cmp, period, fsb;
	bool armed;    /* the next match is still to come (one-shot: once per comparator) */
	bool asserted; /* its level on the I/O APIC pin */
	struct event_source timer;
};

static struct {
	uint64_t config, isr;
	uint64_t counter; /* the count while halted, or at base_ns */
	uint64_t base_ns; /* HPET time */
	struct device_clock clock;
	struct comparator t[HPET_TIMERS];
} hpet;

/* HPET time in ns: host time without the emulation of register accesses. */
static uint64_t now_ns(void)
{
	return device_clock_read(&hpet.clock, loop_now_ns());
}

uint64_t hpet_capabilities(void)
{
	return HPET_PERIOD_FS << 32 | HPET_VENDOR_INTEL << 16 | 1ull << 15 /* legacy route */ |
	       1ull << 13 /* 64-bit counter */ | (uint64_t)(HPET_TIMERS - 1) << 8 | 1 /* rev */;
}

static bool running(void)
{
	return hpet.config & CFG_ENABLE;
}

static uint64_t counter_at(uint64_t ns)
{
	return running() ? hpet.counter + (ns - hpet.base_ns) / HPET_PERIOD_NS : hpet.counter;
}

static uint64_t counter(void)
{
	return counter_at(now_ns());
}

bool hpet_legacy_route(void)
{
	return hpet.config & CFG_LEGACY; /* whether or not the counter runs, as QEMU's */
}

/* Drive comparator n's interrupt line or send its message. */
static void interrupt(unsigned n)
{
	struct comparator *c = &hpet.t[n];
	if (c->config & TN_FSB_EN) {
		msi_send(c->fsb >> 32, (uint32_t)c->fsb);
		return;
	}
	if ((hpet.config & CFG_LEGACY) && n < 2) {
		isa_irq_pulse(n == 0 ? 0 : 8);
		return;
	}
	unsigned pin = (unsigned)((c->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT);
	if (c->config & TN_LEVEL) {
		hpet.isr |= 1ull << n;
		c->asserted = true;
		gsi_set_level(pin, true);
	} else {
		gsi_set_level(pin, true);
		gsi_set_level(pin, false);
	}
}

/*
 * Program comparator n's timerfd for its next match (or stop it). The delay
 * is in host time at rate 1: HPET time stands while accesses are emulated
 * and runs at up to 9/8 while it catches up: the timer may fire a little
 * after the match in HPET time, or before it (on_timer then arms it
 * again), so the interrupt is never early.
 */
static void arm(unsigned n)
{
	struct comparator *c = &hpet.t[n];
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	if (running() && (c->config & TN_ENABLE) && c->armed) {
		uint64_t now = counter();
		uint64_t ticks = c->cmp > now ? c->cmp - now : 0;
		uint64_t ns = ticks * HPET_PERIOD_NS;
		if (ns == 0)
			ns = 1;
		its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
		its.it_value.tv_nsec = (long)(ns % 1000000000ull);
	}
	timerfd_settime(c->timer.fd, 0, &its, 0);
}

static void arm_all(void)
{
	for (unsigned n = 0; n < HPET_TIMERS; n++)
		arm(n);
}

/* The counter starts or jumps: every comparator matches again. */
static void rearm(void)
{
	for (unsigned n = 0; n < HPET_TIMERS; n++)
		hpet.t[n].armed = true;
}

static void on_timer(struct event_source *s, uint32_t events)
{
	(void)events;
	uint64_t expirations;
	if (read(s->fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return;
	unsigned n = (unsigned)(((char *)s - (char *)&hpet.t[0].timer) / sizeof(struct comparator));
	struct comparator *c = &hpet.t[n];
	if (!running() || !(c->config & TN_ENABLE))
		return;
	if (counter() < c->cmp) {
		arm(n); /* woken early: the counter has not reached the comparator */
		return;
	}
	if ((c->config & TN_PERIODIC) && c->period) {
		uint64_t now = counter();
		while (c->cmp <= now)
			c->cmp += c->period;
	} else {
		c->armed = false; /* one-shot: matched */
	}
	interrupt(n);
	arm(n);
}

static uint64_t read64(uint64_t reg)
{
	if (reg == REG_CAP)
		return hpet_capabilities();
	if (reg == REG_CONFIG)
		return hpet.config;
	if (reg == REG_ISR)
		return hpet.isr;
	if (reg == REG_COUNTER)
		return counter();
	if (reg >= REG_TIMER0 && reg < REG_TIMER0 + HPET_TIMERS * TIMER_STEP) {
		const struct comparator *c = &hpet.t[(reg - REG_TIMER0) / TIMER_STEP];
		switch ((reg - REG_TIMER0) % TIMER_STEP) {
		case T_CONFIG:
			return c->config;
		case T_CMP:
			return c->cmp;
		case T_FSB:
			return c->fsb;
		}
	}
	return 0;
}

static void write_timer(unsigned n, uint64_t field, uint64_t v)
{
	struct comparator *c = &hpet.t[n];
	switch (field) {
	case T_CONFIG: {
		uint64_t fixed = c->config & ~TN_WRITABLE;
		if (!(fixed & TN_PER_CAP))
			v &= ~TN_PERIODIC;
		if ((v & TN_ENABLE) && !(c->config & TN_ENABLE))
			c->armed = true;
		c->config = fixed | (v & TN_WRITABLE);
		if (!(c->config & TN_LEVEL) && c->asserted) {
			c->asserted = false;
			gsi_set_level((unsigned)((c->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT),
				      false);
		}
		break;
	}
	case T_CMP:
		if (!(c->config & TN_PERIODIC) || (c->config & TN_SETVAL))
			c->cmp = v;
		if (c->config & TN_PERIODIC)
			c->period = v;
		c->config &= ~TN_SETVAL;
		c->armed = true;
		break;
	case T_FSB:
		c->fsb = v;
		break;
	}
	arm(n);
}

/* Clear level-triggered interrupts whose status bits are written with 1. */
static void clear_status(uint64_t v)
{
	for (unsigned n = 0; n < HPET_TIMERS; n++) {
		if (!(v & hpet.isr & (1ull << n)))
			continue;
		hpet.isr &= ~(1ull << n);
		struct comparator *c = &hpet.t[n];
		if (c->asserted) {
			c->asserted = false;
			gsi_set_level((unsigned)((c->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT),
				      false);
		}
	}
}

static void write64(uint64_t reg, uint64_t v, uint64_t mask)
{
	v = (read64(reg) & ~mask) | (v & mask);
	if (reg == REG_CONFIG) {
		uint64_t ns = now_ns(), count = counter_at(ns);
		if ((v & CFG_ENABLE) && !running())
			rearm();
		hpet.config = v & (CFG_ENABLE | CFG_LEGACY);
		hpet.counter = count;
		hpet.base_ns = ns;
		arm_all();
	} else if (reg == REG_ISR) {
		clear_status(v & mask);
	} else if (reg == REG_COUNTER) {
		rearm();
		hpet.counter = v;
		hpet.base_ns = now_ns();
		arm_all();
	} else if (reg >= REG_TIMER0 && reg < REG_TIMER0 + HPET_TIMERS * TIMER_STEP) {
		write_timer((unsigned)((reg - REG_TIMER0) / TIMER_STEP),
			    (reg - REG_TIMER0) % TIMER_STEP, v);
	}
}

/* Accesses of 1, 2, 4 or 8 bytes anywhere in a 64-bit register. */
static uint64_t hpet_read(struct mmio_device *d, uint64_t offset, unsigned size)
{
	(void)d, (void)size; /* the caller keeps the low size bytes */
	unsigned shift = (unsigned)(offset & 7) * 8;
	return read64(offset & ~7ull) >> shift;
}

static void hpet_write(struct mmio_device *d, uint64_t offset, unsigned size, uint64_t value)
{
	(void)d;
	unsigned shift = (unsigned)(offset & 7) * 8;
	uint64_t mask = (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1) << shift;
	write64(offset & ~7ull, value << shift, mask);
}

/* Host time the emulation of an access took: the HPET does not see it pass. */
static void hpet_emulation_time(struct mmio_device *d, uint64_t ns)
{
	(void)d;
	device_clock_charge(&hpet.clock, ns);
}

static struct mmio_device device = {.name = "HPET",
				    .paddr = HPET_PADDR_BASE,
				    .size = 0x1000,
				    .read = hpet_read,
				    .write = hpet_write,
				    .emulation_time = hpet_emulation_time};

int hpet_init(void)
{
	for (unsigned n = 0; n < HPET_TIMERS; n++) {
		struct comparator *c = &hpet.t[n];
		c->config =
		    TN_SIZE_CAP | TN_FSB_CAP | HPET_ROUTE_CAP << 32 | (n == 0 ? TN_PER_CAP : 0);
		c->cmp = ~0ull;
		c->timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		c->timer.ready = on_timer;
		if (c->timer.fd < 0 || loop_add_interrupt(&c->timer, EPOLLIN) != 0)
			return -1;
	}
	mmio_attach(&device);
	return 0;
}
