/*
 * A 16550 UART at ports 0x3f8-0x3ff on IRQ 4. Transmitted bytes appear on
 * kernel-sim's console (stdout); received bytes come from kernel-sim's stdin
 * when it is a terminal, or from the transmitter in loopback mode (MCR bit
 * 4). The IRQ line follows IER, the FIFO state and OUT2, as on a PC.
 */
#include "bus.h"
#include "../host/loop.h"
#include "../kernel/log.h"
#include "irq_lines.h"

#include <stdbool.h>
#include <sys/epoll.h>
#include <unistd.h>

#define UART_BASE 0x3f8
#define UART_IRQ  4

enum {
	RBR_THR = 0, /* DLL when DLAB */
	IER = 1,     /* DLM when DLAB */
	IIR_FCR = 2,
	LCR = 3,
	MCR = 4,
	LSR = 5,
	MSR = 6,
	SCR = 7,
};

#define IER_RDA	 0x01
#define IER_THRE 0x02
#define LCR_DLAB 0x80
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR	 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

static struct {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending; /* the transmitter-empty interrupt is due */
	bool line;	   /* the IRQ line as last driven */
	unsigned char rx[4096];
	unsigned rx_head, rx_len;
} u = {.dll = 12};

static struct event_source input = {.fd = -1};

static bool rx_ready(void)
{
	return u.rx_len > 0;
}

/* The interrupt identification the 16550 reports, 0x01 for none. */
static uint8_t iir(void)
{
	if ((u.ier & IER_RDA) && rx_ready())
		return 0x04;
	if ((u.ier & IER_THRE) && u.thre_pending)
		return 0x02;
	return 0x01;
}

/* Drive IRQ 4: an edge when an enabled condition appears. */
static void update_irq(void)
{
	bool line = iir() != 0x01 && (u.mcr & MCR_OUT2);
	if (line && !u.line)
		isa_irq_pulse(UART_IRQ);
	u.line = line;
}

static void rx_push(unsigned char c)
{
	if (u.rx_len < sizeof(u.rx)) {
		u.rx[(u.rx_head + u.rx_len) % sizeof(u.rx)] = c;
		u.rx_len++;
	}
}

static uint8_t rx_pop(void)
{
	if (!u.rx_len)
		return 0;
	uint8_t c = u.rx[u.rx_head];
	u.rx_head = (u.rx_head + 1) % sizeof(u.rx);
	u.rx_len--;
	return c;
}

static uint8_t uart_read(struct io_device *d, uint16_t port)
{
	(void)d;
	uint8_t v = 0;
	switch (port - UART_BASE) {
	case RBR_THR:
		v = (u.lcr & LCR_DLAB) ? u.dll : rx_pop();
		break;
	case IER:
		v = (u.lcr & LCR_DLAB) ? u.dlm : u.ier;
		break;
	case IIR_FCR:
		v = iir();
		if (v == 0x02)
			u.thre_pending = false; /* reading IIR clears the THRE interrupt */
		v |= (u.fcr & 1) ? 0xc0 : 0;
		break;
	case LCR:
		v = u.lcr;
		break;
	case MCR:
		v = u.mcr;
		break;
	case LSR:
		v = (rx_ready() ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
		break;
	case MSR:
		/* Loopback wires the modem outputs back; otherwise CTS, DSR, DCD. */
		v = (u.mcr & MCR_LOOP) ? (uint8_t)(((u.mcr & 0x02) << 3) | ((u.mcr & 0x01) << 5) |
						   ((u.mcr & 0x04) << 4) | ((u.mcr & 0x08) << 4))
				       : 0xb0;
		break;
	default:
		v = u.scr;
		break;
	}
	update_irq();
	return v;
}

static void uart_write(struct io_device *d, uint16_t port, uint8_t v)
{
	(void)d;
	switch (port - UART_BASE) {
	case RBR_THR:
		if (u.lcr & LCR_DLAB) {
			u.dll = v;
			break;
		}
		if (u.mcr & MCR_LOOP)
			rx_push(v);
		else
			console_putchar((char)v);
		u.thre_pending = true; /* sent at once: the holding register is empty again */
		break;
	case IER:
		if (u.lcr & LCR_DLAB) {
			u.dlm = v;
		} else {
			if ((v & IER_THRE) && !(u.ier & IER_THRE))
				u.thre_pending = true;
			u.ier = v & 0x0f;
		}
		break;
	case IIR_FCR:
		u.fcr = v;
		if (v & 0x02) {
			u.rx_head = 0;
			u.rx_len = 0;
		}
		break;
	case LCR:
		u.lcr = v;
		break;
	case MCR:
		u.mcr = v & 0x1f;
		break;
	case SCR:
		u.scr = v;
		break;
	default:
		break;
	}
	update_irq();
}

static void on_input(struct event_source *s, uint32_t events)
{
	(void)events;
	unsigned char buf[256];
	ssize_t n = read(s->fd, buf, sizeof(buf));
	if (n <= 0) {
		loop_del(s);
		return;
	}
	if (u.mcr & MCR_LOOP)
		return; /* the line is disconnected in loopback mode */
	for (ssize_t i = 0; i < n; i++)
		rx_push(buf[i]);
	update_irq();
}

static struct io_device uart = {"16550 UART", UART_BASE, UART_BASE + 7, uart_read, uart_write, 0};

int uart_init(void)
{
	io_bus_attach(&uart);
	if (isatty(STDIN_FILENO)) {
		input.fd = STDIN_FILENO;
		input.ready = on_input;
		loop_add_interrupt(&input, EPOLLIN);
	}
	return 0;
}
