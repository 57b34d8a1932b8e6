/* Faults: delivery to a thread's fault handler, its reply, and seL4's double fault. */
#pragma once

#include "../kernel/state.h"

/* Deliver current_fault of t; on failure report a double fault and stop t. */
void handle_fault(struct tcb *t);

/* The fault message of sender's pending fault, into receiver; returns its length. */
unsigned set_mrs_fault(struct tcb *sender, struct tcb *receiver, seL4_Word *receive_buffer);

/* Apply a fault handler's reply to receiver; true if it restarts. */
bool handle_fault_reply(struct tcb *receiver, struct tcb *sender);

/* Write a lookup failure into message registers from offset; returns the next. */
unsigned set_mrs_lookup_failure(struct tcb *t, seL4_Word *buffer, const struct lookup_fault *f,
				unsigned offset);

/* seL4's print_fault wording for one fault. */
int format_fault(char *buf, size_t len, const struct fault *f);

/* seL4's sanitiseRegister for a register at this offset of seL4_UserContext. */
seL4_Word sanitise_register(size_t offset, seL4_Word v);
