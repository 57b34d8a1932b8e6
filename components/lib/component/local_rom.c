/* ROMs served by the component itself, as local services of the Child API. */
#include <base/string.h>
#include <component/clients.h>
#include <component/local_rom.h>
#include <genode/rom_session.h>

struct local_rom_session {
	struct rpc_object obj;
	struct local_rom *rom;
	struct session *session;
	seL4_CPtr sigh;
	unsigned long version; /* the content the client reads */
	struct local_rom_session *next;
};

#define LOCAL_ROM_RPC(M) ROM_SESSION_RPC_AS(M, local_rom)
RPC_SERVER(local_rom_session_interface, LOCAL_ROM_RPC);

int serve_local_rom_dataspace(void *obj, const struct rpc_none *in,
			      struct rom_dataspace_result *out, struct rpc_cap_arg *cap_in,
			      seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in;
	struct local_rom_session *rs = obj;
	rs->version = rs->rom->version;
	out->size = rs->rom->size;
	*cap_out = rs->rom->ds;
	return rs->rom->ds ? RPC_OK : RPC_UNAVAILABLE;
}

int serve_local_rom_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			 struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct local_rom_session *rs = obj;
	/* a signal context is core's object: it arrives as a capability to keep */
	if (cap_in->present && cap_in->local)
		return RPC_INVALID_ARGS;
	rpc_cap_release(rs->sigh);
	rs->sigh = cap_in->present ? cap_in->sel : 0;
	cap_in->taken = cap_in->present;
	return RPC_OK;
}

int serve_local_rom_update(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK; /* dataspace returns the newest content */
}

static int create(struct service *sv, struct session *s, seL4_CPtr *cap)
{
	struct local_rom *r = sv->data;
	struct local_rom_session *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return RPC_OUT_OF_METADATA;
	int err = ep_manage(r->env, &rs->obj, &local_rom_session_interface, rs);
	if (err) {
		free(rs);
		return err;
	}
	rs->rom = r;
	rs->session = s;
	s->data = rs;
	rs->next = r->sessions;
	r->sessions = rs;
	*cap = rs->obj.cap;
	return RPC_OK;
}

static void destroy_session(struct local_rom *r, struct local_rom_session *rs)
{
	for (struct local_rom_session **p = &r->sessions; *p; p = &(*p)->next)
		if (*p == rs) {
			*p = rs->next;
			break;
		}
	ep_dissolve(r->env, &rs->obj);
	rpc_cap_release(rs->sigh);
	if (rs->session)
		rs->session->data = 0;
	free(rs);
}

static void close(struct service *sv, struct session *s)
{
	if (s->data)
		destroy_session(sv->data, s->data);
}

void local_rom_init(struct env *env, struct local_rom *r, seL4_CPtr pd)
{
	*r = (struct local_rom){.env = env, .pd = pd};
	strlcpy(r->service.name, "ROM", sizeof(r->service.name));
	r->service.kind = SERVICE_LOCAL;
	r->service.create = create;
	r->service.close = close;
	r->service.data = r;
}

int local_rom_set(struct local_rom *r, const char *text, size_t len)
{
	struct pd_alloc_args a = {(len + 1 + 4095) & ~4095ul};
	struct pd_alloc_result res;
	seL4_CPtr ds;
	char *local;
	int err = pd_session_alloc(r->pd, &a, &res, 0, &ds);
	if (err)
		return err;
	if ((err = env_attach(r->env, ds, 0, 0, true, (void **)&local))) {
		pd_session_free(r->pd, 0, 0, ds, 0);
		rpc_cap_release(ds);
		return err;
	}
	memcpy(local, text, len);
	env_detach(r->env, local);
	if (r->prev_ds) {
		pd_session_free(r->pd, 0, 0, r->prev_ds, 0);
		rpc_cap_release(r->prev_ds);
	}
	r->prev_ds = r->ds;
	r->ds = ds;
	r->size = len;
	r->version++;
	for (struct local_rom_session *rs = r->sessions; rs; rs = rs->next)
		if (rs->sigh)
			signal_submit(rs->sigh, 1);
	return RPC_OK;
}

void local_rom_destroy(struct local_rom *r)
{
	while (r->sessions)
		destroy_session(r, r->sessions);
	seL4_CPtr ds[2] = {r->ds, r->prev_ds};
	for (unsigned i = 0; i < 2; i++)
		if (ds[i]) {
			pd_session_free(r->pd, 0, 0, ds[i], 0);
			rpc_cap_release(ds[i]);
		}
	r->ds = r->prev_ds = 0;
}
