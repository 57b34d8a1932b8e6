/* ASID pools of core: every PD's VSpace root gets an ASID from one. */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>

/* Assign the VSpace root an ASID, making a new pool when the others are full. */
bool asid_assign(seL4_CPtr vspace_root);
