/*
 * I/O ports: the IO_PORT service (core performs the port accesses of a
 * session's range) and the allocator of the ports 0..0xffff, each handed
 * out once.
 */
#pragma once

#include <sel4/sel4.h>

void io_port_init(void);
/* Ports [first, first + count) for core's own device, never handed out; 0 on failure. */
seL4_CPtr io_port_claim(unsigned long first, unsigned long count);
