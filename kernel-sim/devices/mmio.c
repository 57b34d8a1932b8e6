#include "mmio.h"

static struct mmio_device *devices;

void mmio_attach(struct mmio_device *d)
{
	d->next = devices;
	devices = d;
}

struct mmio_device *mmio_device_at(uint64_t paddr)
{
	for (struct mmio_device *d = devices; d; d = d->next)
		if (paddr >= d->paddr && paddr - d->paddr < d->size)
			return d;
	return 0;
}

bool mmio_overlaps(uint64_t paddr, uint64_t size)
{
	for (struct mmio_device *d = devices; d; d = d->next)
		if (paddr < d->paddr + d->size && d->paddr < paddr + size)
			return true;
	return false;
}
