#include "access_time.h"
#include "fault_cost.h"
#include "loop.h"
#include "thread.h"
#include "tsc.h"
#include "../devices/mmio.h"
#include "../kernel/object.h"

/* TSC ticks from a to b; a difference that comes out negative is none. */
static uint64_t ticks_between(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

void access_time_begin(struct tcb *t, struct mmio_device *d, const struct sim_trap *trap,
		       bool writes)
{
	struct host_thread *h = t->host;
	if (!h || !d->emulation_time)
		return;
	if (writes)
		h->programming = ACCESS_PROGRAMMING;
	else if (h->programming > 0)
		h->programming--;
	else
		return; /* a read of a thread that programs nothing: on host time */
	uint64_t now = tsc_now();
	d->emulation_time(d,
			  tsc_to_ns(fault_cost_delivery() + ticks_between(trap->entry_tsc, now)));
	h->access_dev = d;
	h->access_tsc = now;
	h->access_event = loop_event();
	h->access_answered = false;
}

uint64_t access_time_answer(struct host_thread *h)
{
	struct mmio_device *d = h->access_dev;
	if (!d || h->access_answered || h->access_event != loop_event()) {
		h->access_dev = NULL;
		return 0;
	}
	uint64_t now = tsc_now();
	d->emulation_time(d, tsc_to_ns(ticks_between(h->access_tsc, now)));
	h->access_tsc = now;
	h->access_answered = true;
	return now;
}

void access_time_trapped(struct host_thread *h, const struct sim_trap *trap)
{
	struct mmio_device *d = h->access_dev;
	h->access_dev = NULL;
	if (!d || !h->access_answered)
		return;
	h->access_answered = false;
	/* the runtime's own difference; one with the top bit set came out negative */
	uint64_t resume = (int64_t)trap->resume_ticks > 0 ? trap->resume_ticks : 0;
	d->emulation_time(d, tsc_to_ns(resume) + tsc_to_ns(fault_cost_return()));
}
