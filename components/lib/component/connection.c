/* ROM connections. */
#include <base/format.h>
#include <component/clients.h>
#include <component/connection.h>

int rom_connect(struct env *env, const char *label, struct rom_connection *rc)
{
	char args[GENODE_SESSION_ARGS_MAX];
	*rc = (struct rom_connection){0};
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=4096, cap_quota=2", label);
	int err = env_session(env, "ROM", args, &rc->session, &rc->id);
	struct rom_dataspace_result r = {0};
	if (!err)
		err = rom_session_dataspace(rc->session, 0, &r, 0, &rc->ds);
	if (!err)
		err = env_attach(env, rc->ds, 0, 0, false, (void **)&rc->text);
	if (err) {
		rom_disconnect(env, rc);
		return err;
	}
	rc->size = r.size;
	/* a ROM may be padded with zeros up to a page */
	while (rc->size && !rc->text[rc->size - 1])
		rc->size--;
	return RPC_OK;
}

void rom_disconnect(struct env *env, struct rom_connection *rc)
{
	if (rc->text)
		env_detach(env, (void *)rc->text);
	rpc_cap_release(rc->ds);
	if (rc->id)
		env_close(env, rc->id, rc->session);
	*rc = (struct rom_connection){0};
}
