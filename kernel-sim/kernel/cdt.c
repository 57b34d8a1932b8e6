#include "cdt.h"

static bool is_arch_cap(enum cap_type t)
{
	return (t & 1) != 0;
}

bool is_cap_revocable(struct cap derived, struct cap src)
{
	if (is_arch_cap(derived.type))
		return derived.type == cap_io_port_cap && src.type == cap_io_port_control_cap;
	switch (derived.type) {
	case cap_endpoint_cap:
		return derived.endpoint.badge != src.endpoint.badge;
	case cap_notification_cap:
		return derived.notification.badge != src.notification.badge;
	case cap_irq_handler_cap:
		return src.type == cap_irq_control_cap;
	case cap_untyped_cap:
		return true;
	default:
		return false;
	}
}

void cte_insert(struct cap new_cap, struct cte *src, struct cte *dest)
{
	bool revocable = is_cap_revocable(new_cap, src->cap);
	dest->cap = new_cap;
	dest->mdb.prev = src;
	dest->mdb.next = src->mdb.next;
	dest->mdb.revocable = revocable;
	dest->mdb.first_badged = revocable;
	if (dest->mdb.next)
		dest->mdb.next->mdb.prev = dest;
	src->mdb.next = dest;
}

void cte_write_original(struct cte *dest, struct cap cap)
{
	dest->cap = cap;
	dest->mdb = (struct mdb_node){NULL, NULL, true, true};
}
