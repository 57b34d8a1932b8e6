/*
 * Interrupts, I/O ports and the simulated PC devices: the i8254 PIT on ports
 * 0x40-0x43 (IRQ 0, I/O APIC pin 2) and the 16550 UART at 0x3f8 (IRQ 4).
 */
#include "test.h"

#define PIT_HZ	    1193182ul
#define PIT_CH0	    0x40
#define PIT_CMD	    0x43
#define PIT_IRQ	    0
#define UART_BASE   0x3f8
#define UART_IRQ    4
#define UNUSED_PORT 0x2e0

/* The kernel's IRQ controller: an I/O APIC refuses plain IRQControl_Get. */
static bool pic_configured(void)
{
	seL4_CPtr slot = alloc_slot();
	seL4_Error e = seL4_IRQControl_Get(seL4_CapIRQControl, 15, ROOT_CNODE, slot, WORD_BITS);
	release_slot(slot);
	return e == seL4_NoError;
}

/* The handler's notification rules, on any handler cap. */
static void check_handler_notification(seL4_CPtr handler)
{
	seL4_CPtr ep = alloc_endpoint(), ntfn = alloc_notification(), ro = alloc_slot();
	test_eq(seL4_IRQHandler_SetNotification(handler, ep), seL4_InvalidCapability);
	test_eq(cnode_copy(ntfn, ro, seL4_CanRead), seL4_NoError);
	test_eq(seL4_IRQHandler_SetNotification(handler, ro), seL4_InvalidCapability);
	test_eq(seL4_IRQHandler_SetNotification(handler, ntfn), seL4_NoError);
	test_eq(seL4_IRQHandler_Clear(handler), seL4_NoError);
	test_eq(seL4_IRQHandler_Ack(handler), seL4_NoError);
	release_slot(ro);
	release_slot(ntfn);
	release_slot(ep);
}

/* KernelIRQController=PIC: IRQControl_Get for lines 0-15, nothing else. */
static void test_pic_control(void)
{
	seL4_CPtr slot = alloc_slot(), second = alloc_slot();
	test_eq(seL4_IRQControl_Get(seL4_CapIRQControl, 16, ROOT_CNODE, slot, WORD_BITS),
		seL4_RangeError);
	test_eq(seL4_GetMR(0), 0);
	test_eq(seL4_GetMR(1), 15);
	test_eq(seL4_IRQControl_Get(seL4_CapIRQControl, 7, ROOT_CNODE, slot, WORD_BITS),
		seL4_NoError);
	test_eq(cap_type(slot), seL4_CapType_IRQHandler);
	/* One handler cap per IRQ, until it is deleted. */
	test_eq(seL4_IRQControl_Get(seL4_CapIRQControl, 7, ROOT_CNODE, second, WORD_BITS),
		seL4_RevokeFirst);
	check_handler_notification(slot);
	test_eq(cnode_delete(slot), seL4_NoError);
	test_eq(seL4_IRQControl_Get(seL4_CapIRQControl, 7, ROOT_CNODE, second, WORD_BITS),
		seL4_NoError);
	/* No I/O APIC or MSI routing. */
	test_eq(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, slot, WORD_BITS, 0, 7, 0,
					  0, 1),
		seL4_IllegalOperation);
	test_eq(
	    seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, slot, WORD_BITS, 0, 0, 0, 0, 1),
	    seL4_IllegalOperation);
	free_slot(slot);
	release_slot(second);
}

static seL4_Error get_ioapic(seL4_CPtr slot, seL4_Word ioapic, seL4_Word pin, seL4_Word level,
			     seL4_Word polarity, seL4_Word vector)
{
	return seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, slot, WORD_BITS, ioapic,
					 pin, level, polarity, vector);
}

static seL4_Error get_msi(seL4_CPtr slot, seL4_Word bus, seL4_Word dev, seL4_Word func,
			  seL4_Word vector)
{
	return seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, slot, WORD_BITS, bus, dev,
				      func, 0, vector);
}

#define range_is(min, max)                                                                         \
	do {                                                                                       \
		test_eq(seL4_GetMR(0), min);                                                       \
		test_eq(seL4_GetMR(1), max);                                                       \
	} while (0)

/* KernelIRQController=IOAPIC, seL4's default: GetIOAPIC and GetMSI, vectors 0-107. */
static void test_ioapic_control(void)
{
	seL4_CPtr slot = alloc_slot(), second = alloc_slot();
	test_eq(seL4_IRQControl_Get(seL4_CapIRQControl, 7, ROOT_CNODE, slot, WORD_BITS),
		seL4_IllegalOperation);
	test_eq(sel4_invoke4(seL4_CapIRQControl, X86IRQIssueIRQHandlerIOAPIC, 6, 1, slot, WORD_BITS,
			     0, 0),
		seL4_TruncatedMessage);
	test_eq(get_ioapic(slot, 0, 7, 0, 0, 108), seL4_RangeError);
	range_is(0, 107);
	test_eq(get_ioapic(slot, 1, 7, 0, 0, 40), seL4_RangeError);
	range_is(0, 0);
	test_eq(get_ioapic(slot, 0, 24, 0, 0, 40), seL4_RangeError);
	range_is(0, 23);
	test_eq(get_ioapic(slot, 0, 7, 2, 0, 40), seL4_RangeError);
	range_is(0, 1);
	test_eq(get_ioapic(slot, 0, 7, 0, 2, 40), seL4_RangeError);
	range_is(0, 1);
	test_eq(get_ioapic(slot, 0, 7, 1, 1, 40), seL4_NoError);
	test_eq(cap_type(slot), seL4_CapType_IRQHandler);
	/* A vector has one handler at a time, whatever routes to it. */
	test_eq(get_ioapic(second, 0, 8, 0, 0, 40), seL4_RevokeFirst);
	test_eq(get_msi(second, 0, 3, 0, 40), seL4_RevokeFirst);
	check_handler_notification(slot);
	test_eq(cnode_delete(slot), seL4_NoError);
	test_eq(get_msi(second, 256, 0, 0, 40), seL4_RangeError);
	range_is(0, 255);
	test_eq(get_msi(second, 0, 32, 0, 40), seL4_RangeError);
	range_is(0, 31);
	test_eq(get_msi(second, 0, 0, 8, 40), seL4_RangeError);
	range_is(0, 7);
	test_eq(get_msi(second, 0, 3, 0, 40), seL4_NoError);
	check_handler_notification(second);
	/* The last vector, then the first. */
	test_eq(get_msi(slot, 0, 3, 1, 107), seL4_NoError);
	test_eq(cnode_delete(slot), seL4_NoError);
	test_eq(get_ioapic(slot, 0, 0, 0, 0, 0), seL4_NoError);
	release_slot(slot);
	release_slot(second);
}

static void test_irq_control(void)
{
	if (pic_configured())
		test_pic_control();
	else
		test_ioapic_control();
}
DEFINE_TEST(IRQ0001, "IRQControl: the configured controller's invocations and their errors",
	    test_irq_control);

static void test_io_port_control(void)
{
	seL4_CPtr slot = alloc_slot();
	test_eq(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, UNUSED_PORT + 4, UNUSED_PORT,
					     ROOT_CNODE, slot, WORD_BITS),
		seL4_InvalidArgument);
	seL4_CPtr ports = io_ports(UNUSED_PORT, UNUSED_PORT + 3);
	test_assert(ports);
	test_eq(cap_type(ports), seL4_CapType_IOPort);
	/* Overlapping ranges are refused until the cap is deleted. */
	test_eq(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, UNUSED_PORT + 3,
					     UNUSED_PORT + 8, ROOT_CNODE, slot, WORD_BITS),
		seL4_RevokeFirst);
	/* Accesses must fall inside the cap's range, every byte of them. */
	test_eq(seL4_X86_IOPort_In8(ports, UNUSED_PORT - 1).error, seL4_IllegalOperation);
	test_eq(seL4_X86_IOPort_In32(ports, UNUSED_PORT + 1).error, seL4_IllegalOperation);
	test_eq(seL4_X86_IOPort_Out16(ports, UNUSED_PORT + 3, 0), seL4_IllegalOperation);
	/* Nothing is attached there: reads float high. */
	seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(ports, UNUSED_PORT);
	test_eq(r.error, seL4_NoError);
	test_eq(r.result, 0xffffffffu);
	test_eq(seL4_X86_IOPort_Out8(ports, UNUSED_PORT, 0x55), seL4_NoError);
	/* A copy of an I/O port cap is allowed; of the control cap, not. */
	seL4_CPtr copy = alloc_slot();
	test_eq(cnode_copy(ports, copy, seL4_AllRights), seL4_NoError);
	test_eq(seL4_X86_IOPort_In8(copy, UNUSED_PORT).error, seL4_NoError);
	test_eq(cnode_copy(seL4_CapIOPortControl, slot, seL4_AllRights), seL4_IllegalOperation);
	release_slot(copy);
	release_slot(ports);
	ports = io_ports(UNUSED_PORT + 3, UNUSED_PORT + 8);
	test_check(ports != 0);
	release_slot(ports);
	free_slot(slot);
}
DEFINE_TEST(IOPORT0001, "IOPortControl_Issue and port range checks", test_io_port_control);

/* Program PIT channel 0: mode, then a 16-bit count, low byte first. */
static void pit_program(seL4_CPtr ports, unsigned mode, unsigned count)
{
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0x30 | (mode << 1));
	seL4_X86_IOPort_Out8(ports, PIT_CH0, count & 0xff);
	seL4_X86_IOPort_Out8(ports, PIT_CH0, (count >> 8) & 0xff);
}

static void test_pit_one_shot(void)
{
	test_assert(sim_tsc_mhz(boot_info) > 0);
	seL4_CPtr ntfn, irq = isa_irq_handler(PIT_IRQ, &ntfn);
	seL4_CPtr ports = io_ports(PIT_CH0, PIT_CMD);
	test_assert(irq && ports);
	const unsigned count = 23864; /* 20 ms */
	const uint64_t programmed_ns = count * 1000000000ul / PIT_HZ;
	uint64_t t0 = tsc_now();
	pit_program(ports, 0, count);
	seL4_Word word = 0;
	seL4_Wait(ntfn, &word);
	uint64_t elapsed = tsc_ns(t0, tsc_now());
	test_eq(word, 1ul << PIT_IRQ);
	/* Never early (1% for the TSC calibration), and not absurdly late. */
	test_check(elapsed >= programmed_ns - programmed_ns / 100);
	test_check(elapsed < programmed_ns + 2000000000ul);
	/* Mode 0 fires once: acknowledged, nothing more comes. */
	test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	spin_ns(3 * programmed_ns);
	test_check(!signalled(ntfn));
	release_slot(ports);
	release_slot(irq);
	release_slot(ntfn);
}
DEFINE_TEST(PIT0001, "PIT one-shot: IRQ 0 through a notification, no earlier than programmed",
	    test_pit_one_shot);

static void test_pit_rate_generator(void)
{
	seL4_CPtr ntfn, irq = isa_irq_handler(PIT_IRQ, &ntfn);
	seL4_CPtr ports = io_ports(PIT_CH0, PIT_CMD);
	test_assert(irq && ports);
	const unsigned count = 11932; /* 10 ms */
	const uint64_t period_ns = count * 1000000000ul / PIT_HZ;
	const int ticks = 5;
	uint64_t t0 = tsc_now();
	pit_program(ports, 2, count);
	for (int i = 0; i < ticks; i++) {
		seL4_Wait(ntfn, NULL);
		test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	}
	uint64_t elapsed = tsc_ns(t0, tsc_now());
	test_check(elapsed >= ticks * period_ns - ticks * period_ns / 100);
	/* Unacknowledged, the line stays masked: at most one signal waits. */
	spin_ns(4 * period_ns);
	test_check(signalled(ntfn));
	test_check(!signalled(ntfn));
	/* A new mode without a count stops the counter. */
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0x30);
	test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	signalled(ntfn);
	spin_ns(3 * period_ns);
	test_check(!signalled(ntfn));
	release_slot(ports);
	release_slot(irq);
	release_slot(ntfn);
}
DEFINE_TEST(PIT0002, "PIT rate generator: periodic IRQ 0, masked until acknowledged",
	    test_pit_rate_generator);

static unsigned pit_read_count(seL4_CPtr ports)
{
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0x00); /* latch channel 0 */
	unsigned lo = seL4_X86_IOPort_In8(ports, PIT_CH0).result;
	unsigned hi = seL4_X86_IOPort_In8(ports, PIT_CH0).result;
	return lo | hi << 8;
}

static void test_pit_read_back(void)
{
	seL4_CPtr ports = io_ports(PIT_CH0, PIT_CMD);
	test_assert(ports);
	const unsigned count = 60000; /* about 50 ms a period */
	pit_program(ports, 2, count);
	/* Read-back: latch channel 0's status only. */
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0xe2);
	unsigned status = seL4_X86_IOPort_In8(ports, PIT_CH0).result;
	test_eq(status & 0x3f, 0x34); /* low/high access, mode 2, binary */
	/* The latched count falls between readings, within the reload value. */
	unsigned c1 = pit_read_count(ports);
	spin_ns(5000000);
	unsigned c2 = pit_read_count(ports);
	test_check(c1 <= count && c2 <= count);
	test_check(c2 < c1);
	/* About 5 ms of 1.193182 MHz ticks apart (generously bounded). */
	test_check(c1 - c2 >= 5000 && c1 - c2 <= 40000);
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0x30);
	release_slot(ports);
}
DEFINE_TEST(PIT0003, "PIT read-back status and counter latch", test_pit_read_back);

/*
 * Latch channel 0's count, bracketed by the TSC: the latch happened between
 * *before and the return; false if the bracket is wider than limit_ns (the
 * host delayed the trap).
 */
static bool pit_sample(seL4_CPtr ports, uint64_t limit_ns, uint64_t *tsc, unsigned *count)
{
	uint64_t before = tsc_now();
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0x00);
	uint64_t after = tsc_now();
	unsigned lo = seL4_X86_IOPort_In8(ports, PIT_CH0).result;
	unsigned hi = seL4_X86_IOPort_In8(ports, PIT_CH0).result;
	*tsc = before + (after - before) / 2;
	*count = lo | hi << 8;
	return tsc_ns(before, after) <= limit_ns;
}

/*
 * The TSC calibrated against PIT channel 0 as libplatsupport's
 * tsc_calculate_frequency_pit does it (mode 2, counts latched through port
 * 0x43), in windows of 300 ms: the reloads in a window are those the boot
 * info's frequency makes likely (a PIT off by 4% would be counted a reload
 * wrong and miss by 18%), so none is lost when the host delays the reader.
 * It agrees with the boot info's TSC frequency.
 */
static void test_pit_tsc_calibration(void)
{
	seL4_CPtr ports = io_ports(PIT_CH0, PIT_CMD);
	test_assert(ports);
	pit_program(ports, 2, 0); /* 65536 ticks: 54.9 ms a period */
	const uint64_t window_ns = 300000000, bracket_ns = 1000000;
	uint64_t tsc_total = 0, ticks_total = 0;
	for (int attempt = 0, windows = 0; attempt < 20 && windows < 3; attempt++) {
		uint64_t t0, t1;
		unsigned c0, c1;
		if (!pit_sample(ports, bracket_ns, &t0, &c0))
			continue;
		spin_ns(window_ns);
		if (!pit_sample(ports, bracket_ns, &t1, &c1))
			continue;
		uint64_t part = (c0 - c1) & 0xffff;
		uint64_t expected = tsc_ns(t0, t1) * PIT_HZ / 1000000000ul;
		uint64_t reloads = (expected + 32768 - part) / 65536;
		tsc_total += t1 - t0;
		ticks_total += reloads * 65536 + part;
		windows++;
	}
	seL4_X86_IOPort_Out8(ports, PIT_CMD, 0x30);
	release_slot(ports);
	test_assert(ticks_total >= PIT_HZ * 3 / 4);
	uint64_t mhz_x1000 = tsc_total * PIT_HZ / ticks_total / 1000;
	uint64_t boot_x1000 = sim_tsc_mhz(boot_info) * 1000;
	/* 1%: the boot info's whole MHz, brackets of up to 1 ms in 300 ms windows */
	test_check(mhz_x1000 * 100 >= boot_x1000 * 99 && mhz_x1000 * 100 <= boot_x1000 * 101);
}
DEFINE_TEST(PIT0004, "TSC calibrated against PIT channel 0 agrees with the boot info's",
	    test_pit_tsc_calibration);

static void test_uart_loopback(void)
{
	seL4_CPtr ntfn, irq = isa_irq_handler(UART_IRQ, &ntfn);
	seL4_CPtr ports = io_ports(UART_BASE, UART_BASE + 7);
	test_assert(irq && ports);
	seL4_X86_IOPort_Out8(ports, UART_BASE + 3, 0x03); /* 8N1 */
	seL4_X86_IOPort_Out8(ports, UART_BASE + 4, 0x18); /* loopback, OUT2 */
	seL4_X86_IOPort_Out8(ports, UART_BASE + 1, 0x01); /* IRQ on received data */
	test_eq(seL4_X86_IOPort_In8(ports, UART_BASE + 5).result & 0x61, 0x60); /* empty, idle */
	seL4_X86_IOPort_Out8(ports, UART_BASE, 'x');
	seL4_Word word = 0;
	seL4_Wait(ntfn, &word);
	test_eq(word, 1ul << UART_IRQ);
	test_eq(seL4_X86_IOPort_In8(ports, UART_BASE + 2).result & 0x0f, 0x04); /* IIR: RX data */
	test_eq(seL4_X86_IOPort_In8(ports, UART_BASE + 5).result & 0x01, 0x01); /* LSR: ready */
	test_eq(seL4_X86_IOPort_In8(ports, UART_BASE).result, 'x');
	test_eq(seL4_X86_IOPort_In8(ports, UART_BASE + 5).result & 0x01, 0);
	test_eq(seL4_X86_IOPort_In8(ports, UART_BASE + 2).result & 0x01, 0x01); /* no IRQ due */
	test_eq(seL4_IRQHandler_Ack(irq), seL4_NoError);
	/* The scratch register keeps what is written. */
	seL4_X86_IOPort_Out8(ports, UART_BASE + 7, 0xa5);
	test_eq(seL4_X86_IOPort_In8(ports, UART_BASE + 7).result, 0xa5);
	seL4_X86_IOPort_Out8(ports, UART_BASE + 1, 0x00);
	seL4_X86_IOPort_Out8(ports, UART_BASE + 4, 0x00);
	release_slot(ports);
	release_slot(irq);
	release_slot(ntfn);
}
DEFINE_TEST(UART0001, "16550 loopback: a byte sent comes back with IRQ 4", test_uart_loopback);
