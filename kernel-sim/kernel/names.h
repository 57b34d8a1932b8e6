/*
 * seL4's names for the numbers the kernel deals in: system calls,
 * invocation labels, errors, object and capability types, faults and
 * thread states (as the manual and libsel4 spell them). NULL if unknown.
 */
#pragma once

#include <sel4/types.h>

const char *syscall_name(seL4_SWord sysno);
const char *invocation_name(seL4_Word label);
const char *error_name(seL4_Word error);
const char *object_type_name(seL4_Word type);
const char *cap_type_name(unsigned type);
const char *fault_name(seL4_Word type);
const char *tcb_state_name(unsigned state);
