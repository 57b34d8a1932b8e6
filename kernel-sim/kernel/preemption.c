#include "preemption.h"
#include "../devices/irq_lines.h"
#include <sim/debug.h>

struct preemption_host preemption_host;

static seL4_Word work_units_completed; /* ksWorkUnitsCompleted */

/* The interrupt of sim_DebugInterruptAfterWork: armed, then arrived (pending). */
static struct {
	bool armed, arrived;
	unsigned line;
	seL4_Word units_left;
} injected;

/* isIRQPending: a device's event the host has not served, or the injected interrupt. */
static bool is_irq_pending(void)
{
	return injected.arrived ||
	       (preemption_host.interrupt_pending && preemption_host.interrupt_pending());
}

static void count_work_unit(void)
{
	work_units_completed++;
	if (injected.armed && --injected.units_left == 0) {
		injected.armed = false;
		injected.arrived = true;
	}
}

enum exception preemption_point(void)
{
	count_work_unit();
	if (work_units_completed < MAX_NUM_WORK_UNITS_PER_PREEMPTION)
		return EXCEPTION_NONE;
	work_units_completed = 0;
	return is_irq_pending() ? EXCEPTION_PREEMPTED : EXCEPTION_NONE;
}

void take_injected_interrupt(void)
{
	if (!injected.arrived)
		return;
	injected.arrived = false;
	isa_irq_pulse(injected.line);
}

void handle_pending_interrupt(void)
{
	take_injected_interrupt();
	if (preemption_host.serve_interrupts)
		preemption_host.serve_interrupts();
}

bool interrupt_after_work(seL4_Word line, seL4_Word units)
{
	if (line >= 16)
		return false;
	injected.armed = false;
	injected.arrived = false;
	if (units == SIM_InterruptNever)
		return true;
	injected.line = (unsigned)line;
	if (units == 0) {
		isa_irq_pulse(injected.line);
		return true;
	}
	injected.armed = true;
	injected.units_left = units;
	return true;
}
