/*
 * kernel-sim's event loop: one epoll set over thread channels, PD process
 * handles and signals. Like a uniprocessor kernel it serves one event at a
 * time.
 */
#pragma once

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

/* Wait for events (timeout in ms, -1 forever) and serve each. */
int loop_run_once(int timeout_ms);
