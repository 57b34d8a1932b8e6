/* Faults: delivery to a thread's fault handler, and seL4's double fault. */
#pragma once

#include "../kernel/state.h"

/* Deliver current_fault of t; on failure report a double fault and stop t. */
void handle_fault(struct tcb *t);

/* seL4's print_fault wording for one fault. */
int format_fault(char *buf, size_t len, const struct fault *f);
