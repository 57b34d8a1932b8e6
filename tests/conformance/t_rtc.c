/*
 * The PC's CMOS real-time clock (MC146818) at ports 0x70/0x71: the time
 * and date read as libplatsupport reads them (rtc_get_time_date), the
 * update-in-progress protocol, setting the clock, and its interrupts on
 * ISA line 8.
 */
#include "test.h"
#include <sim/rtc.h>

static seL4_CPtr ports;

static uint8_t cmos_read(unsigned reg)
{
	seL4_X86_IOPort_Out8(ports, RTC_INDEX_PORT, reg);
	return (uint8_t)seL4_X86_IOPort_In8(ports, RTC_DATA_PORT).result;
}

static void cmos_write(unsigned reg, uint8_t value)
{
	seL4_X86_IOPort_Out8(ports, RTC_INDEX_PORT, reg);
	seL4_X86_IOPort_Out8(ports, RTC_DATA_PORT, value);
}

static bool rtc_open(void)
{
	if (ports) /* left by a case that failed an assertion: the ports are issued once */
		release_slot(ports);
	ports = io_ports(RTC_INDEX_PORT, RTC_DATA_PORT);
	return ports != 0;
}

static void rtc_close(void)
{
	cmos_write(RTC_REG_B, RTC_B_24H); /* as the BIOS left it */
	cmos_read(RTC_REG_C);
	release_slot(ports);
	ports = 0;
}

struct rtc_raw {
	uint8_t second, minute, hour, day, month, year, century;
};

/* libplatsupport's read_rtc: wait while an update is in progress, then read. */
static struct rtc_raw read_raw(void)
{
	while (cmos_read(RTC_REG_A) & RTC_A_UIP)
		;
	return (struct rtc_raw){cmos_read(RTC_SECONDS), cmos_read(RTC_MINUTES),
				cmos_read(RTC_HOURS),	cmos_read(RTC_DAY_OF_MONTH),
				cmos_read(RTC_MONTH),	cmos_read(RTC_YEAR),
				cmos_read(RTC_CENTURY)};
}

struct date {
	int year, month, day, hour, minute, second;
};

static int unbcd(uint8_t v)
{
	return (v & 0xf) + (v >> 4) * 10;
}

/* libplatsupport's rtc_get_time_date_reg: two equal reads, then register B's formats. */
static struct date read_date(void)
{
	struct rtc_raw a, b;
	do {
		a = read_raw();
		b = read_raw();
	} while (memcmp(&a, &b, sizeof(a)) != 0);
	uint8_t reg_b = cmos_read(RTC_REG_B);
	struct date d = {a.year, a.month, a.day, a.hour, a.minute, a.second};
	int century = a.century;
	if (!(reg_b & RTC_B_DM)) {
		d.second = unbcd(a.second);
		d.minute = unbcd(a.minute);
		d.hour = unbcd(a.hour & 0x7f) | (a.hour & 0x80);
		d.day = unbcd(a.day);
		d.month = unbcd(a.month);
		d.year = unbcd(a.year);
		century = unbcd(a.century);
	}
	/* 12 hours: 12 AM is 0, 12 PM is 12 (libplatsupport has them the other way round) */
	if (!(reg_b & RTC_B_24H))
		d.hour = (d.hour & 0x7f) % 12 + (d.hour & RTC_HOUR_PM ? 12 : 0);
	d.year += century * 100;
	return d;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return days[m - 1] + (m == 2 && leap(y));
}

/* Seconds since 1970-01-01 (years from 1970 on). */
static int64_t seconds_of(struct date d)
{
	int64_t days = d.day - 1;
	for (int y = 1970; y < d.year; y++)
		days += leap(y) ? 366 : 365;
	for (int m = 1; m < d.month; m++)
		days += days_in_month(d.year, m);
	return days * 86400 + d.hour * 3600 + d.minute * 60 + d.second;
}

static bool valid(struct date d)
{
	return d.year >= 1970 && d.year < 2200 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
	       d.day <= days_in_month(d.year, d.month) && d.hour >= 0 && d.hour < 24 &&
	       d.minute >= 0 && d.minute < 60 && d.second >= 0 && d.second < 60;
}

static bool bcd(uint8_t v)
{
	return (v & 0xf) <= 9 && (v >> 4) <= 9;
}

static void test_rtc_read(void)
{
	test_assert(rtc_open());
	/* As the BIOS leaves the clock: 32.768 kHz, 1024 Hz, BCD, 24 hours, valid. */
	test_eq(cmos_read(RTC_REG_A) & 0x7f, RTC_A_DV_32KHZ | RTC_A_RS_1024_HZ);
	test_eq(cmos_read(RTC_REG_B), RTC_B_24H);
	test_eq(cmos_read(RTC_REG_D), RTC_D_VRT);
	/* Bit 7 of the index masks the NMI on a PC; it does not change the register. */
	test_eq(cmos_read(0x80 | RTC_REG_D), RTC_D_VRT);
	test_eq(seL4_X86_IOPort_In8(ports, RTC_INDEX_PORT).result, 0xff);

	struct rtc_raw raw = read_raw();
	test_check(bcd(raw.second) && bcd(raw.minute) && bcd(raw.hour) && bcd(raw.day) &&
		   bcd(raw.month) && bcd(raw.year) && bcd(raw.century));
	struct date d = read_date();
	test_assert(valid(d));
	printf("rtc clock at %04d-%02d-%02dT%02d:%02d:%02dZ\n", d.year, d.month, d.day, d.hour,
	       d.minute, d.second);
	/* The day of the week follows the date: 1970-01-01 was a Thursday (5). */
	int64_t t = seconds_of(d);
	test_eq(unbcd(cmos_read(RTC_DAY_OF_WEEK)), (t / 86400 + 4) % 7 + 1);

	/* One second a second. */
	spin_ns(1100000000ul);
	int64_t later = seconds_of(read_date());
	test_check(later - t >= 1 && later - t <= 5);

	/* Binary and 12-hour formats show the same time (an hour's turn in between retries). */
	for (int attempt = 0; attempt < 3; attempt++) {
		struct date bcd24 = read_date();
		cmos_write(RTC_REG_B, RTC_B_DM);
		struct date bin12 = read_date();
		cmos_write(RTC_REG_B, RTC_B_24H);
		if (bcd24.minute != read_date().minute)
			continue;
		test_eq(bin12.hour, bcd24.hour);
		test_eq(bin12.day, bcd24.day);
		test_eq(bin12.year, bcd24.year);
		break;
	}

	/* CMOS memory keeps what is written; C and D are read-only. */
	cmos_write(0x40, 0xa5);
	test_eq(cmos_read(0x40), 0xa5);
	cmos_write(0x7f, 0x5a);
	test_eq(cmos_read(0x7f), 0x5a);
	cmos_write(RTC_REG_D, 0);
	test_eq(cmos_read(RTC_REG_D), RTC_D_VRT);
	rtc_close();
}
DEFINE_TEST(RTC0001, "CMOS clock read as libplatsupport does: BCD, 24 hours, a valid date",
	    test_rtc_read);

/* Poll register A until UIP reads as want; false after limit_ns. */
static bool uip_becomes(bool want, uint64_t limit_ns)
{
	uint64_t t0 = tsc_now();
	while (!!(cmos_read(RTC_REG_A) & RTC_A_UIP) != want)
		if (tsc_ns(t0, tsc_now()) > limit_ns)
			return false;
	return true;
}

static void set_date(struct date d)
{
	cmos_write(RTC_SECONDS, (uint8_t)(d.second / 10 << 4 | d.second % 10));
	cmos_write(RTC_MINUTES, (uint8_t)(d.minute / 10 << 4 | d.minute % 10));
	cmos_write(RTC_HOURS, (uint8_t)(d.hour / 10 << 4 | d.hour % 10));
	cmos_write(RTC_DAY_OF_MONTH, (uint8_t)(d.day / 10 << 4 | d.day % 10));
	cmos_write(RTC_MONTH, (uint8_t)(d.month / 10 << 4 | d.month % 10));
	cmos_write(RTC_YEAR, (uint8_t)(d.year % 100 / 10 << 4 | d.year % 10));
	cmos_write(RTC_CENTURY, (uint8_t)(d.year / 1000 << 4 | d.year / 100 % 10));
}

static struct date date_of(int64_t t)
{
	struct date d = {1970, 1, 1, 0, 0, 0};
	int64_t days = t / 86400, s = t % 86400;
	d.hour = (int)(s / 3600), d.minute = (int)(s / 60 % 60), d.second = (int)(s % 60);
	while (days >= (leap(d.year) ? 366 : 365))
		days -= leap(d.year++) ? 366 : 365;
	while (days >= days_in_month(d.year, d.month))
		days -= days_in_month(d.year, d.month++);
	d.day = (int)days + 1;
	return d;
}

static void test_rtc_update_cycle(void)
{
	test_assert(rtc_open());
	/*
	 * UIP rises before an update; the new second shows once it has fallen.
	 * UIP is set for 2.2 ms a second: a poll the host delays misses it, so
	 * a few seconds are tried (up to ten: each takes a second).
	 */
	bool turned = false;
	for (int attempt = 0; attempt < 10 && !turned; attempt++) {
		if (!uip_becomes(false, 100000000ul) || !uip_becomes(true, 1100000000ul))
			continue;
		uint8_t before = cmos_read(RTC_SECONDS);
		/* A host that held this thread past the update read the new second already. */
		if (!(cmos_read(RTC_REG_A) & RTC_A_UIP) || !uip_becomes(false, 100000000ul))
			continue;
		test_eq(unbcd(cmos_read(RTC_SECONDS)), (unbcd(before) + 1) % 60);
		turned = true;
	}
	test_assert(turned);

	/* SET stops the updates (UIP stays clear) and ends update-ended interrupts. */
	struct date now = read_date();
	uint64_t t0 = tsc_now();
	cmos_write(RTC_REG_B, RTC_B_SET | RTC_B_UIE | RTC_B_24H);
	test_eq(cmos_read(RTC_REG_B), RTC_B_SET | RTC_B_24H);
	uint8_t held = cmos_read(RTC_SECONDS);
	test_check(!uip_becomes(true, 1100000000ul));
	test_eq(cmos_read(RTC_SECONDS), held);

	/* Set to the last second of 2099: the clock turns to 2100 with its century. */
	set_date((struct date){2099, 12, 31, 23, 59, 59});
	cmos_write(RTC_REG_B, RTC_B_24H);
	struct date d;
	uint64_t t1 = tsc_now();
	do
		d = read_date();
	while (d.year == 2099 && tsc_ns(t1, tsc_now()) < 3000000000ul);
	test_eq(d.year, 2100);
	test_eq(d.month, 1);
	test_eq(d.day, 1);
	test_eq(d.hour, 0);
	test_eq(d.minute, 0);
	test_check(d.second <= 2);
	test_eq(cmos_read(RTC_DAY_OF_WEEK), 6); /* a Friday */

	/* 12-hour binary: 0x8b is 11 PM, 0x23 on the 24-hour BCD clock. */
	cmos_write(RTC_REG_B, RTC_B_SET | RTC_B_DM);
	cmos_write(RTC_HOURS, 0x8b);
	test_eq(cmos_read(RTC_HOURS), 0x8b);
	cmos_write(RTC_REG_B, RTC_B_SET | RTC_B_24H);
	test_eq(cmos_read(RTC_HOURS), 0x23);

	/* Back to the time it was, plus the time that passed. */
	cmos_write(RTC_REG_B, RTC_B_SET | RTC_B_24H);
	set_date(date_of(seconds_of(now) + (int64_t)(tsc_ns(t0, tsc_now()) / 1000000000ul)));
	cmos_write(RTC_REG_B, RTC_B_24H);
	rtc_close();
}
DEFINE_TEST(RTC0002, "CMOS clock update cycle: UIP before the second turns, SET, century",
	    test_rtc_update_cycle);

/* Wait up to limit_ns for the handler's notification. */
static bool irq_within(seL4_CPtr ntfn, uint64_t limit_ns)
{
	uint64_t t0 = tsc_now();
	while (!signalled(ntfn))
		if (tsc_ns(t0, tsc_now()) > limit_ns)
			return false;
	return true;
}

static void test_rtc_interrupts(void)
{
	test_assert(rtc_open());
	seL4_CPtr ntfn, irq = isa_irq_handler(RTC_IRQ, &ntfn);
	test_assert(irq);
	cmos_read(RTC_REG_C);

	/* Update-ended: once a second; C tells why and reading it clears it. */
	cmos_write(RTC_REG_B, RTC_B_UIE | RTC_B_24H);
	for (int i = 0; i < 2; i++) {
		test_assert(irq_within(ntfn, 1500000000ul));
		uint64_t read_at = tsc_now();
		uint8_t c = cmos_read(RTC_REG_C), again = cmos_read(RTC_REG_C);
		test_eq(c & (RTC_C_IRQF | RTC_C_UF), RTC_C_IRQF | RTC_C_UF);
		/*
		 * Cleared by the read, unless the host held this thread until the
		 * next update (PF sets at 1024 Hz whether enabled or not).
		 */
		test_check((again & (RTC_C_IRQF | RTC_C_UF)) == 0 ||
			   tsc_ns(read_at, tsc_now()) > 900000000ul);
		test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	}
	/* Not read, C keeps IRQF set: the line stays high, no new edge. */
	test_assert(irq_within(ntfn, 1500000000ul));
	test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	test_check(!irq_within(ntfn, 1200000000ul));
	test_eq(cmos_read(RTC_REG_C) & (RTC_C_IRQF | RTC_C_UF), RTC_C_IRQF | RTC_C_UF);
	/* IRQF is the flags gated by their enables: a flag that is not enabled leaves it clear. */
	test_assert(irq_within(ntfn, 1500000000ul));
	cmos_write(RTC_REG_B, RTC_B_24H);
	test_eq(cmos_read(RTC_REG_C) & (RTC_C_IRQF | RTC_C_UF), RTC_C_UF);
	test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);

	/*
	 * Periodic at 128 Hz (RS 9): ten interrupts take at least eight periods
	 * (the first edge may come before t0, between reading C and enabling).
	 */
	const unsigned rs = 9, count = 10;
	const uint64_t period_ns = 1000000000ul / 128;
	cmos_write(RTC_REG_A, RTC_A_DV_32KHZ | rs);
	cmos_read(RTC_REG_C);
	uint64_t t0 = tsc_now();
	cmos_write(RTC_REG_B, RTC_B_PIE | RTC_B_24H);
	for (unsigned i = 0; i < count; i++) {
		test_assert(irq_within(ntfn, 1000000000ul));
		test_eq(cmos_read(RTC_REG_C) & (RTC_C_IRQF | RTC_C_PF), RTC_C_IRQF | RTC_C_PF);
		test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	}
	test_check(tsc_ns(t0, tsc_now()) >= (count - 2) * period_ns);
	cmos_write(RTC_REG_B, RTC_B_24H);
	cmos_write(RTC_REG_A, RTC_A_DV_32KHZ | RTC_A_RS_1024_HZ);
	cmos_read(RTC_REG_C);
	signalled(ntfn);

	/* Alarm: two seconds on, any minute and hour; not before that second. */
	test_assert(uip_becomes(false, 1200000000ul));
	unsigned second = (unbcd(cmos_read(RTC_SECONDS)) + 2) % 60;
	cmos_write(RTC_SECONDS_ALARM, (uint8_t)(second / 10 << 4 | second % 10));
	cmos_write(RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
	cmos_write(RTC_HOURS_ALARM, 0xff);
	cmos_write(RTC_REG_B, RTC_B_AIE | RTC_B_24H);
	test_assert(irq_within(ntfn, 3500000000ul));
	/* Not before that second; a loaded host may read the clock a little later. */
	unsigned at = (unsigned)unbcd(cmos_read(RTC_SECONDS));
	test_check((at + 60 - second) % 60 <= 2);
	test_eq(cmos_read(RTC_REG_C) & (RTC_C_IRQF | RTC_C_AF), RTC_C_IRQF | RTC_C_AF);
	test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	release_slot(irq);
	release_slot(ntfn);
	rtc_close();
}
DEFINE_TEST(RTC0003, "CMOS clock interrupts on ISA line 8: update-ended, periodic, alarm",
	    test_rtc_interrupts);
