/*
 * Host placement: which host cores kernel-sim and its PD processes run on.
 * With one simulated CPU and seL4's scheduling one thread at a time runs
 * component code, and every kernel entry hands the host CPU from a PD
 * thread to kernel-sim and on to the next thread: on one host core that is
 * a switch, across cores a wake-up of another core (on a virtual machine an
 * interrupt through the hypervisor), several times dearer. So by default
 * kernel-sim keeps itself, and with it every PD process it forks, on the
 * host core it started on. `--pin off` leaves placement to the host, and
 * `--pin N` keeps everything on host core N.
 */
#pragma once

#include "../kernel/schedule.h"

/* --pin auto|off|N; 0, or -1 for a value that is none of these. */
int placement_parse(const char *arg);

/* Pin as chosen for this scheduler configuration; 0, or -1 after a message. */
int placement_apply(const struct sched_config *sc);
