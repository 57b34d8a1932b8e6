/* seL4's debug system calls, and the unknown-syscall path they live on. */
#pragma once

#include "../kernel/object.h"

void handle_unknown_syscall(struct tcb *t, seL4_Word w);
