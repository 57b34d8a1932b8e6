/*
 * Memory-mapped devices: a device owns a range of simulated physical
 * addresses. A frame retyped from device memory in that range is never
 * given host memory; every access to it from a PD traps, kernel-sim
 * decodes the faulting x86 load or store (api/mmio_fault.c), lets the
 * device read or write the register, and resumes the thread after the
 * instruction. Accesses are 1, 2, 4 or 8 bytes at an offset in the range.
 *
 * A device whose accesses take no device time (kernel-sim's extension, for
 * the HPET) has emulation_time: it is told the host time an access's
 * emulation took, from the thread's trap to its resumption, in parts
 * (host/access_time.c), so that its clock does not see it pass.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct mmio_device {
	const char *name;
	uint64_t paddr, size;
	uint64_t (*read)(struct mmio_device *d, uint64_t offset, unsigned size);
	void (*write)(struct mmio_device *d, uint64_t offset, unsigned size, uint64_t value);
	void (*emulation_time)(struct mmio_device *d, uint64_t ns); /* NULL: on host time */
	struct mmio_device *next;
};

void mmio_attach(struct mmio_device *d);

/* The device whose range holds paddr, or 0. */
struct mmio_device *mmio_device_at(uint64_t paddr);

/* Does [paddr, paddr + size) overlap any device's range? */
bool mmio_overlaps(uint64_t paddr, uint64_t size);

/*
 * Firmware memory: what simulated physical memory below 1 MiB holds before
 * anyone writes it (the BIOS area with the ACPI tables, devices/acpi.c).
 * Copies len bytes at paddr into buf, zeros where there is nothing.
 */
void firmware_read(uint64_t paddr, void *buf, uint64_t len);
bool firmware_overlaps(uint64_t paddr, uint64_t size);
