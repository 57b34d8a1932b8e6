/*
 * libsel4 for sel4-sim components: seL4's x86_64 system-call stubs, with
 * libsel4's names, over the ABI in protocol/. Freestanding.
 */
#pragma once

#include <sel4/bootinfo.h>
#include <sel4/cap_type.h>
#include <sel4/constants.h>
#include <sel4/faults.h>
#include <sel4/invocation.h>
#include <sel4/ipc_buffer.h>
#include <sel4/message_info.h>
#include <sel4/syscall.h>
#include <sel4/types.h>
#include <sel4/user_context.h>
#include <sim/debug.h>

#include "syscalls.h"
#include "invocations.h"
#include "arch_invocations.h"
