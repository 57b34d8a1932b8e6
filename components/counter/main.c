/*
 * counter: the server of the guide docs/guides/first_component.md. It
 * announces the service "Counter"; each session is an RPC object with a
 * count of its own, paid for by the client's session quota.
 */
#include <base/session_args.h>
#include <component/log.h>
#include <component/root.h>
#include <genode/counter_session.h>

struct counter {
	struct rpc_object obj; /* first: the entrypoint finds the session by it */
	seL4_Word id;	       /* the parent's name for the session */
	char label[128];
	long value;
	struct counter *next;
};

static struct counter *sessions;
static struct root root;

/* The dispatch table of the Counter interface: one serve_... per RPC. */
RPC_SERVER(counter_interface, COUNTER_SESSION_RPC);

int serve_counter_session_add(void *obj, const struct counter_add_args *in,
			      struct counter_add_result *out, struct rpc_cap_arg *cap_in,
			      seL4_CPtr *cap_out)
{
	(void)cap_in, (void)cap_out;
	struct counter *c = obj;
	c->value += in->by;
	out->value = c->value;
	return RPC_OK;
}

/* A client asks for a session: it must donate enough RAM for our state. */
static int create(struct root *r, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)r;
	if (session_arg_ulong(args, "ram_quota", 0) < sizeof(struct counter))
		return RPC_INSUFFICIENT_RAM_QUOTA;
	struct counter *c = calloc(1, sizeof(*c));
	if (!c)
		return RPC_OUT_OF_RAM;
	session_arg_string(args, "label", c->label, sizeof(c->label));
	int err = ep_manage(genode_env(), &c->obj, &counter_interface, c);
	if (err) {
		free(c);
		return err;
	}
	c->id = id;
	c->next = sessions;
	sessions = c;
	*cap = c->obj.cap;
	log("session for \"%s\"", c->label);
	return RPC_OK;
}

static int destroy(struct root *r, seL4_Word id)
{
	(void)r;
	for (struct counter **p = &sessions; *p; p = &(*p)->next)
		if ((*p)->id == id) {
			struct counter *c = *p;
			*p = c->next;
			log("\"%s\" counted to %ld", c->label, c->value);
			ep_dissolve(genode_env(), &c->obj);
			free(c);
			break;
		}
	return RPC_OK;
}

void component_construct(struct env *env)
{
	root.create = create;
	root.destroy = destroy;
	int err = root_announce(env, "Counter", &root);
	if (err)
		error("announce: %s", rpc_error_name(err));
}
