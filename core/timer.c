/*
 * The Timer service: core drives the i8254 PIT's channel 0 in one-shot mode
 * for the nearest deadline of all sessions (at most ~55 ms per shot; longer
 * waits take several) and measures time with the TSC, whose frequency the
 * boot info reports. Core keeps the PIT's ports and IRQ 0 for itself.
 */
#include "core.h"
#include "io.h"
#include "session.h"
#include "signal.h"
#include <base/roottask.h>
#include <genode/layout.h>
#include <genode/timer_session.h>

#define PIT_HZ	      1193182ul
#define PIT_MAX_TICKS 0xffffu

struct timer_session {
	struct core_session s;
	unsigned long deadline_us; /* 0: none armed */
	seL4_Word sigh;
	struct timer_session *next;
};

static struct timer_session *sessions;
static seL4_CPtr pit_ports, pit_irq;
static unsigned long tsc_mhz;
static bool pit_ok;

static unsigned long now_us(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	unsigned long tsc = (unsigned long)hi << 32 | lo;
	return tsc_mhz ? tsc / tsc_mhz : 0;
}

/* Program the next one-shot for the nearest deadline, if any. */
static void arm(void)
{
	unsigned long next = 0, now = now_us();
	for (struct timer_session *t = sessions; t; t = t->next)
		if (t->deadline_us && (!next || t->deadline_us < next))
			next = t->deadline_us;
	if (!next || !pit_ok)
		return;
	unsigned long wait = next > now ? next - now : 1;
	unsigned long ticks = wait * PIT_HZ / 1000000 + 1;
	if (ticks > PIT_MAX_TICKS)
		ticks = PIT_MAX_TICKS;
	seL4_X86_IOPort_Out8(pit_ports, 0x43, 0x30); /* channel 0, lo/hi, mode 0 */
	seL4_X86_IOPort_Out8(pit_ports, 0x40, ticks & 0xff);
	seL4_X86_IOPort_Out8(pit_ports, 0x40, (ticks >> 8) & 0xff);
}

void timer_irq(void)
{
	unsigned long now = now_us();
	for (struct timer_session *t = sessions; t; t = t->next)
		if (t->deadline_us && t->deadline_us <= now) {
			t->deadline_us = 0;
			signal_submit_badge(t->sigh, 1);
		}
	seL4_IRQHandler_Ack(pit_irq);
	arm();
}

void timer_init(const seL4_BootInfo *bi, seL4_CPtr ports, seL4_CPtr irq)
{
	tsc_mhz = sim_tsc_mhz(bi);
	pit_ports = ports;
	pit_irq = irq;
	pit_ok = tsc_mhz && pit_ports && pit_irq;
	if (!pit_ok)
		core_log("core: no Timer service (PIT or TSC frequency unavailable)\n");
}

static int timer_create(struct core_session *s, const char *args)
{
	(void)args;
	struct timer_session *t = (struct timer_session *)s;
	if (!pit_ok)
		return RPC_DENIED;
	t->next = sessions;
	sessions = t;
	return RPC_OK;
}

static void timer_destroy(struct core_session *s)
{
	struct timer_session *t = (struct timer_session *)s;
	for (struct timer_session **p = &sessions; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
}

RPC_SERVER(timer_session_interface, TIMER_SESSION_RPC);

const struct core_service timer_service = {
    .name = "Timer",
    .ram_cost = 0,
    .create = timer_create,
    .destroy = timer_destroy,
    .iface = &timer_session_interface,
    .size = sizeof(struct timer_session),
};

int serve_timer_session_trigger_once(void *obj, const struct timer_trigger_args *in,
				     struct rpc_none *out, struct rpc_cap_arg *cap_in,
				     seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct timer_session *t = obj;
	unsigned long us = in->us > (1ul << 40) ? 1ul << 40 : in->us;
	t->deadline_us = now_us() + (us ? us : 1);
	arm();
	return RPC_OK;
}

int serve_timer_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	((struct timer_session *)obj)->sigh = signal_badge_arg(cap_in);
	return RPC_OK;
}

int serve_timer_session_elapsed(void *obj, const struct rpc_none *in,
				struct timer_elapsed_result *out, struct rpc_cap_arg *cap_in,
				seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)cap_in, (void)cap_out;
	out->us = now_us();
	out->ms = out->us / 1000;
	return RPC_OK;
}
