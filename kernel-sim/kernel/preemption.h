/*
 * seL4's preemption points (src/model/preemption.c). A long operation
 * (Revoke, Retype's clearing of an untyped) calls preemption_point after
 * each unit of work; every MAX_NUM_WORK_UNITS_PER_PREEMPTION units it asks
 * whether an interrupt is pending, and if one is, the operation stops with
 * EXCEPTION_PREEMPTED, its progress kept in the objects. The interrupt is
 * then handled in the same kernel entry (handle_pending_interrupt, as
 * seL4's handleSyscall does), and the thread runs its system call again
 * when it next runs.
 */
#pragma once

#include "state.h"

#include <stdbool.h>

#define MAX_NUM_WORK_UNITS_PER_PREEMPTION 100 /* CONFIG_MAX_NUM_WORK_UNITS_PER_PREEMPTION */

/* A unit of work done: EXCEPTION_PREEMPTED if the operation must stop for an interrupt. */
enum exception preemption_point(void);

/* Handle the pending interrupts now (a preempted operation stopped for them). */
void handle_pending_interrupt(void);

/*
 * At kernel exit: the injected interrupt, if it arrived after the last
 * preemption point, is taken now (a device's event is served by the loop).
 */
void take_injected_interrupt(void);

/*
 * The host's side: are device interrupt sources ready (their events not
 * yet served), and serve them now. Set by the host (host/loop.c).
 */
struct preemption_host {
	bool (*interrupt_pending)(void);
	void (*serve_interrupts)(void);
};
extern struct preemption_host preemption_host;

/*
 * sim_DebugInterruptAfterWork: ISA line `line` is pulsed once the kernel
 * has done `units` more units of preemptible work, an interrupt that
 * arrives in the middle of a long operation at a point that does not
 * depend on the host's timing. SIM_InterruptNever disarms; false if the
 * line is no ISA line.
 */
bool interrupt_after_work(seL4_Word line, seL4_Word units);
