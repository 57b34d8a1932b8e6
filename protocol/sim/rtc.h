/*
 * The Motorola MC146818 CMOS real-time clock kernel-sim simulates, as a PC
 * has it: its ports, its interrupt and its registers (the chip's names).
 */
#pragma once

#define RTC_INDEX_PORT 0x70 /* bit 7 of a written index masks the NMI on a PC */
#define RTC_DATA_PORT  0x71
#define RTC_IRQ	       8 /* ISA line 8, I/O APIC pin 8 */

/* Time, alarm and date registers. */
#define RTC_SECONDS	  0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES	  0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS	  0x04
#define RTC_HOURS_ALARM	  0x05
#define RTC_DAY_OF_WEEK	  0x06 /* 1-7, Sunday is 1 */
#define RTC_DAY_OF_MONTH  0x07
#define RTC_MONTH	  0x08
#define RTC_YEAR	  0x09
#define RTC_REG_A	  0x0a
#define RTC_REG_B	  0x0b
#define RTC_REG_C	  0x0c
#define RTC_REG_D	  0x0d
/* The century, in CMOS memory where the PC BIOS keeps it (the FADT's CENTURY). */
#define RTC_CENTURY 0x32
#define RTC_BYTES   128

/* An alarm byte of 11xxxxxx matches every value ("don't care"). */
#define RTC_ALARM_DONT_CARE 0xc0

/* Register A: update in progress, divider (DV2-0), rate select (RS3-0). */
#define RTC_A_UIP	 0x80
#define RTC_A_DV_SHIFT	 4
#define RTC_A_DV_32KHZ	 (2u << RTC_A_DV_SHIFT) /* the PC's 32.768 kHz time base */
#define RTC_A_DV_RESET	 (6u << RTC_A_DV_SHIFT) /* 11x: divider chain held in reset */
#define RTC_A_RS_MASK	 0x0f
#define RTC_A_RS_1024_HZ 0x06 /* the BIOS's setting */
#define RTC_A_RS_2_HZ	 0x0f

/* Register B. */
#define RTC_B_SET   0x80 /* updates inhibited while the time is set */
#define RTC_B_PIE   0x40 /* periodic interrupt enable */
#define RTC_B_AIE   0x20 /* alarm interrupt enable */
#define RTC_B_UIE   0x10 /* update-ended interrupt enable */
#define RTC_B_SQWE  0x08
#define RTC_B_DM    0x04 /* data mode: 1 binary, 0 BCD */
#define RTC_B_24H   0x02 /* 1: 24-hour clock; 0: 12-hour, bit 7 of the hour is PM */
#define RTC_B_DSE   0x01
#define RTC_HOUR_PM 0x80

/* Register C: interrupt flags, cleared by reading it. */
#define RTC_C_IRQF 0x80
#define RTC_C_PF   0x40
#define RTC_C_AF   0x20
#define RTC_C_UF   0x10

/* Register D: valid RAM and time. */
#define RTC_D_VRT 0x80
