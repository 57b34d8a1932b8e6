/*
 * An Intel 8254 programmable interval timer at ports 0x40-0x43, counting at
 * 1.193182 MHz. Channel 0 drives IRQ 0 through a timerfd; every mode is
 * accepted, with modes 0, 1, 4 and 5 firing once at the terminal count and
 * modes 2 and 3 periodically. The counter latch, read-back command and
 * status byte work as on the chip.
 */
#include "bus.h"
#include "acpi.h"
#include "../host/loop.h"
#include "irq_lines.h"

#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define PIT_HZ	 1193182ull
#define PIT_IRQ	 0
#define PIT_DATA 0x40
#define PIT_CMD	 0x43

struct channel {
	uint8_t rw;   /* 1 low byte, 2 high byte, 3 low then high */
	uint8_t mode; /* 0..5 */
	uint8_t bcd;
	uint32_t reload;      /* 1..65536 */
	bool loaded;	      /* a count was written since the mode */
	bool write_high_next; /* second byte of a low/high write */
	uint16_t partial;
	bool read_high_next;
	bool count_latched;
	uint16_t latch;
	bool status_latched;
	uint8_t status;
	uint64_t start_ns;
};

static struct channel ch[3];
static struct event_source timer = {.fd = -1};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t ticks_since(const struct channel *c)
{
	return (uint64_t)((unsigned __int128)(now_ns() - c->start_ns) * PIT_HZ / 1000000000ull);
}

static bool periodic(const struct channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

static uint16_t current_count(const struct channel *c)
{
	if (!c->loaded)
		return (uint16_t)c->reload;
	uint64_t t = ticks_since(c);
	if (periodic(c))
		return (uint16_t)(c->reload - t % c->reload);
	return (uint16_t)(c->reload - t); /* counts on through zero, as the chip does */
}

static bool output(const struct channel *c)
{
	if (!c->loaded)
		return c->mode != 0;
	uint64_t t = ticks_since(c);
	switch (c->mode) {
	case 0:
		return t >= c->reload;
	case 3:
		return t % c->reload < (c->reload + 1) / 2;
	case 2:
		return t % c->reload != c->reload - 1;
	default:
		return t < c->reload;
	}
}

static uint8_t status_byte(const struct channel *c)
{
	return (uint8_t)((output(c) ? 0x80 : 0) | (c->loaded ? 0 : 0x40) | (c->rw << 4) |
			 (c->mode << 1) | c->bcd);
}

static void arm_timer(const struct channel *c)
{
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	if (c->loaded) {
		uint64_t ns = c->reload * 1000000000ull / PIT_HZ;
		if (ns == 0)
			ns = 1;
		its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
		its.it_value.tv_nsec = (long)(ns % 1000000000ull);
		if (periodic(c))
			its.it_interval = its.it_value;
	}
	timerfd_settime(timer.fd, 0, &its, 0);
}

static void load(int n, uint16_t value)
{
	struct channel *c = &ch[n];
	c->reload = value ? value : 65536;
	c->loaded = true;
	c->start_ns = now_ns();
	if (n == 0)
		arm_timer(c);
}

static void write_count(int n, uint8_t value)
{
	struct channel *c = &ch[n];
	switch (c->rw) {
	case 1:
		load(n, value);
		break;
	case 2:
		load(n, (uint16_t)(value << 8));
		break;
	default:
		if (!c->write_high_next) {
			c->partial = value;
			c->write_high_next = true;
		} else {
			c->write_high_next = false;
			load(n, (uint16_t)(c->partial | value << 8));
		}
		break;
	}
}

static uint8_t read_count(int n)
{
	struct channel *c = &ch[n];
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	uint16_t v = c->count_latched ? c->latch : current_count(c);
	uint8_t byte;
	switch (c->rw) {
	case 1:
		byte = (uint8_t)v;
		c->count_latched = false;
		break;
	case 2:
		byte = (uint8_t)(v >> 8);
		c->count_latched = false;
		break;
	default:
		byte = c->read_high_next ? (uint8_t)(v >> 8) : (uint8_t)v;
		if (c->read_high_next)
			c->count_latched = false;
		c->read_high_next = !c->read_high_next;
		break;
	}
	return byte;
}

static void latch_count(struct channel *c)
{
	if (!c->count_latched) {
		c->latch = current_count(c);
		c->count_latched = true;
		c->read_high_next = false;
	}
}

static void command(uint8_t v)
{
	unsigned sc = v >> 6;
	if (sc == 3) {
		/* Read-back: bit 5 clear latches counts, bit 4 clear latches status. */
		for (int n = 0; n < 3; n++) {
			if (!(v & (2u << n)))
				continue;
			if (!(v & 0x20))
				latch_count(&ch[n]);
			if (!(v & 0x10) && !ch[n].status_latched) {
				ch[n].status = status_byte(&ch[n]);
				ch[n].status_latched = true;
			}
		}
		return;
	}
	struct channel *c = &ch[sc];
	unsigned rw = (v >> 4) & 3;
	if (rw == 0) {
		latch_count(c);
		return;
	}
	unsigned mode = (v >> 1) & 7;
	c->rw = (uint8_t)rw;
	c->mode = (uint8_t)(mode > 5 ? mode - 4 : mode);
	c->bcd = v & 1;
	c->loaded = false;
	c->write_high_next = false;
	c->read_high_next = false;
	c->count_latched = false;
	if (sc == 0)
		arm_timer(c); /* stopped until a count arrives */
}

static uint8_t pit_read(struct io_device *d, uint16_t port)
{
	(void)d;
	return port == PIT_CMD ? 0xff : read_count(port - PIT_DATA);
}

static void pit_write(struct io_device *d, uint16_t port, uint8_t value)
{
	(void)d;
	if (port == PIT_CMD)
		command(value);
	else
		write_count(port - PIT_DATA, value);
}

static void on_timer(struct event_source *s, uint32_t events)
{
	(void)events;
	uint64_t expirations;
	/* The HPET's legacy replacement route takes line 0 from the PIT. */
	if (read(s->fd, &expirations, sizeof(expirations)) == sizeof(expirations) && expirations &&
	    !hpet_legacy_route())
		isa_irq_pulse(PIT_IRQ);
}

static struct io_device pit = {"i8254 PIT", PIT_DATA, PIT_CMD, pit_read, pit_write, 0};

int pit_init(void)
{
	timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (timer.fd < 0)
		return -1;
	timer.ready = on_timer;
	for (int n = 0; n < 3; n++)
		ch[n] = (struct channel){.rw = 3, .reload = 65536};
	io_bus_attach(&pit);
	return loop_add_interrupt(&timer, EPOLLIN);
}
