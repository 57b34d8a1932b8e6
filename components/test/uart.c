/*
 * test-uart: device access through core's IO_PORT and IRQ services. The
 * 16550 UART in loopback mode returns every byte written; each one raises
 * IRQ 4, which arrives as a signal, and is read back.
 */
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>

#define UART 0x3f8

static const char message[] = "loopback";
static char received[sizeof(message)];
static unsigned long count;
static struct connection ports, irq;
static struct signal_handler rx;

static unsigned in8(unsigned port)
{
	struct io_port_args a = {port, 1, 0};
	struct io_port_value v = {0};
	io_port_session_in(ports.cap, &a, &v, 0, 0);
	return (unsigned)v.value;
}

static void out8(unsigned port, unsigned value)
{
	struct io_port_args a = {port, 1, value};
	io_port_session_out(ports.cap, &a, 0, 0, 0);
}

static void send_next(void)
{
	out8(UART, (unsigned char)message[count]);
}

static void on_rx(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	while (in8(UART + 5) & 1) /* LSR: data ready */
		received[count++] = (char)in8(UART);
	irq_session_ack(irq.cap, 0, 0, 0, 0);
	if (count < sizeof(message) - 1) {
		send_next();
		return;
	}
	log("received through IRQ 4: %s", received);
	struct io_port_args a = {0x60, 1, 0};
	struct io_port_value v;
	log("reading port 0x60 outside the session: %s",
	    rpc_error_name(io_port_session_in(ports.cap, &a, &v, 0, 0)));
	struct connection again;
	log("a second session for the UART: %s",
	    rpc_error_name(io_port_connect(genode_env(), UART, 8, &again)));
	log("Test succeeded");
	env_exit(genode_env(), 0);
}

void component_construct(struct env *env)
{
	int err;
	if ((err = io_port_connect(env, UART, 8, &ports)) || (err = irq_connect(env, 4, &irq)) ||
	    (err = signal_handler_init(env, &rx, on_rx)) ||
	    (err = irq_session_sigh(irq.cap, 0, 0, rx.cap, 0))) {
		error("UART sessions: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	out8(UART + 4, 0x18); /* MCR: loopback, OUT2 (the IRQ line) */
	out8(UART + 1, 0x01); /* IER: received data available */
	send_next();
}
