/*
 * test-pit: device access through core. An IO_PORT session for the i8254
 * PIT (ports 0x40-0x43) programs channel 0 as a 100 Hz rate generator; an
 * IRQ session for IRQ 0 turns each tick into a signal. After ten ticks the
 * timer is stopped and a second IO_PORT session for the same ports is
 * refused (each port is handed out once).
 */
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>

#define TICKS 10

static struct connection ports, irq;
static struct signal_handler tick;
static unsigned long ticks;

static void out8(unsigned port, unsigned value)
{
	struct io_port_args a = {port, 1, value};
	io_port_session_out(ports.cap, &a, 0, 0, 0);
}

static void on_tick(struct signal_handler *h, unsigned long count)
{
	(void)h;
	ticks += count;
	irq_session_ack(irq.cap, 0, 0, 0, 0);
	if (ticks < TICKS)
		return;
	out8(0x43, 0x30); /* channel 0, mode 0: one shot, no more periodic ticks */
	log("%s ticks received", ticks >= TICKS ? "ten" : "too few");
	struct connection again;
	int err = io_port_connect(genode_env(), 0x40, 4, &again);
	log("second IO_PORT session for the PIT: %s", rpc_error_name(err));
	log("Test succeeded");
	env_exit(genode_env(), 0);
}

void component_construct(struct env *env)
{
	int err;
	if ((err = io_port_connect(env, 0x40, 4, &ports)) || (err = irq_connect(env, 0, &irq)) ||
	    (err = signal_handler_init(env, &tick, on_tick)) ||
	    (err = irq_session_sigh(irq.cap, 0, 0, tick.cap, 0))) {
		error("device sessions: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	struct io_port_args a = {0x41, 1, 0};
	struct io_port_value v;
	err = io_port_session_in(ports.cap, &a, &v, 0, 0);
	log("reading port 0x41 inside the session: %s", rpc_error_name(err));
	a.port = 0x60;
	err = io_port_session_in(ports.cap, &a, &v, 0, 0);
	log("reading port 0x60 outside the session: %s", rpc_error_name(err));
	unsigned divisor = 11932; /* 1193182 Hz / 100 */
	out8(0x43, 0x34);	  /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	out8(0x40, divisor & 0xff);
	out8(0x40, divisor >> 8);
}
