/* The PIT driver: one-shot interrupts and time from read-back counts. */
#include "pit.h"
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <sim/pit.h>

#define PIT_MAX_US (1000000ul * PIT_MAX_COUNT / PIT_TICKS_PER_SECOND)

static struct connection ports, irq;
static struct signal_handler irq_handler;
static void (*wakeup)(void);
static unsigned long now_us;	/* time counted so far */
static unsigned long last_read; /* counter value at the last read (or programming) */
static bool wrap_handled;	/* the wrap since programming is counted */

static void outb(unsigned port, unsigned value)
{
	struct io_port_args a = {port, 1, value & 0xff};
	io_port_session_out(ports.cap, &a, 0, 0, 0);
}

static unsigned inb(unsigned port)
{
	struct io_port_args a = {port, 1, 0};
	struct io_port_value v = {0};
	io_port_session_in(ports.cap, &a, &v, 0, 0);
	return (unsigned)v.value & 0xff;
}

/* Ticks as microseconds, rounded up. */
static unsigned long ticks_to_us(unsigned long ticks)
{
	unsigned long us = ticks * 1000000ul / PIT_TICKS_PER_SECOND;
	return us + (ticks * 1000000ul % PIT_TICKS_PER_SECOND ? 1 : 0);
}

/* Read count and status of channel 0 at once and add the ticks since the last read. */
static void advance(void)
{
	outb(PIT_CMD_PORT,
	     PIT_CMD_READ_BACK | PIT_CMD_RB_COUNT | PIT_CMD_RB_STATUS | PIT_CMD_RB_CHANNEL_0);
	unsigned status = inb(PIT_DATA_PORT_0);
	unsigned long lo = inb(PIT_DATA_PORT_0), hi = inb(PIT_DATA_PORT_0);
	unsigned long count = hi << 8 | lo;
	bool wrapped = (status & PIT_STAT_INT_LINE) && !wrap_handled;
	unsigned long diff =
	    !wrapped && last_read >= count ? last_read - count : PIT_MAX_COUNT - count + last_read;
	now_us += ticks_to_us(diff);
	last_read = count;
	if (status & PIT_STAT_INT_LINE)
		wrap_handled = true; /* count one wrap until the next programming */
}

unsigned long pit_now_us(void)
{
	advance();
	return now_us;
}

void pit_set_deadline(unsigned long deadline_us, unsigned long now)
{
	unsigned long rel = deadline_us > now ? deadline_us - now : 1;
	if (rel > PIT_MAX_US)
		rel = PIT_MAX_US;
	unsigned long count = rel * PIT_TICKS_PER_SECOND / 1000000ul;
	if (count > PIT_MAX_COUNT)
		count = PIT_MAX_COUNT;
	last_read = count;
	wrap_handled = false;
	outb(PIT_DATA_PORT_0, count & 0xff);
	outb(PIT_DATA_PORT_0, count >> 8);
}

static void on_irq(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	wakeup();
	irq_session_ack(irq.cap, 0, 0, 0, 0);
}

int pit_init(struct env *env, void (*fn)(void))
{
	wakeup = fn;
	int err;
	if ((err = io_port_connect(env, PIT_DATA_PORT_0, PIT_PORTS, &ports)) ||
	    (err = irq_connect(env, PIT_IRQ, &irq)) ||
	    (err = signal_handler_init(env, &irq_handler, on_irq)) ||
	    (err = irq_session_sigh(irq.cap, 0, 0, irq_handler.cap, 0)))
		return err;
	outb(PIT_CMD_PORT, PIT_CMD_SELECT_CHANNEL_0 | PIT_CMD_ACCESS_LO_HI | PIT_CMD_MODE_IRQ);
	on_irq(0, 0);
	return RPC_OK;
}
