/*
 * The simulated x86 I/O port bus. Devices claim port ranges; an access of
 * 2 or 4 bytes reaches consecutive byte ports, as on a PC. Unclaimed ports
 * read as all ones.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct io_device {
	const char *name;
	uint16_t first, last;
	uint8_t (*read)(struct io_device *d, uint16_t port);
	void (*write)(struct io_device *d, uint16_t port, uint8_t value);
	struct io_device *next;
};

void io_bus_attach(struct io_device *d);
uint32_t io_bus_read(uint16_t port, unsigned size);
void io_bus_write(uint16_t port, unsigned size, uint32_t value);

/* Create the simulated devices (PIT, UART) and attach them. */
int devices_init(void);

/* The ROM-update device for the boot modules (protocol/sim/rom_update.h). */
int rom_update_init(const char *const *modules, int count);
/* The host asks the root task for its totals (SIGUSR2). */
void rom_update_request_report(void);
/* A report request the root task has not read yet (none serves the device?). */
bool rom_update_report_unread(void);
/* A control request for the root task ("restart LABEL"); -1 if the queue is full. */
int rom_update_request(const char *text);
