#include "irq_lines.h"
#include <sim/pit.h>

enum irq_controller irq_controller = IRQ_CONTROLLER_IOAPIC;

void isa_irq_pulse(unsigned line)
{
	if (line >= 16)
		return;
	if (irq_controller == IRQ_CONTROLLER_PIC)
		pic_raise(line);
	else
		ioapic_edge(isa_gsi(line));
}

unsigned isa_gsi(unsigned line)
{
	return line == PIT_IRQ ? PIT_IOAPIC_PIN : line;
}

void gsi_set_level(unsigned gsi, bool asserted)
{
	if (irq_controller == IRQ_CONTROLLER_IOAPIC)
		ioapic_set_level(gsi, asserted);
}

/*
 * The MSI goes to the local APIC when its address is the APIC's window;
 * delivery and trigger mode are not modelled (fixed, edge).
 */
void msi_send(uint64_t address, uint32_t data)
{
	if ((address & MSI_ADDRESS_MASK) == LAPIC_PADDR && (data & 0xff) >= PIC_VECTOR_BASE)
		cpu_take_vector(data & 0xff);
}
