/*
 * The firmware of the simulated PC: ACPI tables in the BIOS area
 * (0xe0000-0xfffff), where seL4 and libplatsupport look for the RSDP. The
 * RSDP (ACPI 2.0) points to an RSDT and an XSDT, each listing a MADT (a
 * local APIC per simulated CPU, one I/O APIC of 24 pins at 0xfec00000, and as on a PC one
 * interrupt source override: ISA line 0 is pin 2, every other line n is
 * pin n), an HPET table (the event timer block at 0xfed00000,
 * devices/hpet.c) and a FADT. The FADT describes a hardware-reduced ACPI
 * platform (no PM timer, event or control blocks, no FACS) with legacy
 * devices and the CMOS clock, whose century byte it names (devices/rtc.c);
 * its DSDT is an empty definition block.
 */
#include "acpi.h"
#include "irq_lines.h"
#include "mmio.h"
#include "../kernel/schedule.h"
#include <sim/pit.h>
#include <sim/rtc.h>

#include <stddef.h>
#include <string.h>

#define BIOS_START 0xe0000ul
#define BIOS_END   0x100000ul

#define RSDP_PADDR 0xe0000ul
#define RSDT_PADDR 0xe0040ul
#define XSDT_PADDR 0xe0080ul
#define MADT_PADDR 0xe0600ul /* up to 0xe0a00: a local APIC entry per CPU */
#define HPET_PADDR 0xe0200ul
#define FADT_PADDR 0xe0300ul
#define DSDT_PADDR 0xe0500ul

static uint8_t bios[BIOS_END - BIOS_START];

struct __attribute__((packed)) acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
};

struct __attribute__((packed)) rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
};

struct __attribute__((packed)) madt {
	struct acpi_header h;
	uint32_t lapic_address, flags;
};

/* The entries after the MADT's header: the local APICs, then these. */
struct __attribute__((packed)) madt_lapic {
	uint8_t type, length, processor_uid, apic_id;
	uint32_t flags;
};

struct __attribute__((packed)) madt_io {
	struct __attribute__((packed)) {
		uint8_t type, length, id, reserved;
		uint32_t address, gsi_base;
	} ioapic;
	struct __attribute__((packed)) {
		uint8_t type, length, bus, source;
		uint32_t gsi;
		uint16_t flags;
	} iso;
};

/* A generic address structure. */
struct __attribute__((packed)) gas {
	uint8_t space_id, bit_width, bit_offset, access_size;
	uint64_t address;
};

struct __attribute__((packed)) hpet_table {
	struct acpi_header h;
	uint32_t event_timer_block_id;
	struct gas base;
	uint8_t number;
	uint16_t min_tick;
	uint8_t page_protection;
};

/* The FADT of ACPI 5.0 (revision 5). */
struct __attribute__((packed)) fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl, dsdt;
	uint8_t reserved0, preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk, pm2_cnt_blk, pm_tmr_blk;
	uint32_t gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len, gpe0_blk_len, gpe1_blk_len;
	uint8_t gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct gas sleep_control_reg, sleep_status_reg;
};

#define FADT_WBINVD	     (1u << 0)
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define BOOT_ARCH_LEGACY     (1u << 0) /* ISA devices: PIT, COM1, the CMOS clock */
#define BOOT_ARCH_VGA_ABSENT (1u << 2) /* bit 5 clear: the CMOS clock is there */
#define SCI_ISA_LINE	     9	       /* where a PC's chipset puts the SCI */

static uint8_t checksum(const void *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + ((const uint8_t *)p)[i]);
	return (uint8_t)-sum;
}

static struct acpi_header header(const char sig[4], uint32_t length, uint8_t revision)
{
	struct acpi_header h;
	memset(&h, 0, sizeof(h));
	memcpy(h.signature, sig, 4);
	h.length = length;
	h.revision = revision;
	memcpy(h.oem_id, "SEL4SM", 6);
	memcpy(h.oem_table_id, "KERNSIM ", 8);
	h.oem_revision = 1;
	memcpy(h.creator_id, "SIM ", 4);
	h.creator_revision = 1;
	return h;
}

/* Place a table with its checksum at paddr in the BIOS area. */
static void place(uint64_t paddr, void *table, size_t len)
{
	struct acpi_header *h = table;
	h->checksum = 0;
	h->checksum = checksum(table, len);
	memcpy(bios + (paddr - BIOS_START), table, len);
}

static void build_madt(unsigned cpus)
{
	struct __attribute__((packed)) {
		struct madt m;
		struct madt_lapic lapic[MAX_CPUS];
		struct madt_io io;
	} t;
	_Static_assert(MADT_PADDR + sizeof(t) <= 0xe0a00ul, "MADT space");
	memset(&t, 0, sizeof(t));
	size_t len = sizeof(t.m) + cpus * sizeof(t.lapic[0]) + sizeof(t.io);
	t.m.h = header("APIC", (uint32_t)len, 3);
	t.m.lapic_address = (uint32_t)LAPIC_PADDR;
	t.m.flags = 1; /* PCAT_COMPAT: the 8259s are there too */
	for (unsigned i = 0; i < cpus; i++) {
		t.lapic[i].type = 0;
		t.lapic[i].length = sizeof(t.lapic[i]);
		t.lapic[i].processor_uid = (uint8_t)i;
		t.lapic[i].apic_id = (uint8_t)i;
		t.lapic[i].flags = 1; /* enabled */
	}
	struct madt_io m;
	memset(&m, 0, sizeof(m));
	m.ioapic.type = 1;
	m.ioapic.length = sizeof(m.ioapic);
	m.ioapic.address = (uint32_t)IOAPIC_PADDR;
	m.iso.type = 2;
	m.iso.length = sizeof(m.iso);
	m.iso.bus = 0; /* ISA */
	m.iso.source = PIT_IRQ;
	m.iso.gsi = isa_gsi(PIT_IRQ);
	m.iso.flags = 0; /* conforms to the bus: edge, active high */
	memcpy((char *)&t + sizeof(t.m) + cpus * sizeof(t.lapic[0]), &m, sizeof(m));
	place(MADT_PADDR, &t, len);
}

static void build_hpet(void)
{
	struct hpet_table t;
	memset(&t, 0, sizeof(t));
	t.h = header("HPET", sizeof(t), 1);
	t.event_timer_block_id = (uint32_t)hpet_capabilities();
	t.base.space_id = 0; /* system memory */
	t.base.bit_width = 64;
	t.base.address = HPET_PADDR_BASE;
	t.min_tick = 0x80;
	place(HPET_PADDR, &t, sizeof(t));
}

/*
 * The FADT: the century of the CMOS clock, and no fixed ACPI hardware
 * (hardware-reduced), which is what kernel-sim has: no PM timer, no PM1
 * event or control blocks, no GPEs, no SMI command port.
 */
static void build_fadt(void)
{
	struct fadt f;
	memset(&f, 0, sizeof(f));
	f.h = header("FACP", sizeof(f), 5);
	f.dsdt = DSDT_PADDR;
	f.x_dsdt = DSDT_PADDR;
	f.sci_int = SCI_ISA_LINE;
	f.century = RTC_CENTURY;
	f.iapc_boot_arch = BOOT_ARCH_LEGACY | BOOT_ARCH_VGA_ABSENT;
	f.flags = FADT_WBINVD | FADT_HW_REDUCED_ACPI;
	f.minor_version = 0;
	place(FADT_PADDR, &f, sizeof(f));
	struct acpi_header dsdt = header("DSDT", sizeof(dsdt), 2); /* no AML: no devices to name */
	place(DSDT_PADDR, &dsdt, sizeof(dsdt));
}

static void build_rsdt_xsdt(void)
{
	struct __attribute__((packed)) {
		struct acpi_header h;
		uint32_t entry[3];
	} rsdt = {header("RSDT", sizeof(rsdt), 1), {FADT_PADDR, MADT_PADDR, HPET_PADDR}};
	place(RSDT_PADDR, &rsdt, sizeof(rsdt));
	struct __attribute__((packed)) {
		struct acpi_header h;
		uint64_t entry[3];
	} xsdt = {header("XSDT", sizeof(xsdt), 1), {FADT_PADDR, MADT_PADDR, HPET_PADDR}};
	place(XSDT_PADDR, &xsdt, sizeof(xsdt));
}

static void build_rsdp(void)
{
	struct rsdp r;
	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, "SEL4SM", 6);
	r.revision = 2;
	r.rsdt_address = RSDT_PADDR;
	r.length = sizeof(r);
	r.xsdt_address = XSDT_PADDR;
	r.checksum = checksum(&r, 20);
	r.extended_checksum = checksum(&r, sizeof(r));
	memcpy(bios + (RSDP_PADDR - BIOS_START), &r, sizeof(r));
}

void acpi_init(void)
{
	_Static_assert(sizeof(struct rsdp) == ACPI_RSDP_SIZE, "RSDP layout");
	_Static_assert(sizeof(struct fadt) == 268, "FADT layout (ACPI 5.0)");
	_Static_assert(offsetof(struct fadt, century) == 108, "FADT century");
	build_fadt();
	build_madt(sched_config.cpus);
	build_hpet();
	build_rsdt_xsdt();
	build_rsdp();
}

static const void *table(uint64_t paddr)
{
	return bios + (paddr - BIOS_START);
}

/* The tables the RSDT lists with signature sig, in its order. */
static unsigned rsdt_tables(const char sig[4], uint64_t *out, unsigned max)
{
	const struct acpi_header *rsdt = table(RSDT_PADDR);
	const uint8_t *entry = (const uint8_t *)(rsdt + 1);
	unsigned n = 0;
	for (uint32_t off = 0; off + 4 <= rsdt->length - sizeof(*rsdt) && n < max; off += 4) {
		uint32_t paddr;
		memcpy(&paddr, entry + off, 4);
		if (memcmp(((const struct acpi_header *)table(paddr))->signature, sig, 4) == 0)
			out[n++] = paddr;
	}
	return n;
}

static void madt_log(void (*say)(const char *fmt, ...), uint64_t paddr)
{
	const struct madt *m = table(paddr);
	say("ACPI: MADT paddr=%p\n", (void *)paddr);
	say("ACPI: MADT vaddr=%p\n", (void *)paddr);
	say("ACPI: MADT apic_addr=0x%x\n", m->lapic_address);
	say("ACPI: MADT flags=0x%x\n", m->flags);
	unsigned cpus = 0;
	const uint8_t *e = (const uint8_t *)m + sizeof(m->h) + 8,
		      *end = (const uint8_t *)m + m->h.length;
	for (; e + 2 <= end && e[1] >= 2; e += e[1]) {
		if (e[0] == 0 && (e[4] & 1)) {
			say("ACPI: MADT_APIC apic_id=0x%x\n", e[3]);
			cpus++;
		} else if (e[0] == 1) {
			uint32_t address, gsi_base;
			memcpy(&address, e + 4, 4);
			memcpy(&gsi_base, e + 8, 4);
			say("ACPI: MADT_IOAPIC ioapic_id=%d ioapic_addr=0x%x gsib=%d\n", e[2],
			    address, (int)gsi_base);
		} else if (e[0] == 2) {
			uint16_t flags;
			memcpy(&flags, e + 8, 2);
			/* seL4 prints the GSI's high and low halves as it reads them */
			say("ACPI: MADT_ISO bus=%d source=%d gsi=0x%x%02x flags=0x%x\n", e[2], e[3],
			    e[6] | e[7] << 8, e[4] | e[5] << 8, flags);
		}
	}
	say("ACPI: %u CPU(s) detected\n", cpus);
}

void acpi_boot_log(void (*say)(const char *fmt, ...))
{
	uint64_t found[4];
	say("ACPI: RSDP paddr=%p\n", (void *)RSDP_PADDR);
	say("ACPI: RSDP vaddr=%p\n", (void *)RSDP_PADDR);
	for (int validate = 0; validate < 2; validate++) { /* acpi_init, then boot_sys */
		say("ACPI: RSDT paddr=%p\n", (void *)RSDT_PADDR);
		say("ACPI: RSDT vaddr=%p\n", (void *)RSDT_PADDR);
	}
	for (unsigned i = 0, n = rsdt_tables("FACP", found, 4); i < n; i++) {
		const struct fadt *f = table(found[i]);
		say("ACPI: FADT paddr=%p\n", (void *)found[i]);
		say("ACPI: FADT vaddr=%p\n", (void *)found[i]);
		say("ACPI: FADT flags=0x%x\n", f->flags);
	}
	for (unsigned i = 0, n = rsdt_tables("APIC", found, 4); i < n; i++)
		madt_log(say, found[i]);
}

void acpi_rsdp(void *out)
{
	memcpy(out, bios + (RSDP_PADDR - BIOS_START), ACPI_RSDP_SIZE);
}

bool firmware_overlaps(uint64_t paddr, uint64_t size)
{
	return paddr < BIOS_END && BIOS_START < paddr + size;
}

void firmware_read(uint64_t paddr, void *buf, uint64_t len)
{
	uint8_t *out = buf;
	for (uint64_t i = 0; i < len; i++) {
		uint64_t a = paddr + i;
		out[i] = a >= BIOS_START && a < BIOS_END ? bios[a - BIOS_START] : 0;
	}
}
