/* The clock of a device whose accesses take no device time (devices/device_clock.c). */
#include "check.h"
#include "devices/device_clock.h"

#define US 1000ull
#define MS 1000000ull
#define T0 (1000 * MS) /* host time of the first reading */

/* A clock read once at T0, without lag. */
static struct device_clock fresh(void)
{
	struct device_clock c = {0};
	device_clock_read(&c, T0);
	return c;
}

/* Without charges the device keeps host time. */
static void follows_host_time(void)
{
	struct device_clock c = fresh();
	CHECK(device_clock_read(&c, T0) == T0);
	CHECK(device_clock_read(&c, T0 + 5 * MS) == T0 + 5 * MS);
	CHECK(device_clock_read(&c, T0 + 7 * MS) == T0 + 7 * MS);
}

/* An access charged as it was emulated: a read after it gives the time at its start. */
static void charge_stands_still(void)
{
	struct device_clock c = fresh();
	uint64_t entry = T0 + 100 * US, arrival = entry + 20 * US;
	device_clock_charge(&c, arrival - entry);
	CHECK(device_clock_read(&c, arrival) == entry);
	/* the answer and the resume: still standing */
	device_clock_charge(&c, 25 * US);
	device_clock_charge(&c, 15 * US);
	CHECK(device_clock_read(&c, arrival + 40 * US) == entry);
}

/*
 * libplatsupport's retry: counter, comparator + 10 us, counter again, each
 * access 40 us of emulation and 2 us of component code in between. The
 * device sees the component's 4 us and the catch-up of the lag only.
 */
static void retry_fits_in_ten_us(void)
{
	struct device_clock c = fresh();
	uint64_t h = T0, first = 0, last = 0;
	for (int access = 0; access < 3; access++) {
		h += 2 * US;  /* component code: the device sees it */
		h += 20 * US; /* entry to arrival */
		device_clock_charge(&c, 20 * US);
		uint64_t v = device_clock_read(&c, h);
		if (access == 0)
			first = v;
		last = v;
		h += 20 * US; /* to the answer and the resumption */
		device_clock_charge(&c, 20 * US);
	}
	CHECK(last > first);
	CHECK(last - first < 10 * US);
	CHECK(last - first >= 4 * US);
}

/* The lag never exceeds its bound: a device charged without pause runs at host rate then. */
static void lag_capped(void)
{
	struct device_clock c = fresh();
	uint64_t h = T0;
	for (uint64_t i = 0; i < 2 * DEVICE_CLOCK_MAX_LAG / (500 * US); i++) {
		h += 500 * US;
		device_clock_charge(&c, 500 * US);
		CHECK(device_clock_read(&c, h) >= h - DEVICE_CLOCK_MAX_LAG);
	}
	CHECK(c.lag == DEVICE_CLOCK_MAX_LAG);
	CHECK(device_clock_read(&c, h) == h - DEVICE_CLOCK_MAX_LAG);
}

/* Uncharged time: the lag shrinks by an eighth of it (the device runs at 9/8). */
static void catches_up_at_nine_eighths(void)
{
	struct device_clock c = fresh();
	for (int i = 0; i < 8; i++)
		device_clock_charge(&c, 1 * MS);
	uint64_t h = T0 + 8 * MS;
	CHECK(device_clock_read(&c, h) == T0);
	CHECK(device_clock_read(&c, h + 8 * MS) == T0 + 9 * MS);
	CHECK(c.lag == 7 * MS);
	/* read often or once: the same */
	for (int i = 1; i <= 8; i++)
		device_clock_read(&c, h + 8 * MS + i * 1 * MS);
	CHECK(c.lag == 6 * MS);
	/* and no further than host time */
	CHECK(device_clock_read(&c, h + 200 * MS) == h + 200 * MS);
	CHECK(c.lag == 0);
}

/* A charge after a reading moves nothing given out backwards. */
static void never_backwards(void)
{
	struct device_clock c = fresh();
	uint64_t v = device_clock_read(&c, T0 + 1 * MS);
	device_clock_charge(&c, 1 * MS); /* reported late: covers time before that reading */
	uint64_t w = device_clock_read(&c, T0 + 1 * MS + 10 * US);
	CHECK(w >= v);
	CHECK(w == v); /* it stands until the device's time catches up with what was given */
	uint64_t later = device_clock_read(&c, T0 + 3 * MS);
	CHECK(later > w);
	/* a host time before the last reading gives no earlier time */
	CHECK(device_clock_read(&c, T0) == later);
}

/* Two CPUs charge the same interval: the device stands, no catch-up meanwhile. */
static void overlapping_charges(void)
{
	struct device_clock c = fresh();
	device_clock_charge(&c, 300 * US);
	device_clock_charge(&c, 300 * US);
	CHECK(device_clock_read(&c, T0 + 300 * US) == T0);
	CHECK(c.lag == 600 * US);
	/* then it runs at 9/8 again: 900 us of device time in 800 us */
	CHECK(device_clock_read(&c, T0 + 1100 * US) == T0 + 600 * US);
	CHECK(c.lag == 500 * US);
}

/* What a PD reports is clamped: 1 ms a charge, DEVICE_CLOCK_MAX_LAG in all, no overflow. */
static void hostile_charges(void)
{
	struct device_clock c = fresh();
	device_clock_charge(&c, ~0ull);
	CHECK(device_clock_read(&c, T0) == T0);
	CHECK(c.lag == 1 * MS);
	for (int i = 0; i < 100000; i++)
		device_clock_charge(&c, ~0ull - (uint64_t)i);
	CHECK(device_clock_read(&c, T0 + 1 * US) >= T0 + 1 * US - DEVICE_CLOCK_MAX_LAG);
	CHECK(c.lag == DEVICE_CLOCK_MAX_LAG);
	device_clock_charge(&c, 0);
	/* it stands (never backwards) until host time has caught up with what was given */
	CHECK(device_clock_read(&c, T0 + 2 * US) == T0);
	/* caught up after eight times the lag */
	uint64_t later = T0 + 2 * US + 8 * DEVICE_CLOCK_MAX_LAG;
	CHECK(device_clock_read(&c, later) == later);
}

int main(void)
{
	RUN(follows_host_time);
	RUN(charge_stands_still);
	RUN(retry_fits_in_ten_us);
	RUN(lag_capped);
	RUN(catches_up_at_nine_eighths);
	RUN(never_backwards);
	RUN(overlapping_charges);
	RUN(hostile_charges);
	return check_failures != 0;
}
