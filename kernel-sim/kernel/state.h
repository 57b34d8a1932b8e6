/*
 * The kernel's per-invocation state, as seL4 keeps it: the thread being
 * served, and the error, lookup failure and fault that the current
 * operation produced.
 */
#pragma once

#include "object.h"

enum exception {
	EXCEPTION_NONE = 0,
	EXCEPTION_FAULT,
	EXCEPTION_LOOKUP_FAULT,
	EXCEPTION_SYSCALL_ERROR,
	EXCEPTION_PREEMPTED,
};

struct syscall_error {
	seL4_Error type;
	seL4_Word invalid_argument_number;
	seL4_Word invalid_cap_number;
	seL4_Word range_error_min;
	seL4_Word range_error_max;
	seL4_Word memory_left;
	bool failed_lookup_was_source;
};

extern struct tcb *ks_cur_thread;
extern struct syscall_error current_syscall_error;
extern struct lookup_fault current_lookup_fault;
extern struct fault current_fault;
