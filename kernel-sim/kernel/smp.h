/*
 * kernel-sim with more than one CPU is an SMP build of seL4
 * (KernelMaxNumNodes > 1): the boot info's numNodes is the CPU count, and
 * invocation labels are numbered as an SMP libsel4 numbers them, with
 * TCBSetAffinity after TCBUnbindNotification and every later label one
 * higher (sel4/invocation.h). Decoding works on the uniprocessor enum;
 * kernel_label() translates what a thread sent.
 */
#pragma once

#include "schedule.h"
#include <sel4/invocation.h>

/* kernel-sim's own number for TCBSetAffinity, which the uniprocessor enum lacks. */
#define TCBSetAffinity nArchInvocationLabels

/* Is the kernel an SMP build (KernelMaxNumNodes > 1)? */
static inline bool kernel_is_smp(void)
{
	return (sched_config.max_nodes ? sched_config.max_nodes : sched_config.cpus) > 1;
}

/* The label a thread sent, as the uniprocessor enum (or TCBSetAffinity) names it. */
static inline seL4_Word kernel_label(seL4_Word label)
{
	if (!kernel_is_smp())
		return label;
	return label == SEL4_SMP_TCBSetAffinity ? TCBSetAffinity : sel4_up_label(label);
}
