/* Invocation decoding by capability type (seL4's decodeInvocation). */
#pragma once

#include "../kernel/state.h"

enum exception decode_invocation(struct tcb *t, seL4_Word label, seL4_Word length, seL4_CPtr cptr,
				 struct cte *slot, struct cap cap, bool is_blocking, bool is_call,
				 seL4_Word *buffer);

enum exception decode_tcb_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
				     struct cap cap, struct cte *slot, bool is_call,
				     seL4_Word *buffer);
