#include "bus.h"
#include "acpi.h"

static struct io_device *devices;

void io_bus_attach(struct io_device *d)
{
	d->next = devices;
	devices = d;
}

static struct io_device *device_at(uint16_t port)
{
	for (struct io_device *d = devices; d; d = d->next)
		if (port >= d->first && port <= d->last)
			return d;
	return 0;
}

uint32_t io_bus_read(uint16_t port, unsigned size)
{
	uint32_t value = 0;
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		struct io_device *d = device_at(p);
		uint8_t byte = d ? d->read(d, p) : 0xff;
		value |= (uint32_t)byte << (8 * i);
	}
	return value;
}

void io_bus_write(uint16_t port, unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		struct io_device *d = device_at(p);
		if (d)
			d->write(d, p, (uint8_t)(value >> (8 * i)));
	}
}

int pit_init(void);
int uart_init(void);
int rtc_init(void);

int devices_init(void)
{
	acpi_init();
	return pit_init() == 0 && uart_init() == 0 && rtc_init() == 0 && hpet_init() == 0 ? 0 : -1;
}
