/*
 * The PC's firmware and its HPET as seL4 programs find them: the RSDP in
 * the BIOS area (and its copy in the boot info), the RSDT/XSDT with the MADT
 * and the HPET table, and the HPET itself, whose registers are emulated by
 * kernel-sim trap by trap: its counter, and comparator interrupts through
 * the I/O APIC (edge and level) and as MSIs.
 */
#include "test.h"

#define BIOS_START 0xe0000ul
#define BIOS_END   0x100000ul
#define DEV_VADDR  0x30000000ul /* where these tests map device frames */

/* A device page mapped at DEV_VADDR + slot pages. */
struct dev_page {
	struct device_frame df;
	seL4_CPtr tables[3];
	volatile uint8_t *va;
};

static bool dev_map(struct dev_page *p, seL4_Word paddr, unsigned slot)
{
	*p = (struct dev_page){0};
	seL4_Word va = DEV_VADDR + slot * seL4_PageSize;
	if (!device_frame_at(paddr & ~(seL4_PageSize - 1), &p->df) ||
	    !map_in_root(p->df.frame, va, seL4_ReadWrite, p->tables))
		return false;
	p->va = (volatile uint8_t *)(va + (paddr & (seL4_PageSize - 1)));
	return true;
}

static void dev_unmap(struct dev_page *p)
{
	unmap_in_root(p->df.frame, p->tables);
	device_frame_release(&p->df);
}

static uint8_t sum(const volatile uint8_t *p, seL4_Word n)
{
	uint8_t s = 0;
	for (seL4_Word i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static uint32_t le32(const volatile uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const volatile uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Scan the BIOS area for "RSD PTR " at 16-byte boundaries, as libplatsupport does. */
static seL4_Word find_rsdp(uint8_t copy[36])
{
	for (seL4_Word page = BIOS_START; page < BIOS_END; page += seL4_PageSize) {
		struct dev_page p;
		if (!dev_map(&p, page, 0))
			return 0;
		for (seL4_Word off = 0; off < seL4_PageSize; off += 16) {
			const volatile uint8_t *r = p.va + off;
			if (r[0] == 'R' && r[1] == 'S' && r[2] == 'D' && r[3] == ' ' &&
			    r[4] == 'P' && r[5] == 'T' && r[6] == 'R' && r[7] == ' ' &&
			    sum(r, 20) == 0) {
				for (int i = 0; i < 36; i++)
					copy[i] = r[i];
				dev_unmap(&p);
				return page + off;
			}
		}
		dev_unmap(&p);
	}
	return 0;
}

/* The table at paddr: its signature must match and its checksum be right. */
static bool check_table(seL4_Word paddr, const char sig[4], uint8_t *copy, seL4_Word max)
{
	struct dev_page p;
	if (!dev_map(&p, paddr, 1))
		return false;
	uint32_t len = le32(p.va + 4);
	bool ok = p.va[0] == sig[0] && p.va[1] == sig[1] && p.va[2] == sig[2] &&
		  p.va[3] == sig[3] && len <= max && (paddr & 0xfff) + len <= seL4_PageSize &&
		  sum(p.va, len) == 0;
	for (uint32_t i = 0; ok && i < len; i++)
		copy[i] = p.va[i];
	dev_unmap(&p);
	return ok;
}

static void test_acpi_tables(void)
{
	uint8_t rsdp[36];
	seL4_Word at = find_rsdp(rsdp);
	test_assert(at >= BIOS_START && at < BIOS_END);
	test_eq(rsdp[15], 2); /* ACPI 2.0: XSDT too */
	test_eq(sum(rsdp, 36), 0);
	/* seL4 hands the root task a copy of it in the extra boot info. */
	const seL4_BootInfoHeader *h =
	    sim_boot_info_chunk(boot_info, SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP);
	test_assert(h && h->len == sizeof(*h) + 36);
	test_eq(memcmp(h + 1, rsdp, 36), 0);

	static uint8_t rsdt[256], xsdt[256], table[1024], dsdt[256];
	test_assert(check_table(le32(rsdp + 16), "RSDT", rsdt, sizeof(rsdt)));
	test_assert(check_table(le64(rsdp + 24), "XSDT", xsdt, sizeof(xsdt)));
	uint32_t entries = (le32(rsdt + 4) - 36) / 4;
	test_eq((le32(xsdt + 4) - 36) / 8, entries);
	bool madt = false, hpet = false, fadt = false;
	for (uint32_t i = 0; i < entries; i++) {
		seL4_Word paddr = le32(rsdt + 36 + 4 * i);
		test_eq(le64(xsdt + 36 + 8 * i), paddr);
		if (check_table(paddr, "APIC", table, sizeof(table))) {
			madt = true;
			test_eq(le32(table + 36), 0xfee00000); /* the local APIC */
			/* a processor per node and one I/O APIC at 0xfec00000, GSIs from 0 */
			unsigned cpus = 0, ioapics = 0, overrides = 0;
			for (uint32_t off = 44; off + 2 <= le32(table + 4); off += table[off + 1]) {
				if (table[off] == 0)
					cpus++;
				if (table[off] == 1) {
					ioapics++;
					test_eq(le32(table + off + 4), 0xfec00000);
					test_eq(le32(table + off + 8), 0);
				}
				if (table[off] == 2) {
					/* as on a PC: ISA line 0 (the PIT) is pin 2 */
					overrides++;
					test_eq(table[off + 1], 10);
					test_eq(table[off + 2], 0); /* ISA */
					test_eq(table[off + 3], 0);
					test_eq(le32(table + off + 4), 2);
				}
				test_assert(table[off + 1] >= 2);
			}
			test_eq(cpus, boot_info->numNodes);
			test_eq(ioapics, 1);
			test_eq(overrides, 1);
		} else if (check_table(paddr, "HPET", table, sizeof(table))) {
			hpet = true;
			test_eq(table[40], 0); /* the base is in system memory */
			test_eq(le64(table + 44), 0xfed00000);
		} else if (check_table(paddr, "FACP", table, sizeof(table))) {
			/* ACPI 5.0, hardware-reduced, the CMOS clock's century byte */
			fadt = true;
			test_eq(table[8], 5);
			test_eq(le32(table + 4), 268);
			test_eq(table[108], 0x32);     /* CENTURY */
			test_eq(table[109] & 0x20, 0); /* IAPC_BOOT_ARCH: CMOS RTC present */
			test_eq(le32(table + 112) & (1u << 20), 1u << 20); /* HW_REDUCED_ACPI */
			test_eq(le64(table + 140), le32(table + 40));	   /* X_DSDT, DSDT */
			test_assert(check_table(le32(table + 40), "DSDT", dsdt, sizeof(dsdt)));
		}
	}
	test_assert(madt && hpet && fadt);
}
DEFINE_TEST(ACPI0001,
	    "RSDP in the BIOS area and the boot info, RSDT, XSDT, MADT, HPET table, FADT, DSDT",
	    test_acpi_tables);

/* The firmware's memory map in the boot info: RAM where the untypeds say. */
static void test_memory_map(void)
{
	const seL4_X86_BootInfo_mmap_t *m = (const seL4_X86_BootInfo_mmap_t *)sim_boot_info_chunk(
	    boot_info, SEL4_BOOTINFO_HEADER_X86_MBMMAP);
	test_assert(m && m->header.len == sizeof(*m));
	unsigned n = m->mmap_length / sizeof(m->mmap[0]);
	test_assert(n >= 2 && n <= SEL4_MULTIBOOT_MAX_MMAP_ENTRIES);
	/* every RAM untyped lies in a RAM region of the map */
	for (seL4_Word i = 0; i < boot_info->untyped.end - boot_info->untyped.start; i++) {
		const seL4_UntypedDesc *u = &boot_info->untypedList[i];
		if (u->isDevice)
			continue;
		bool inside = false;
		for (unsigned e = 0; e < n; e++)
			inside |= m->mmap[e].type == SEL4_MULTIBOOT_RAM_REGION_TYPE &&
				  u->paddr >= m->mmap[e].base_addr &&
				  u->paddr + (1ul << u->sizeBits) <=
				      m->mmap[e].base_addr + m->mmap[e].length;
		test_assert(inside);
	}
	test_eq(boot_info->numIOPTLevels, (seL4_Word)-1); /* no IOMMU */
}
DEFINE_TEST(BOOTINFO0001, "the firmware memory map and numIOPTLevels in the boot info",
	    test_memory_map);

/* --- the HPET ------------------------------------------------------------ */

#define HPET_PADDR   0xfed00000ul
#define HPET_CAP     0x000
#define HPET_CONFIG  0x010
#define HPET_ISR     0x020
#define HPET_COUNTER 0x0f0
#define HPET_T(n)    (0x100 + 0x20 * (n))
#define T_CONFIG     0x00
#define T_CMP	     0x08
#define T_FSB	     0x10

#define TN_LEVEL     (1ul << 1)
#define TN_ENABLE    (1ul << 2)
#define TN_SIZE_CAP  (1ul << 5)
#define TN_FSB_EN    (1ul << 14)
#define TN_FSB_CAP   (1ul << 15)
#define TN_ROUTE(p)  ((seL4_Word)(p) << 9)
#define ROUTE_PIN    20
#define LEVEL_PIN    21
#define MSI_VECTOR   50 /* IRQControl's vector: the CPU sees 50 + 16 + 0x20 */
#define EDGE_VECTOR  51
#define LEVEL_VECTOR 52

static volatile uint64_t *reg(struct dev_page *p, unsigned off)
{
	return (volatile uint64_t *)(p->va + off);
}

static uint64_t counter(struct dev_page *p)
{
	return *reg(p, HPET_COUNTER);
}

/* The HPET mapped, halted and reset, its period in femtoseconds checked. */
static bool hpet_open(struct dev_page *p)
{
	if (!dev_map(p, HPET_PADDR, 2))
		return false;
	*reg(p, HPET_CONFIG) = 0;
	for (int n = 0; n < 3; n++)
		*reg(p, HPET_T(n) + T_CONFIG) = 0;
	*reg(p, HPET_ISR) = 7;
	*reg(p, HPET_COUNTER) = 0;
	return true;
}

static void test_hpet_counter(void)
{
	struct dev_page p;
	test_assert(hpet_open(&p));
	uint64_t cap = *reg(&p, HPET_CAP);
	test_eq(cap >> 32, 10000000);	/* 10 ns */
	test_eq((cap >> 8) & 0x1f, 2);	/* three comparators */
	test_assert(cap & (1ul << 13)); /* 64-bit counter */
	/* The high half alone, as 32-bit drivers read it. */
	test_eq(*(volatile uint32_t *)(p.va + HPET_CAP + 4), 10000000);
	uint64_t t0 = *reg(&p, HPET_T(0) + T_CONFIG);
	test_assert((t0 & TN_SIZE_CAP) && (t0 & TN_FSB_CAP));
	test_eq(t0 >> 32, 0x00f00000); /* I/O APIC pins 20-23 */
	/* Halted, the counter holds what was written. */
	*reg(&p, HPET_COUNTER) = 1000;
	test_eq(counter(&p), 1000);
	/* Enabled (a read-modify-write of the register), it runs at 100 MHz. */
	*reg(&p, HPET_CONFIG) |= 1;
	uint64_t c0 = counter(&p), tsc0 = __builtin_ia32_rdtsc();
	while (__builtin_ia32_rdtsc() - tsc0 < 20ul * 1000 * sim_tsc_mhz(boot_info))
		; /* 20 ms */
	uint64_t c1 = counter(&p);
	test_assert(c0 >= 1000);
	/* 20 ms is 2,000,000 ticks; the host may run the test slowly */
	test_assert(c1 - c0 >= 1900000 && c1 - c0 < 40000000);
	*reg(&p, HPET_CONFIG) &= ~1ul;
	uint64_t stopped = counter(&p);
	test_eq(counter(&p), stopped);
	dev_unmap(&p);
}
DEFINE_TEST(HPET0001, "HPET registers by trap-and-emulate: capabilities, a counter at 100 MHz",
	    test_hpet_counter);

/* A handler for an I/O APIC pin or an MSI vector, signalling ntfn with badge 1. */
static seL4_CPtr hpet_irq(bool msi, seL4_Word pin, seL4_Word level, seL4_Word vector,
			  seL4_CPtr *ntfn)
{
	seL4_CPtr handler = alloc_slot(), badged = alloc_slot();
	*ntfn = alloc_notification();
	seL4_Error e = msi ? seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, handler,
						    WORD_BITS, 0, 2, 0, 0, vector)
			   : seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, handler,
						       WORD_BITS, 0, pin, level, 0, vector);
	bool ok = e == seL4_NoError &&
		  cnode_mint(*ntfn, badged, seL4_AllRights, 1) == seL4_NoError &&
		  seL4_IRQHandler_SetNotification(handler, badged) == seL4_NoError;
	release_slot(badged);
	return ok ? handler : 0;
}

/* Comparator n, delivering by config, fires 3 ms from now; the interrupt comes no earlier. */
static void fire_once(struct dev_page *p, int n, seL4_Word config, seL4_CPtr ntfn)
{
	*reg(p, HPET_CONFIG) |= 1;
	uint64_t cmp = counter(p) + 300000;
	*reg(p, HPET_T(n) + T_CMP) = cmp;
	*reg(p, HPET_T(n) + T_CONFIG) = config | TN_ENABLE;
	seL4_Word badge = 0;
	seL4_Wait(ntfn, &badge);
	uint64_t at = counter(p);
	check_eq(badge, 1);
	if (at < cmp)
		test_fail(__FILE__, __LINE__, "interrupt at %lu, before the comparator %lu",
			  (unsigned long)at, (unsigned long)cmp);
}

/* The kernel was configured for the legacy PIC (kernel-sim --irq-controller pic). */
static bool pic_kernel(void)
{
	seL4_CPtr slot = alloc_slot();
	seL4_Error e = seL4_IRQControl_Get(seL4_CapIRQControl, 15, ROOT_CNODE, slot, WORD_BITS);
	release_slot(slot);
	return e == seL4_NoError;
}

/* With the PIC: comparator 1 on the legacy replacement route, ISA line 8. */
static void hpet_legacy(struct dev_page *p)
{
	seL4_CPtr handler = alloc_slot(), ntfn = alloc_notification(), badged = alloc_slot();
	test_eq(seL4_IRQControl_Get(seL4_CapIRQControl, 8, ROOT_CNODE, handler, WORD_BITS),
		seL4_NoError);
	test_eq(cnode_mint(ntfn, badged, seL4_AllRights, 1), seL4_NoError);
	test_eq(seL4_IRQHandler_SetNotification(handler, badged), seL4_NoError);
	*reg(p, HPET_CONFIG) = 2; /* LEG_RT_CNF */
	fire_once(p, 1, 0, ntfn);
	*reg(p, HPET_CONFIG) = 0; /* lines 0 and 8 back to the PIT and the RTC */
	release_slot(badged);
	release_slot(handler);
	release_slot(ntfn);
}

static void test_hpet_ioapic(void)
{
	struct dev_page p;
	test_assert(hpet_open(&p));
	if (pic_kernel()) {
		hpet_legacy(&p);
		dev_unmap(&p);
		return;
	}
	seL4_CPtr ntfn, handler = hpet_irq(false, ROUTE_PIN, 0, EDGE_VECTOR, &ntfn);
	test_assert(handler);
	fire_once(&p, 1, TN_ROUTE(ROUTE_PIN), ntfn);
	/* One-shot: no second interrupt; the next comes after the Ack and a new comparator. */
	test_eq(seL4_IRQHandler_Ack(handler), seL4_NoError);
	fire_once(&p, 1, TN_ROUTE(ROUTE_PIN), ntfn);
	release_slot(handler);
	release_slot(ntfn);
	dev_unmap(&p);
}
DEFINE_TEST(HPET0002,
	    "HPET comparator through an I/O APIC pin (the PIC: legacy route), no earlier than "
	    "programmed",
	    test_hpet_ioapic);

static void test_hpet_msi(void)
{
	if (pic_kernel())
		return; /* KernelIRQController=PIC has no MSIs */
	struct dev_page p;
	test_assert(hpet_open(&p));
	seL4_CPtr ntfn, handler = hpet_irq(true, 0, 0, MSI_VECTOR, &ntfn);
	test_assert(handler);
	/* FSB delivery: the message goes to the local APIC with the CPU's vector. */
	*reg(&p, HPET_T(0) + T_FSB) = 0xfee00000ul << 32 | (MSI_VECTOR + 16 + 0x20);
	fire_once(&p, 0, TN_FSB_EN, ntfn);
	/* MSIs are not masked: the next one arrives without an Ack. */
	fire_once(&p, 0, TN_FSB_EN, ntfn);
	release_slot(handler);
	release_slot(ntfn);
	dev_unmap(&p);
}
DEFINE_TEST(HPET0003, "HPET comparator as an MSI (FSB delivery), no earlier than programmed",
	    test_hpet_msi);

/* Yield for a while: whatever is due happens meanwhile. */
static void pause_ms(unsigned ms)
{
	uint64_t t0 = __builtin_ia32_rdtsc();
	while (__builtin_ia32_rdtsc() - t0 < (uint64_t)ms * 1000 * sim_tsc_mhz(boot_info))
		seL4_Yield();
}

static void test_hpet_level(void)
{
	if (pic_kernel())
		return; /* KernelIRQController=PIC has no I/O APIC */
	struct dev_page p;
	test_assert(hpet_open(&p));
	seL4_CPtr ntfn, handler = hpet_irq(false, LEVEL_PIN, 1, LEVEL_VECTOR, &ntfn);
	test_assert(handler);
	fire_once(&p, 2, TN_ROUTE(LEVEL_PIN) | TN_LEVEL, ntfn);
	test_eq(*reg(&p, HPET_ISR) & 4, 4);
	/* Still asserted: the Ack lets it in again. */
	test_eq(seL4_IRQHandler_Ack(handler), seL4_NoError);
	seL4_Word badge = 0;
	pause_ms(2);
	seL4_Poll(ntfn, &badge);
	test_eq(badge, 1);
	/* Cleared in the status register, the line drops: the Ack brings nothing. */
	*reg(&p, HPET_ISR) = 4;
	test_eq(*reg(&p, HPET_ISR) & 4, 0);
	test_eq(seL4_IRQHandler_Ack(handler), seL4_NoError);
	pause_ms(2);
	badge = 0;
	seL4_Poll(ntfn, &badge);
	test_eq(badge, 0);
	release_slot(handler);
	release_slot(ntfn);
	dev_unmap(&p);
}
DEFINE_TEST(HPET0004, "HPET level-triggered comparator: status bit, delivered until cleared",
	    test_hpet_level);

/* Component code for us microseconds: no HPET access meanwhile. */
static void spin_us(uint64_t us)
{
	uint64_t t0 = __builtin_ia32_rdtsc(), ticks = us * sim_tsc_mhz(boot_info);
	while (__builtin_ia32_rdtsc() - t0 < ticks)
		;
}

/*
 * libplatsupport's time manager after a missed deadline (register_cb,
 * hpet_set_timeout): read the counter, write comparator 0 with the counter
 * plus 10 us, read the counter again, and retry while the counter is past
 * the comparator. A register access takes no HPET time in kernel-sim (its
 * extension, devices/device_clock.c), so a retry fits; a host preemption in
 * the few microseconds kernel-sim cannot hide fails one now and then. Each
 * retry follows 2 ms of component code, as each sleep a driver programs
 * follows its work: time in which the HPET catches up on its lag.
 */
static void test_hpet_retry(void)
{
	enum { ATTEMPTS = 200, TEN_US = 1000 };
	struct dev_page p;
	test_assert(hpet_open(&p));
	*reg(&p, HPET_CONFIG) |= 1;
	int fit = 0;
	bool monotonic = true;
	uint64_t last = 0;
	for (int i = 0; i < ATTEMPTS; i++) {
		spin_us(2000);
		uint64_t before = counter(&p), cmp = before + TEN_US;
		*reg(&p, HPET_T(0) + T_CMP) = cmp;
		uint64_t after = counter(&p);
		fit += after < cmp;
		monotonic = monotonic && before >= last && after >= before;
		last = after;
	}
	*reg(&p, HPET_CONFIG) &= ~1ul;
	dev_unmap(&p);
	printf("hpet retries: %d of %d within 10 us\n", fit, ATTEMPTS);
	test_check(monotonic);
	if (fit < ATTEMPTS / 2)
		test_fail(__FILE__, __LINE__, "%d of %d retries within 10 us of HPET time", fit,
			  ATTEMPTS);
}
DEFINE_TEST(HPET0005,
	    "HPET: a counter read, a comparator write and a counter read within 10 us of HPET time",
	    test_hpet_retry);

/*
 * A thread that only reads the HPET (polling its counter, calibrating the
 * TSC against it) sees host time pass: its reads are timed like any
 * instruction, emulation and all. Only a driver's programming (a write
 * and the few accesses after it) takes no HPET time, and the HPET runs at
 * no more than 9/8 of host time while it catches up on that. 50 ms of
 * polling, timed with the TSC.
 */
static void test_hpet_polled(void)
{
	const uint64_t ms = 1000 * sim_tsc_mhz(boot_info), margin_ns = 2000000;
	struct dev_page p;
	test_assert(hpet_open(&p));
	*reg(&p, HPET_CONFIG) |= 1;
	uint64_t c0 = counter(&p), t0 = __builtin_ia32_rdtsc(), reads = 0;
	while (__builtin_ia32_rdtsc() - t0 < 50 * ms)
		reads += counter(&p) != 0;
	uint64_t c1 = counter(&p), t1 = __builtin_ia32_rdtsc();
	*reg(&p, HPET_CONFIG) &= ~1ul;
	dev_unmap(&p);
	uint64_t host_ns = (t1 - t0) * 1000000 / ms, hpet_ns = (c1 - c0) * 10;
	printf("hpet polled %lu times: %lu us of HPET time in %lu us\n", (unsigned long)reads,
	       (unsigned long)(hpet_ns / 1000), (unsigned long)(host_ns / 1000));
	test_check(hpet_ns + margin_ns >= host_ns);
	test_check(hpet_ns <= host_ns / 8 * 9 + margin_ns);
}
DEFINE_TEST(HPET0006, "HPET polled for 50 ms: host time, at most 9/8 of it", test_hpet_polled);
