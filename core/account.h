/*
 * RAM and capability accounts. Every session core creates has one, filled
 * by the quota the client donated with the request; everything core
 * allocates on behalf of that session is paid from it.
 */
#pragma once

#include <stdbool.h>

struct account {
	unsigned long ram_quota, ram_used, cap_quota, cap_used;
};

static inline bool account_charge(struct account *a, unsigned long ram, unsigned long caps)
{
	if (ram > a->ram_quota - a->ram_used || caps > a->cap_quota - a->cap_used)
		return false;
	a->ram_used += ram;
	a->cap_used += caps;
	return true;
}

static inline void account_release(struct account *a, unsigned long ram, unsigned long caps)
{
	a->ram_used -= ram <= a->ram_used ? ram : a->ram_used;
	a->cap_used -= caps <= a->cap_used ? caps : a->cap_used;
}

/* Move unused quota from one account to another. */
static inline bool account_transfer(struct account *from, struct account *to, unsigned long ram,
				    unsigned long caps)
{
	if (ram > from->ram_quota - from->ram_used || caps > from->cap_quota - from->cap_used)
		return false;
	from->ram_quota -= ram;
	from->cap_quota -= caps;
	to->ram_quota += ram;
	to->cap_quota += caps;
	return true;
}
