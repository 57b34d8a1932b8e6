/*
 * A digest of the kernel's event sequence (`kernel-sim --digest`): every
 * kernel entry with its outcome, message, signal, fault, scheduling
 * decision, object and mapping, folded into one 64-bit hash printed at
 * exit. Threads and objects are named by their physical address, which the
 * same sequence of Retypes reproduces; host times and pids stay out. With
 * one CPU and no device interrupts, two runs of the same root task print
 * the same digest if kernel-sim's decisions did not depend on the host.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

extern bool digest_on;

/* Fold one event of the given kind and its values into the digest. */
void digest_event(const char *kind, uint64_t a, uint64_t b, uint64_t c);

/* "kernel-sim: event digest 0123456789abcdef (N events)" on stderr. */
void digest_print(void);
