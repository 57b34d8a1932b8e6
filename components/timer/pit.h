/*
 * The PIT as the timer's clock and alarm: channel 0 in one-shot mode
 * (mode 0), reached through an IO_PORT session for ports 0x40-0x43 and an
 * IRQ session for IRQ 0. Time is the sum of the ticks counted down between
 * reads; the read-back status tells whether the counter wrapped since it
 * was programmed (seed: "we use the PIT status byte to detect counter wrap
 * arounds and adjust our tick count accordingly").
 */
#pragma once

#include <component/env.h>

/* Open the device sessions; wakeup() runs on every interrupt. */
int pit_init(struct env *env, void (*wakeup)(void));
/* Microseconds since pit_init. */
unsigned long pit_now_us(void);
/*
 * Interrupt at deadline_us (or after at most ~55 ms, the longest one-shot),
 * now_us being the time just read: the ticks between that read and the
 * reprogramming are not counted, so read right before.
 */
void pit_set_deadline(unsigned long deadline_us, unsigned long now_us);
