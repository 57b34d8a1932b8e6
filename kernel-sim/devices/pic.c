/*
 * The legacy 8259 pair as seL4 drives it in its PIC configuration: lines
 * 0-15 at vectors 0x20-0x2f, a line masked while its IRQ is handled, and a
 * request that arrives meanwhile held in the IRR until it is unmasked.
 */
#include "irq_lines.h"
#include "../kernel/trace.h"

static uint16_t imr = 0xffff; /* seL4 masks every line at boot */
static uint16_t irr;

static void service(unsigned line)
{
	uint16_t bit = (uint16_t)(1u << line);
	if ((irr & bit) && !(imr & bit)) {
		irr &= (uint16_t)~bit;
		cpu_take_vector(PIC_VECTOR_BASE + line);
	}
}

void pic_raise(unsigned line)
{
	irr |= (uint16_t)(1u << line);
	if (imr & (1u << line))
		trace_irq(line, TRACE_IRQ_RAISED);
	service(line);
}

void pic_mask(unsigned line, bool mask)
{
	if (line >= 16)
		return;
	if (mask)
		imr |= (uint16_t)(1u << line);
	else
		imr &= (uint16_t) ~(1u << line);
	service(line);
}
