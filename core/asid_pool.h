/* ASID pools of core: every PD's VSpace root gets an ASID from one. */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>

/*
 * Assign the VSpace root an ASID, making a new pool when the others are
 * full: seL4_NoError, or the kernel's error (seL4_NotEnoughMemory: the
 * kernel cannot make the PD; seL4_DeleteFirst: every pool is full).
 */
seL4_Error asid_assign(seL4_CPtr vspace_root);
