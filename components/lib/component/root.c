/* The server side of the root interface. */
#include <base/string.h>
#include <component/clients.h>
#include <component/root.h>

RPC_SERVER(root_interface, ROOT_RPC);

int root_announce(struct env *env, const char *service, struct root *r)
{
	int err = ep_manage(env, &r->obj, &root_interface, r);
	if (err)
		return err;
	struct parent_announce_args a;
	strlcpy(a.service, service, sizeof(a.service));
	return parent_announce(env->parent, &a, 0, r->obj.cap, 0);
}

int serve_root_session(void *obj, const struct root_session_args *in,
		       struct root_session_result *out, struct rpc_cap_arg *cap_in,
		       seL4_CPtr *cap_out)
{
	(void)cap_in;
	struct root *r = obj;
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	return r->create(r, args, cap_out, &out->id);
}

int serve_root_upgrade(void *obj, const struct root_upgrade_args *in, struct rpc_none *out,
		       struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct root *r = obj;
	char args[GENODE_SESSION_ARGS_MAX];
	strlcpy(args, in->args, sizeof(args));
	return r->upgrade ? r->upgrade(r, in->id, args) : RPC_OK;
}

int serve_root_close(void *obj, const struct root_close_args *in, struct rpc_none *out,
		     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct root *r = obj;
	r->destroy(r, in->id);
	return RPC_OK;
}
