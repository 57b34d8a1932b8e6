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

int rom_sigh(struct rom_connection *rc, seL4_CPtr context)
{
	return rom_session_sigh(rc->session, 0, 0, context, 0);
}

int rom_refresh(struct env *env, struct rom_connection *rc)
{
	struct rom_dataspace_result r = {0};
	seL4_CPtr ds;
	const char *text;
	int err = rom_session_update(rc->session, 0, 0, 0, 0);
	if (!err)
		err = rom_session_dataspace(rc->session, 0, &r, 0, &ds);
	if (err)
		return err;
	if ((err = env_attach(env, ds, 0, 0, false, (void **)&text))) {
		rpc_cap_release(ds);
		return err;
	}
	env_detach(env, (void *)rc->text);
	rpc_cap_release(rc->ds);
	rc->ds = ds;
	rc->text = text;
	rc->size = r.size;
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

static int connect(struct env *env, const char *service, const char *args, struct connection *c)
{
	*c = (struct connection){0};
	return env_session(env, service, args, &c->cap, &c->id);
}

int log_connect(struct env *env, const char *label, struct connection *c)
{
	char args[GENODE_SESSION_ARGS_MAX];
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=4096, cap_quota=2", label);
	return connect(env, "LOG", args, c);
}

int rm_connect(struct env *env, struct connection *c)
{
	return connect(env, "RM", "ram_quota=16384, cap_quota=8", c);
}

int pd_connect(struct env *env, const char *label, struct connection *c)
{
	char args[GENODE_SESSION_ARGS_MAX];
	/* core's PD: its VSpace root, CSpace and VM CNodes and bookkeeping (core/pd_session.c);
	 * the PD's quota for allocations comes by transfer (ref_account, transfer_quota) */
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=8", label,
		 320 * 1024ul);
	*c = (struct connection){0};
	return env_connect(env, "PD", args, &c->cap, &c->id);
}

int io_port_connect(struct env *env, unsigned long base, unsigned long size, struct connection *c)
{
	char args[GENODE_SESSION_ARGS_MAX];
	snprintf(args, sizeof(args),
		 "io_port_base=%#lx, io_port_size=%#lx, ram_quota=4096, cap_quota=2", base, size);
	return connect(env, "IO_PORT", args, c);
}

int irq_connect(struct env *env, unsigned long irq, struct connection *c)
{
	char args[GENODE_SESSION_ARGS_MAX];
	snprintf(args, sizeof(args), "irq_number=%lu, ram_quota=4096, cap_quota=2", irq);
	return connect(env, "IRQ", args, c);
}

int io_mem_connect(struct env *env, unsigned long base, unsigned long size, struct connection *c)
{
	char args[GENODE_SESSION_ARGS_MAX];
	snprintf(args, sizeof(args), "base=%#lx, size=%#lx, ram_quota=4096, cap_quota=2", base,
		 size);
	return connect(env, "IO_MEM", args, c);
}

void connection_close(struct env *env, struct connection *c)
{
	if (c->id)
		env_close(env, c->id, c->cap);
	*c = (struct connection){0};
}
