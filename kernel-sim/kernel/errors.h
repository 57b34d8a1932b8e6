/*
 * Setting seL4's syscall error of the current invocation: each helper fills
 * current_syscall_error as seL4's decode functions do and returns
 * EXCEPTION_SYSCALL_ERROR, so a decoder can `return invalid_argument(0);`.
 */
#pragma once

#include "log.h"
#include "state.h"

static inline enum exception syscall_error(seL4_Error type)
{
	current_syscall_error = (struct syscall_error){.type = type};
	return EXCEPTION_SYSCALL_ERROR;
}

static inline enum exception invalid_capability(seL4_Word n)
{
	current_syscall_error =
	    (struct syscall_error){.type = seL4_InvalidCapability, .invalid_cap_number = n};
	return EXCEPTION_SYSCALL_ERROR;
}

static inline enum exception invalid_argument(seL4_Word n)
{
	current_syscall_error =
	    (struct syscall_error){.type = seL4_InvalidArgument, .invalid_argument_number = n};
	return EXCEPTION_SYSCALL_ERROR;
}

static inline enum exception range_error(seL4_Word min, seL4_Word max)
{
	current_syscall_error = (struct syscall_error){
	    .type = seL4_RangeError, .range_error_min = min, .range_error_max = max};
	return EXCEPTION_SYSCALL_ERROR;
}

/* The lookup fault itself is in current_lookup_fault. */
static inline enum exception failed_lookup(bool was_source)
{
	current_syscall_error = (struct syscall_error){.type = seL4_FailedLookup,
						       .failed_lookup_was_source = was_source};
	return EXCEPTION_SYSCALL_ERROR;
}

/*
 * The host has run out of what the invocation needs (a descriptor, memory,
 * a process): seL4's NotEnoughMemory, with no memory left to report.
 */
static inline enum exception host_not_enough_memory(void)
{
	current_syscall_error = (struct syscall_error){.type = seL4_NotEnoughMemory};
	return EXCEPTION_SYSCALL_ERROR;
}

/* A message too short for the method: seL4_TruncatedMessage, said with --verbose. */
static inline enum exception truncated(const char *what)
{
	user_error("%s: Truncated message.", what);
	return syscall_error(seL4_TruncatedMessage);
}
