/* Reporters: Report sessions and their dataspaces. */
#include <base/format.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/reporter.h>

static int map(struct reporter *r)
{
	int err = report_session_dataspace(r->session, 0, 0, 0, &r->ds);
	if (!err && !r->ds)
		err = RPC_UNAVAILABLE;
	if (!err)
		err = env_attach(r->env, r->ds, 0, 0, true, (void **)&r->buf);
	if (err) {
		rpc_cap_release(r->ds);
		r->ds = 0;
		r->buf = 0;
	}
	return err;
}

static int open(struct reporter *r)
{
	char args[GENODE_SESSION_ARGS_MAX];
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=3, buffer_size=%lu",
		 r->label, 10 * 1024 + r->buffer_size, r->buffer_size);
	int err = env_connect(r->env, "Report", args, &r->session, &r->id);
	if (!err && (err = map(r)))
		reporter_disconnect(r);
	return err;
}

int reporter_connect(struct env *env, struct reporter *r, const char *type, const char *label,
		     unsigned long buffer_size, bool expanding)
{
	*r = (struct reporter){.env = env, .buffer_size = buffer_size, .expanding = expanding};
	strlcpy(r->type, type, sizeof(r->type));
	strlcpy(r->label, label, sizeof(r->label));
	return open(r);
}

int reporter_use(struct env *env, struct reporter *r, const char *type, seL4_CPtr session,
		 unsigned long buffer_size)
{
	*r = (struct reporter){.env = env, .buffer_size = buffer_size, .session = session};
	strlcpy(r->type, type, sizeof(r->type));
	return map(r);
}

void reporter_disconnect(struct reporter *r)
{
	if (r->buf)
		env_detach(r->env, r->buf);
	rpc_cap_release(r->ds);
	if (r->id)
		env_close(r->env, r->id, r->session);
	r->buf = 0;
	r->ds = r->session = 0;
	r->id = 0;
}

int reporter_submit(struct reporter *r, const char *text, unsigned long len)
{
	if (!r->buf || len > r->buffer_size)
		return RPC_OUT_OF_METADATA;
	memcpy(r->buf, text, len);
	struct report_length a = {len};
	return report_session_submit(r->session, &a, 0, 0, 0);
}

int reporter_generate(struct reporter *r, void (*fn)(struct xml_gen *g, void *arg), void *arg)
{
	for (;;) {
		if (!r->buf)
			return RPC_UNAVAILABLE;
		struct xml_gen g;
		xml_gen_init(&g, r->buf, r->buffer_size - 1);
		xml_gen_open(&g, r->type);
		fn(&g, arg);
		xml_gen_close(&g);
		if (xml_gen_done(&g)) {
			/* Genode's generator ends the report with a newline */
			r->buf[g.used] = '\n';
			struct report_length a = {g.used + 1};
			return report_session_submit(r->session, &a, 0, 0, 0);
		}
		if (!g.overflow || !r->expanding)
			return RPC_OUT_OF_METADATA;
		/* a larger buffer: a new session */
		reporter_disconnect(r);
		r->buffer_size += 4096;
		int err = open(r);
		if (err)
			return err;
	}
}
