/*
 * One I/O APIC of 24 pins at 0xfec00000, as seL4 pc99 programs it: each
 * pin's redirection entry holds a vector, trigger mode and polarity, and a
 * mask seL4 sets while the IRQ is handled. As QEMU's I/O APIC does (under
 * which seL4's tests run), an edge on a masked pin is held and delivered
 * when the pin is unmasked, and a level-triggered pin delivers again after
 * its unmask while the line is still asserted. Polarity is kept but the
 * simulated lines are active high whatever it says (QEMU does the same).
 */
#include "irq_lines.h"
#include "../kernel/trace.h"

struct redirection {
	uint8_t vector; /* 0: never mapped */
	bool level, polarity, masked;
	bool asserted; /* the line (level-triggered sources) */
	bool irr;      /* an edge waits for the unmask */
};

static struct redirection pins[IOAPIC_PINS] = {
    [0 ... IOAPIC_PINS - 1] = {.masked = true},
};

static void service(unsigned pin)
{
	struct redirection *r = &pins[pin];
	if (r->masked || !r->vector)
		return;
	if (r->level ? r->asserted : r->irr) {
		r->irr = false;
		cpu_take_vector(r->vector);
	}
}

void ioapic_edge(unsigned pin)
{
	if (pin >= IOAPIC_PINS)
		return;
	pins[pin].irr = true;
	if (pins[pin].masked && pins[pin].vector)
		trace_irq(pins[pin].vector - PIC_VECTOR_BASE, TRACE_IRQ_RAISED);
	service(pin);
}

void ioapic_set_level(unsigned pin, bool asserted)
{
	if (pin >= IOAPIC_PINS)
		return;
	bool rising = asserted && !pins[pin].asserted;
	pins[pin].asserted = asserted;
	if (rising && !pins[pin].level)
		pins[pin].irr = true; /* a level source on an edge-programmed pin */
	if (rising)
		service(pin);
}

void ioapic_map_pin_to_vector(unsigned pin, bool level, bool polarity, unsigned vector)
{
	if (pin >= IOAPIC_PINS)
		return;
	struct redirection *r = &pins[pin];
	r->vector = (uint8_t)vector;
	r->level = level;
	r->polarity = polarity;
	r->masked = true;
	r->irr = false;
}

void ioapic_mask(unsigned pin, bool mask)
{
	if (pin >= IOAPIC_PINS)
		return;
	pins[pin].masked = mask;
	if (!mask)
		service(pin);
}
