#include "ioport.h"
#include "../kernel/errors.h"
#include "../devices/bus.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>

/* Ports handed out by IOPortControl (x86KSAllocatedIOPorts). */
static uint8_t allocated[65536 / 8];

static bool port_allocated(unsigned p)
{
	return allocated[p / 8] & (1u << (p % 8));
}

static void set_range(unsigned first, unsigned last, bool on)
{
	for (unsigned p = first; p <= last; p++) {
		if (on)
			allocated[p / 8] |= (uint8_t)(1u << (p % 8));
		else
			allocated[p / 8] &= (uint8_t) ~(1u << (p % 8));
	}
}

void io_port_range_freed(uint16_t first, uint16_t last)
{
	set_range(first, last, false);
}

enum exception decode_io_port_control_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
						 struct cte *slot, seL4_Word *buffer)
{
	if (label != X86IOPortControlIssue) {
		user_error("IOPortControl: Unknown operation.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (length < 4 || !current_extra_caps.excaprefs[0]) {
		user_error("IOPortControl: Truncated message.");
		return syscall_error(seL4_TruncatedMessage);
	}
	unsigned first = get_syscall_arg(t, 0, buffer) & 0xffff;
	unsigned last = get_syscall_arg(t, 1, buffer) & 0xffff;
	seL4_Word index = get_syscall_arg(t, 2, buffer);
	seL4_Word depth = get_syscall_arg(t, 3, buffer);
	struct cap cnode = current_extra_caps.excaprefs[0]->cap;
	if (last < first) {
		user_error("IOPortControl: Last port must be > first port.");
		return invalid_argument(1);
	}
	for (unsigned p = first; p <= last; p++) {
		if (port_allocated(p)) {
			user_error("IOPortControl: Some ports in range already in use.");
			return syscall_error(seL4_RevokeFirst);
		}
	}
	struct lookup_slot_ret lu = lookup_slot_for_cnode_op(false, cnode, index, depth);
	if (lu.status != EXCEPTION_NONE) {
		user_error("Target slot for new IO Port cap invalid.");
		return lu.status;
	}
	enum exception e = ensure_empty_slot(lu.slot);
	if (e != EXCEPTION_NONE) {
		user_error("Target slot for new IO Port cap not empty.");
		return e;
	}
	set_thread_state(t, ThreadState_Restart);
	set_range(first, last, true);
	struct cap c = {.type = cap_io_port_cap};
	c.io_port.first_port = (uint16_t)first;
	c.io_port.last_port = (uint16_t)last;
	cte_insert(c, slot, lu.slot);
	return EXCEPTION_NONE;
}

static unsigned access_size(seL4_Word label)
{
	switch (label) {
	case X86IOPortIn8:
	case X86IOPortOut8:
		return 1;
	case X86IOPortIn16:
	case X86IOPortOut16:
		return 2;
	default:
		return 4;
	}
}

enum exception decode_io_port_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					 struct cap cap, bool is_call, seL4_Word *buffer)
{
	bool in = label == X86IOPortIn8 || label == X86IOPortIn16 || label == X86IOPortIn32;
	bool out = label == X86IOPortOut8 || label == X86IOPortOut16 || label == X86IOPortOut32;
	if (!in && !out) {
		user_error("IOPort: Unknown operation.");
		return syscall_error(seL4_IllegalOperation);
	}
	if (length < (in ? 1u : 2u)) {
		user_error("IOPort: Truncated message.");
		return syscall_error(seL4_TruncatedMessage);
	}
	unsigned size = access_size(label);
	unsigned port = get_syscall_arg(t, 0, buffer) & 0xffff;
	unsigned end = port + size - 1;
	if (port < cap.io_port.first_port || end > cap.io_port.last_port) {
		user_error("IOPort: Ports %u--%u fall outside permitted range %u--%u.", port, end,
			   cap.io_port.first_port, cap.io_port.last_port);
		return syscall_error(seL4_IllegalOperation);
	}
	set_thread_state(t, ThreadState_Restart);
	if (out) {
		uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
		io_bus_write(port, size, (uint32_t)get_syscall_arg(t, 1, buffer) & mask);
		return EXCEPTION_NONE;
	}
	uint32_t value = io_bus_read(port, size);
	if (is_call) {
		seL4_Word *ipc = lookup_ipc_buffer(true, t);
		t->regs.badgeRegister = 0;
		unsigned len = set_mr(t, ipc, 0, value);
		t->regs.msgInfoRegister = seL4_MessageInfo_new(0, 0, 0, len).words[0];
	}
	set_thread_state(t, ThreadState_Running);
	return EXCEPTION_NONE;
}
