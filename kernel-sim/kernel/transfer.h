/* Message transfer between threads: registers, IPC buffers, capabilities, faults. */
#pragma once

#include "state.h"

/* The slots of the extra caps of the current invocation (seL4's current_extra_caps). */
struct extra_caps {
	struct cte *excaprefs[seL4_MsgMaxExtraCaps];
};

extern struct extra_caps current_extra_caps;

/* Resolve the extra caps named in the sender's IPC buffer. */
enum exception lookup_extra_caps(struct tcb *t, seL4_Word *buffer, seL4_MessageInfo_t info);

void do_ipc_transfer(struct tcb *sender, struct endpoint *ep, seL4_Word badge, bool grant,
		     struct tcb *receiver);
void do_reply_transfer(struct tcb *sender, struct tcb *receiver, struct cte *slot, bool grant);
void do_nb_recv_failed_transfer(struct tcb *t);

/* Copy n message registers; returns how many were copied. */
seL4_Word copy_mrs(struct tcb *sender, seL4_Word *send_buf, struct tcb *receiver,
		   seL4_Word *recv_buf, seL4_Word n);
