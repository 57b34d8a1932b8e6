/*
 * How simulated devices raise interrupts on a PC: an ISA line (0-15) of
 * the legacy PIC or, with the I/O APIC that seL4 pc99 uses by default, an
 * I/O APIC pin: the same-numbered one but for line 0 (the PIT, the HPET's
 * legacy route), which is pin 2 as on every PC, the MADT's one interrupt
 * source override; a
 * level on an I/O APIC pin; or a message-signalled interrupt. The
 * controllers hand an accepted interrupt to the CPU as a vector, which the
 * kernel turns into seL4's IRQ number (vector - 0x20).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum irq_controller {
	IRQ_CONTROLLER_IOAPIC, /* KernelIRQController=IOAPIC, seL4's default on pc99 */
	IRQ_CONTROLLER_PIC,    /* KernelIRQController=PIC */
};

extern enum irq_controller irq_controller;

/* A device pulses ISA line 0-15 (an edge). */
void isa_irq_pulse(unsigned line);

/* The I/O APIC pin (global system interrupt) ISA line 0-15 reaches. */
unsigned isa_gsi(unsigned line);

/* A device drives I/O APIC pin gsi high or low (level-triggered sources). */
void gsi_set_level(unsigned gsi, bool asserted);

/* A device writes an MSI: address 0xfeeXXXXX, the vector in the low data byte. */
void msi_send(uint64_t address, uint32_t data);

/* --- the controllers (devices/pic.c, devices/ioapic.c) --------------- */

#define IOAPIC_PINS	 24
#define IOAPIC_PADDR	 0xfec00000ul
#define LAPIC_PADDR	 0xfee00000ul
#define PIC_VECTOR_BASE	 0x20 /* seL4 programs the PICs to vectors 0x20-0x2f */
#define MSI_ADDRESS_MASK 0xfff00000ul

void pic_raise(unsigned line);
void pic_mask(unsigned line, bool mask);

void ioapic_edge(unsigned pin);
void ioapic_set_level(unsigned pin, bool asserted);
void ioapic_map_pin_to_vector(unsigned pin, bool level, bool polarity, unsigned vector);
void ioapic_mask(unsigned pin, bool mask);

/* The CPU takes an interrupt vector (kernel/interrupt: handleInterrupt). */
void cpu_take_vector(unsigned vector);
