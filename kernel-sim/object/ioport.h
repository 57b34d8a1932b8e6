/* x86 I/O ports: IOPortControl issues ranges, IOPort caps reach the devices. */
#pragma once

#include "../kernel/state.h"

enum exception decode_io_port_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
						 struct cte *slot, seL4_Word *buffer);
enum exception decode_io_port_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					 struct cap cap, bool is_call, seL4_Word *buffer);

/* The last cap to an issued range is gone: the ports may be issued again. */
void io_port_range_freed(uint16_t first, uint16_t last);
