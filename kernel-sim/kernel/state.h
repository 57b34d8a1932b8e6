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

enum lookup_fault_type {
	lookup_fault_invalid_root = 0,
	lookup_fault_missing_capability = 1,
	lookup_fault_depth_mismatch = 2,
	lookup_fault_guard_mismatch = 3,
};

struct lookup_fault {
	enum lookup_fault_type type;
	seL4_Word bits_left;
	seL4_Word bits_found;
	seL4_Word guard_found;
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

/* The faults a thread can take (seL4_Fault), with their payloads. */
struct fault {
	seL4_Word type; /* seL4_FaultType */
	union {
		struct {
			seL4_Word address;
			bool in_receive_phase;
		} cap;
		struct {
			seL4_Word syscall_number;
		} unknown_syscall;
		struct {
			seL4_Word number;
			seL4_Word code;
		} user_exception;
		struct {
			seL4_Word address;
			seL4_Word fsr;
			bool instruction_fault;
		} vm;
	};
};

extern struct tcb *ks_cur_thread;
extern struct syscall_error current_syscall_error;
extern struct lookup_fault current_lookup_fault;
extern struct fault current_fault;
