/*
 * DomainSet invocations as seL4's src/object/domain.c has them: Set moves a
 * thread to a domain, ScheduleConfigure writes an entry of the domain
 * schedule (domain, duration in timer ticks; a zero entry is an end
 * marker, the last one always), ScheduleSetStart makes an entry the start
 * of the schedule and switches to it at once. kernel/schedule.c runs it.
 */
#include "domain.h"
#include "../kernel/errors.h"
#include "../kernel/log.h"
#include "../kernel/schedule.h"
#include "../kernel/thread.h"
#include "../kernel/transfer.h"
#include <sel4/invocation.h>

static enum exception decode_set(struct tcb *t, seL4_Word length, seL4_Word *buffer)
{
	if (length < 1)
		return truncated("Domain Configure");
	seL4_Word dom = get_syscall_arg(t, 0, buffer);
	if (dom >= sched_config.domains) {
		user_error("Domain Configure: invalid domain (%lu >= %u).", (unsigned long)dom,
			   sched_config.domains);
		return invalid_argument(0);
	}
	if (!current_extra_caps.excaprefs[0])
		return truncated("Domain Configure");
	if (current_extra_caps.excaprefs[0]->cap.type != cap_thread_cap) {
		user_error("Domain Configure: thread cap required.");
		return invalid_argument(1);
	}
	set_thread_state(t, ThreadState_Restart);
	set_domain(current_extra_caps.excaprefs[0]->cap.thread.tcb, (unsigned)dom);
	return EXCEPTION_NONE;
}

static enum exception decode_schedule_configure(struct tcb *t, seL4_Word length,
						seL4_Word *buffer)
{
	if (length < 3) /* index, domain and a seL4_Time of one word */
		return truncated("Domain Schedule Configure");
	seL4_Word index = get_syscall_arg(t, 0, buffer);
	seL4_Word dom = get_syscall_arg(t, 1, buffer);
	seL4_Word duration = get_syscall_arg(t, 2, buffer);
	unsigned entries = sched_config.domain_schedules;
	/* The last entry stays an end marker. */
	if (index >= entries - 1) {
		user_error("Domain Schedule Configure: Invalid index.");
		return range_error(0, entries - 2);
	}
	if (dom >= sched_config.domains) {
		user_error("Domain Schedule Configure: Invalid domain.");
		return range_error(0, sched_config.domains - 1);
	}
	if (duration > DSCHED_MAX_DURATION) {
		user_error("Domain Schedule Configure: Duration must fit in 56 bits.");
		return invalid_argument(2);
	}
	if (duration == 0 && dom != 0) {
		user_error("Domain Schedule Configure: Both domain and duration must be zero for "
			   "end markers.");
		return invalid_argument(1);
	}
	if (index == dom_schedule_start() && duration == 0) {
		user_error("Domain Schedule Configure: Starting schedule's duration must not be "
			   "zero.");
		return invalid_argument(2);
	}
	set_thread_state(t, ThreadState_Restart);
	dom_schedule_configure((unsigned)index, (unsigned)dom, duration);
	return EXCEPTION_NONE;
}

static enum exception decode_schedule_set_start(struct tcb *t, seL4_Word length,
						seL4_Word *buffer)
{
	if (length < 1)
		return truncated("Domain Schedule Set Start");
	seL4_Word index = get_syscall_arg(t, 0, buffer);
	if (index >= sched_config.domain_schedules) {
		user_error("Domain Schedule Set Start: Invalid index.");
		return range_error(0, sched_config.domain_schedules - 1);
	}
	if (dom_schedule_is_end_marker((unsigned)index)) {
		user_error("Domain Schedule Set Start: Starting schedule must not be an end marker.");
		return invalid_argument(0);
	}
	set_thread_state(t, ThreadState_Restart);
	dom_schedule_set_start((unsigned)index);
	return EXCEPTION_NONE;
}

enum exception decode_domain_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					seL4_Word *buffer)
{
	switch (label) {
	case DomainSetSet:
		return decode_set(t, length, buffer);
	case DomainScheduleConfigure:
		return decode_schedule_configure(t, length, buffer);
	case DomainScheduleSetStart:
		return decode_schedule_set_start(t, length, buffer);
	default:
		user_error("Domain: Illegal operation.");
		return syscall_error(seL4_IllegalOperation);
	}
}
