/*
 * The seccomp program of a PD process. libseccomp builds the policy for the
 * runtime's own system calls; a short prologue in front of it traps every
 * system call that does not come from the runtime's one syscall site, which
 * is what turns a syscall instruction in component code into a trap.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sim/ctrl.h>

/*
 * Build the program for a runtime whose syscall instruction returns to
 * syscall_ip. Returns the number of instructions written to out, or -1.
 */
int filter_build(uint64_t syscall_ip, struct sim_bpf_insn *out, size_t max);
