/*
 * The Intel 8254 programmable interval timer kernel-sim simulates: its
 * ports, its interrupt, its input clock and the command and status bits a
 * driver uses (the chip's names).
 */
#pragma once

#define PIT_TICKS_PER_SECOND 1193182ul
#define PIT_MAX_COUNT	     65535ul

#define PIT_DATA_PORT_0 0x40 /* channel 0, wired to IRQ 0 */
#define PIT_CMD_PORT	0x43
#define PIT_PORTS	4 /* 0x40..0x43 */
#define PIT_IRQ		0
/*
 * ISA line 0 reaches I/O APIC pin 2 on a PC (the MADT's interrupt source
 * override says so); libplatsupport looks for the PIT there.
 */
#define PIT_IOAPIC_PIN 2

/* Command byte: channel, access, mode. */
#define PIT_CMD_SELECT_CHANNEL_0 (0u << 6)
#define PIT_CMD_ACCESS_LO_HI	 (3u << 4)
#define PIT_CMD_MODE_IRQ	 (0u << 1) /* mode 0: interrupt on terminal count */

/* Read-back command: latch count and status of the selected channels. */
#define PIT_CMD_READ_BACK    (3u << 6)
#define PIT_CMD_RB_COUNT     (0u << 5) /* bit 5 clear: latch the count */
#define PIT_CMD_RB_STATUS    (0u << 4) /* bit 4 clear: latch the status */
#define PIT_CMD_RB_CHANNEL_0 (1u << 1)

/* Status byte: the OUT line, high once mode 0 reached its terminal count. */
#define PIT_STAT_INT_LINE (1u << 7)
