/* The RM service: region maps that become managed dataspaces. */
#include "core.h"
#include "region_map.h"
#include "session.h"
#include <genode/rm_session.h>

struct rm_session {
	struct core_session s;
	struct region_map *maps;
};

/* A region map's metadata, paid from the session. */
#define RM_COST 1024

static int rm_session_create(struct core_session *s, const char *args)
{
	(void)s, (void)args;
	return RPC_OK;
}

static void rm_session_destroy(struct core_session *s)
{
	struct rm_session *r = (struct rm_session *)s;
	while (r->maps) {
		struct region_map *rm = r->maps;
		r->maps = rm->next;
		rm_destroy(rm);
		account_release(&r->s.account, RM_COST, 2);
	}
}

RPC_SERVER(rm_session_interface, RM_SESSION_RPC);

const struct core_service rm_service = {
    .name = "RM",
    .ram_cost = 4096,
    .create = rm_session_create,
    .destroy = rm_session_destroy,
    .iface = &rm_session_interface,
    .size = sizeof(struct rm_session),
};

int serve_rm_session_create(void *obj, const struct rm_create_args *in, struct rpc_none *out,
			    struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in;
	struct rm_session *r = obj;
	if (!in->size || in->size > (1ul << 46))
		return RPC_INVALID_ARGS;
	if (!account_charge(&r->s.account, RM_COST, 2))
		return RPC_OUT_OF_RAM;
	unsigned long size = (in->size + seL4_PageSize - 1) & ~(seL4_PageSize - 1);
	struct region_map *rm = rm_create(size, &r->s.account, true, 0);
	if (!rm) {
		account_release(&r->s.account, RM_COST, 2);
		return RPC_OUT_OF_METADATA;
	}
	rm->next = r->maps;
	r->maps = rm;
	*cap_out = rm->obj.cap;
	return RPC_OK;
}

int serve_rm_session_destroy(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct rm_session *r = obj;
	struct region_map *rm = obj_arg(cap_in, &region_map_interface);
	for (struct region_map **p = &r->maps; rm && *p; p = &(*p)->next)
		if (*p == rm) {
			*p = rm->next;
			rm_destroy(rm);
			account_release(&r->s.account, RM_COST, 2);
			return RPC_OK;
		}
	return RPC_INVALID_OBJECT;
}
