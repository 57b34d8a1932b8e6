/* The simulated PC's ACPI tables (devices/acpi.c) and the HPET they describe. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define ACPI_RSDP_SIZE	36
#define HPET_PADDR_BASE 0xfed00000ul

void acpi_init(void);

/* What seL4's boot code prints about the tables (acpi_init, FADT and MADT scans). */
void acpi_boot_log(void (*say)(const char *fmt, ...) __attribute__((format(printf, 1, 2))));

/* A copy of the RSDP, as seL4 puts it into the boot info. */
void acpi_rsdp(void *out);

/* The HPET's general capabilities register (devices/hpet.c). */
uint64_t hpet_capabilities(void);
int hpet_init(void);
/* The HPET drives ISA lines 0 and 8 itself: the PIT and the RTC are cut off from them. */
bool hpet_legacy_route(void);
