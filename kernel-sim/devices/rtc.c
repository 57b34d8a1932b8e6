/*
 * A Motorola MC146818 CMOS real-time clock at ports 0x70 (index) and 0x71
 * (data), as on a PC: time, date and alarm in BCD or binary and on a 12- or
 * 24-hour clock as register B says, the once-a-second update cycle with its
 * update-in-progress flag, the periodic, alarm and update-ended interrupts
 * on ISA line 8, and 114 bytes of CMOS memory, the century among them.
 *
 * The clock starts at the host's time of day (UTC) and then follows the
 * host's monotonic clock, its seconds turning when the host's do. Nothing
 * is stored as register contents that the clock derives: the registers
 * show the clock's current second in the current format (changing DM or
 * 24/12 shows the same time in the new format at once, as QEMU's model
 * does, where the chip would leave the old bytes until the next update).
 * Interrupt flags are worked out when they are looked at, and a timerfd
 * wakes kernel-sim only for the next flag that can raise the line.
 */
#include "bus.h"
#include "acpi.h"
#include "irq_lines.h"
#include "../host/loop.h"
#include <sim/rtc.h>

#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S	1000000000ll
#define CRYSTAL_HZ	32768ll
#define SECONDS_PER_DAY 86400ll
/* UIP rises 244 us before an update cycle of 1984 us; the new second shows at its end. */
#define UIP_NS (244000ll + 1984000ll)
/* A divider taken out of reset starts its first update half a second later. */
#define FIRST_UPDATE_NS (NS_PER_S / 2)
/* The registers show years 0-9999: 25 Gregorian cycles of 400 years. */
#define YEAR_0	    (-62167219200ll) /* 0000-01-01 00:00:00 */
#define TEN_K_YEARS (25ll * 146097 * SECONDS_PER_DAY)

static struct {
	uint8_t index;
	uint8_t ram[RTC_BYTES]; /* alarm bytes, A (but UIP), B, CMOS memory */
	/* The clock: base seconds at the update end base_ns; the divider's phase. */
	int64_t base, base_ns;
	int64_t held; /* the seconds while updates are inhibited or the divider is stopped */
	uint8_t wday_offset;
	/* Flags of register C, worked out up to flags_ns. */
	uint8_t flags;
	int64_t flags_ns;
	struct event_source timer;
} rtc = {.timer = {.fd = -1}};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* --- the calendar (proleptic Gregorian, days since 1970-01-01) ------ */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y += floor_div(m - 1, 12);
	m = m - 1 - 12 * floor_div(m - 1, 12) + 1;
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct civil {
	int64_t year;
	int month, day, hour, minute, second, wday; /* wday 0 = Sunday */
};

static struct civil civil_from_seconds(int64_t t)
{
	struct civil c;
	int64_t days = floor_div(t, SECONDS_PER_DAY), s = t - days * SECONDS_PER_DAY;
	c.hour = (int)(s / 3600);
	c.minute = (int)(s / 60 % 60);
	c.second = (int)(s % 60);
	c.wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	int64_t z = days + 719468, era = floor_div(z, 146097), doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c.year = yoe + era * 400 + (c.month <= 2);
	return c;
}

static int64_t seconds_from_civil(const struct civil *c)
{
	return days_from_civil(c->year, c->month, c->day) * SECONDS_PER_DAY + c->hour * 3600ll +
	       c->minute * 60ll + c->second;
}

/* --- register formats -------------------------------------------------- */

static bool binary(void)
{
	return rtc.ram[RTC_REG_B] & RTC_B_DM;
}

static uint8_t encode(int v)
{
	v = (v % 100 + 100) % 100; /* a register holds two digits */
	return binary() ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int decode(uint8_t v)
{
	return binary() ? v : (v >> 4) * 10 + (v & 0xf);
}

static uint8_t encode_hour(int h)
{
	if (rtc.ram[RTC_REG_B] & RTC_B_24H)
		return encode(h);
	return (uint8_t)(encode(h % 12 ? h % 12 : 12) | (h >= 12 ? RTC_HOUR_PM : 0));
}

static int decode_hour(uint8_t v)
{
	if (rtc.ram[RTC_REG_B] & RTC_B_24H)
		return decode(v);
	return decode(v & (uint8_t)~RTC_HOUR_PM) % 12 + (v & RTC_HOUR_PM ? 12 : 0);
}

/* --- the clock --------------------------------------------------------- */

/* The divider runs on a time base (DV 000-010); 11x holds it in reset. */
static bool divider_running(void)
{
	return (rtc.ram[RTC_REG_A] >> RTC_A_DV_SHIFT & 7) <= 2;
}

static bool updating(void)
{
	return divider_running() && !(rtc.ram[RTC_REG_B] & RTC_B_SET);
}

/* Update cycles ended since the divider's phase, up to t. */
static int64_t updates_at(int64_t t)
{
	return floor_div(t - rtc.base_ns, NS_PER_S);
}

static int64_t clock_at(int64_t t)
{
	return updating() ? rtc.base + updates_at(t) : rtc.held;
}

/* The clock is set to secs at time t; the divider keeps its phase. */
static void set_clock(int64_t secs, int64_t t)
{
	secs = YEAR_0 + (secs - YEAR_0) - floor_div(secs - YEAR_0, TEN_K_YEARS) * TEN_K_YEARS;
	if (updating()) {
		rtc.base_ns += updates_at(t) * NS_PER_S;
		rtc.base = secs;
	} else {
		rtc.held = secs;
	}
}

static bool uip_at(int64_t t)
{
	if (!updating())
		return false;
	int64_t into = t - rtc.base_ns - updates_at(t) * NS_PER_S;
	return into >= NS_PER_S - UIP_NS;
}

/* Periodic edges: every 2^(RS-1) cycles of 32.768 kHz (RS 1 and 2 as 8 and 9). */
static int64_t periodic_cycles(void)
{
	unsigned rs = rtc.ram[RTC_REG_A] & RTC_A_RS_MASK;
	if (!rs || !divider_running())
		return 0;
	return 1ll << (rs < 3 ? rs + 6 : rs - 1);
}

static int64_t periodic_edges_at(int64_t t, int64_t cycles)
{
	return floor_div((int64_t)((__int128)(t - rtc.base_ns) * CRYSTAL_HZ / NS_PER_S), cycles);
}

static int64_t periodic_edge_time(int64_t edge, int64_t cycles)
{
	__int128 c = (__int128)edge * cycles * NS_PER_S;
	return rtc.base_ns + (int64_t)((c + CRYSTAL_HZ - 1) / CRYSTAL_HZ);
}

/* Does the alarm match the clock showing secs? Each alarm byte 11xxxxxx matches anything. */
static bool alarm_matches(int64_t secs)
{
	struct civil c = civil_from_seconds(secs);
	const uint8_t want[3] = {encode(c.second), encode(c.minute), encode_hour(c.hour)};
	for (int i = 0; i < 3; i++) {
		uint8_t alarm = rtc.ram[RTC_SECONDS_ALARM + 2 * i];
		if ((alarm & RTC_ALARM_DONT_CARE) != RTC_ALARM_DONT_CARE && alarm != want[i])
			return false;
	}
	return true;
}

static bool irq_due(void)
{
	uint8_t enabled = rtc.ram[RTC_REG_B] & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);
	return (rtc.flags & enabled) != 0; /* PF, AF, UF sit where PIE, AIE, UIE do */
}

/* IRQF rose: the line goes high (an edge on ISA line 8). */
static void raise_on_rise(bool was_due)
{
	/* The HPET's legacy replacement route takes line 8 from the RTC. */
	if (!was_due && irq_due() && !hpet_legacy_route())
		isa_irq_pulse(RTC_IRQ);
}

/* Set the flags of what happened from flags_ns to t; raise the line on IRQF's rise. */
static void work_out_flags(int64_t t)
{
	if (t <= rtc.flags_ns)
		return;
	bool was_due = irq_due();
	if (updating()) {
		int64_t first = updates_at(rtc.flags_ns) + 1, last = updates_at(t);
		if (last >= first) {
			rtc.flags |= RTC_C_UF;
			/* A day of seconds covers every alarm there is. */
			if (last - first >= SECONDS_PER_DAY)
				first = last - SECONDS_PER_DAY + 1;
			for (int64_t u = first; u <= last && !(rtc.flags & RTC_C_AF); u++)
				if (alarm_matches(rtc.base + u))
					rtc.flags |= RTC_C_AF;
		}
	}
	int64_t cycles = periodic_cycles();
	if (cycles && periodic_edges_at(t, cycles) > periodic_edges_at(rtc.flags_ns, cycles))
		rtc.flags |= RTC_C_PF;
	rtc.flags_ns = t;
	raise_on_rise(was_due);
}

/* Wake kernel-sim for the next flag that would raise the line (none while IRQF is set). */
static void arm(int64_t t)
{
	uint8_t b = rtc.ram[RTC_REG_B];
	int64_t next = 0;
	if (!irq_due()) {
		if ((b & (RTC_B_UIE | RTC_B_AIE)) && updating())
			next = rtc.base_ns + (updates_at(t) + 1) * NS_PER_S;
		int64_t cycles = periodic_cycles();
		if ((b & RTC_B_PIE) && cycles) {
			int64_t p = periodic_edge_time(periodic_edges_at(t, cycles) + 1, cycles);
			if (!next || p < next)
				next = p;
		}
	}
	struct itimerspec its;
	memset(&its, 0, sizeof(its));
	if (next) {
		its.it_value.tv_sec = (time_t)(next / NS_PER_S);
		its.it_value.tv_nsec = (long)(next % NS_PER_S);
	}
	timerfd_settime(rtc.timer.fd, TFD_TIMER_ABSTIME, &its, 0);
}

static void on_timer(struct event_source *s, uint32_t events)
{
	(void)events;
	uint64_t expirations;
	if (read(s->fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return;
	int64_t t = now_ns();
	work_out_flags(t);
	arm(t);
}

/* --- registers --------------------------------------------------------- */

static uint8_t read_register(unsigned reg, int64_t t)
{
	struct civil c = civil_from_seconds(clock_at(t));
	switch (reg) {
	case RTC_SECONDS:
		return encode(c.second);
	case RTC_MINUTES:
		return encode(c.minute);
	case RTC_HOURS:
		return encode_hour(c.hour);
	case RTC_DAY_OF_WEEK:
		return encode((c.wday + rtc.wday_offset) % 7 + 1);
	case RTC_DAY_OF_MONTH:
		return encode(c.day);
	case RTC_MONTH:
		return encode(c.month);
	case RTC_YEAR:
		return encode((int)(c.year % 100));
	case RTC_CENTURY:
		return encode((int)(c.year / 100 % 100));
	case RTC_REG_A:
		return (uint8_t)((rtc.ram[RTC_REG_A] & ~RTC_A_UIP) | (uip_at(t) ? RTC_A_UIP : 0));
	case RTC_REG_C: {
		work_out_flags(t);
		uint8_t v = (uint8_t)(rtc.flags | (irq_due() ? RTC_C_IRQF : 0));
		rtc.flags = 0; /* reading C clears the flags and lowers the line */
		arm(t);
		return v;
	}
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return rtc.ram[reg];
	}
}

/* A write to a time or date register sets that field of the clock. */
static void write_time(unsigned reg, uint8_t v, int64_t t)
{
	struct civil c = civil_from_seconds(clock_at(t));
	switch (reg) {
	case RTC_SECONDS:
		c.second = decode(v);
		break;
	case RTC_MINUTES:
		c.minute = decode(v);
		break;
	case RTC_HOURS:
		c.hour = decode_hour(v);
		break;
	case RTC_DAY_OF_MONTH:
		c.day = decode(v);
		break;
	case RTC_MONTH:
		c.month = decode(v);
		break;
	case RTC_YEAR:
		c.year = c.year - c.year % 100 + decode(v);
		break;
	case RTC_CENTURY:
		c.year = c.year % 100 + decode(v) * 100ll;
		break;
	}
	set_clock(seconds_from_civil(&c), t);
}

static void write_register_a(uint8_t v, int64_t t)
{
	bool was_running = divider_running();
	int64_t secs = clock_at(t);
	rtc.ram[RTC_REG_A] = v & (uint8_t)~RTC_A_UIP;
	if (was_running && !divider_running()) {
		rtc.held = secs;
	} else if (!was_running && divider_running()) {
		rtc.base_ns = t + FIRST_UPDATE_NS - NS_PER_S;
		rtc.base = secs;
		if (!updating())
			rtc.held = secs;
	}
}

static void write_register_b(uint8_t v, int64_t t)
{
	int64_t secs = clock_at(t);
	if (v & RTC_B_SET)
		v &= (uint8_t)~RTC_B_UIE; /* setting the time ends update-ended interrupts */
	bool was_updating = updating();
	rtc.ram[RTC_REG_B] = v;
	if (was_updating && !updating())
		rtc.held = secs;
	else if (!was_updating && updating())
		set_clock(secs, t);
}

static void write_register(unsigned reg, uint8_t v, int64_t t)
{
	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		write_time(reg, v, t);
		break;
	case RTC_DAY_OF_WEEK: {
		int wday = civil_from_seconds(clock_at(t)).wday;
		rtc.wday_offset = (uint8_t)(((decode(v) - 1 - wday) % 7 + 7) % 7);
		break;
	}
	case RTC_REG_A:
		write_register_a(v, t);
		break;
	case RTC_REG_B:
		write_register_b(v, t);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break; /* read-only */
	default:
		rtc.ram[reg] = v;
		break;
	}
}

static uint8_t rtc_read(struct io_device *d, uint16_t port)
{
	(void)d;
	if (port == RTC_INDEX_PORT)
		return 0xff; /* the index register cannot be read back */
	return read_register(rtc.index, now_ns());
}

static void rtc_write(struct io_device *d, uint16_t port, uint8_t value)
{
	(void)d;
	if (port == RTC_INDEX_PORT) {
		rtc.index =
		    value & (RTC_BYTES - 1); /* bit 7 masks the NMI: there is none to mask */
		return;
	}
	int64_t t = now_ns();
	work_out_flags(t); /* what happened under the old settings */
	bool was_due = irq_due();
	write_register(rtc.index, value, t);
	raise_on_rise(was_due); /* an interrupt enabled while its flag is set */
	arm(t);
}

static struct io_device device = {"MC146818 RTC", RTC_INDEX_PORT, RTC_DATA_PORT,
				  rtc_read,	  rtc_write,	  0};

int rtc_init(void)
{
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	int64_t t = now_ns();
	/* As the BIOS leaves it: 32.768 kHz, 1024 Hz periodic rate, BCD, 24 hours. */
	rtc.ram[RTC_REG_A] = RTC_A_DV_32KHZ | RTC_A_RS_1024_HZ;
	rtc.ram[RTC_REG_B] = RTC_B_24H;
	rtc.base = wall.tv_sec;
	rtc.base_ns = t - wall.tv_nsec; /* the seconds turn with the host's */
	rtc.flags_ns = t;
	rtc.timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (rtc.timer.fd < 0)
		return -1;
	rtc.timer.ready = on_timer;
	io_bus_attach(&device);
	return loop_add_interrupt(&rtc.timer, EPOLLIN);
}
