/* The LOG service: each write is a line prefixed with the session label. */
#include "core.h"
#include "session.h"
#include <base/string.h>
#include <genode/log_session.h>

static int log_create(struct core_session *s, const char *args)
{
	(void)s, (void)args;
	return RPC_OK;
}

static void log_destroy(struct core_session *s)
{
	(void)s;
}

RPC_SERVER(log_session_interface, LOG_SESSION_RPC);

const struct core_service log_service = {
    .name = "LOG",
    .ram_cost = 0,
    .cap_cost = 0,
    .create = log_create,
    .destroy = log_destroy,
    .iface = &log_session_interface,
    .size = sizeof(struct core_session),
};

int serve_log_session_write(void *obj, const struct log_write_args *in, struct rpc_none *out,
			    struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct core_session *s = obj;
	char line[LOG_STRING_MAX];
	memcpy(line, in->string, sizeof(line));
	line[sizeof(line) - 1] = 0;
	size_t n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = 0;
	/* a message of several lines keeps the prefix on each */
	char *p = line;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		core_log("[%s] %s\n", s->label, p);
		if (!nl)
			break;
		p = nl + 1;
	}
	return RPC_OK;
}
