#include "device_clock.h"

void device_clock_charge(struct device_clock *c, uint64_t ns)
{
	c->charged += ns < DEVICE_CLOCK_MAX_CHARGE ? ns : DEVICE_CLOCK_MAX_CHARGE;
	if (c->charged > DEVICE_CLOCK_MAX_LAG)
		c->charged = DEVICE_CLOCK_MAX_LAG; /* the lag is capped there anyway */
}

uint64_t device_clock_read(struct device_clock *c, uint64_t host_ns)
{
	uint64_t elapsed = host_ns > c->read_at ? host_ns - c->read_at : 0;
	uint64_t uncharged = elapsed > c->charged ? elapsed - c->charged : 0;
	uint64_t shrink = uncharged / DEVICE_CLOCK_CATCH_UP;
	c->lag = c->lag > shrink ? c->lag - shrink : 0;
	c->lag += c->charged;
	if (c->lag > DEVICE_CLOCK_MAX_LAG)
		c->lag = DEVICE_CLOCK_MAX_LAG;
	c->charged = 0;
	if (host_ns > c->read_at)
		c->read_at = host_ns;
	uint64_t v = host_ns > c->lag ? host_ns - c->lag : 0;
	if (v > c->given)
		c->given = v;
	return c->given;
}
