/*
 * kernel-sim's event loop: one epoll set over thread channels, PD process
 * handles, timers and signals. Like a uniprocessor kernel it serves one
 * event at a time; after each, the scheduler decides who runs next.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct event_source {
	int fd;
	void (*ready)(struct event_source *s, uint32_t events);
};

int loop_init(void);
int loop_add(struct event_source *s, uint32_t events);
void loop_del(struct event_source *s);
/* Change the events a source waits for. */
int loop_mod(struct event_source *s, uint32_t events);

/*
 * A device's interrupt source (a timer, input): served as any other, and
 * seen by loop_interrupt_pending, which long kernel operations ask at
 * their preemption points (seL4's isIRQPending); loop_serve_interrupts
 * serves the ready ones at once.
 */
int loop_add_interrupt(struct event_source *s, uint32_t events);
bool loop_interrupt_pending(void);
void loop_serve_interrupts(void);

/* Called after every event (the scheduler settles who runs). */
void loop_set_after_event(void (*after)(void));

/* Wait for events (timeout in ms, -1 forever) and serve each. */
int loop_run_once(int timeout_ms);

/* The number of the event being served (each event of a wait is one). */
uint64_t loop_event(void);

/* CLOCK_MONOTONIC in ns. */
uint64_t loop_now_ns(void);
