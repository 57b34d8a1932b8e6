/*
 * The host's part in device time (protocol/sim/trap.h, devices/mmio.h): the
 * emulation of an access to a device that must not see it pass is timed
 * from the thread's trap to its resumption, in three parts, each told to
 * the device as it becomes known (the device clamps each, whatever a PD
 * reports):
 *
 *   trap -> emulation     from the runtime's entry stamp, as the emulation begins
 *   emulation -> answer   kernel-sim's own TSC, as the answer is sent, if that
 *                         is in the same event (a thread preempted in the
 *                         kernel meanwhile lets its device's time run)
 *   answer -> resumption  reported by the thread's next trap, counted only
 *                         after an answer kernel-sim stamped for this thread
 *
 * The host thread remembers the access from its emulation to its next trap.
 *
 * Only the accesses of a driver that programs the device are timed so: a
 * write to one of its registers and the thread's next ACCESS_PROGRAMMING
 * accesses to it (libplatsupport's check that a comparator it wrote is
 * still ahead of the counter, and its retry). A thread that only reads
 * the device (polling its counter, calibrating the TSC against it) sees
 * host time pass, emulation and all, as its count of host time demands.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sim/trap.h>

struct tcb;
struct host_thread;
struct mmio_device;

#define ACCESS_PROGRAMMING 3

/* t's trap is an access to d (writes: it writes a register), whose emulation begins now. */
void access_time_begin(struct tcb *t, struct mmio_device *d, const struct sim_trap *trap,
		       bool writes);

/* h is being answered: the answer's stamp (0 if it ends no timed access). */
uint64_t access_time_answer(struct host_thread *h);

/* h trapped again: what its resumption after the stamped answer took. */
void access_time_trapped(struct host_thread *h, const struct sim_trap *trap);
