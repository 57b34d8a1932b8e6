/* The DomainSet capability: a thread's domain and the domain schedule. */
#pragma once

#include "../kernel/state.h"

enum exception decode_domain_invocation(struct tcb *t, seL4_Word label, seL4_Word length,
					seL4_Word *buffer);
