/*
 * test-hello-server: offers the "Hello" service. Each session is an RPC
 * object of its own; its label (as init routed it) names the client.
 */
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <component/root.h>

struct hello {
	struct rpc_object obj;
	seL4_Word id; /* the parent's name of the session */
	char label[128];
	struct hello *next;
};

static struct hello *sessions;
static struct root root;

RPC_SERVER(hello_interface, HELLO_SESSION_RPC);

int serve_hello_session_say_hello(void *obj, const struct hello_say_args *in,
				  struct hello_say_result *out, struct rpc_cap_arg *cap_in,
				  seL4_CPtr *cap_out)
{
	(void)cap_in, (void)cap_out;
	struct hello *h = obj;
	char name[sizeof(in->name)];
	strlcpy(name, in->name, sizeof(name));
	snprintf(out->greeting, sizeof(out->greeting), "Hello, %s! (session \"%s\")", name,
		 h->label);
	return RPC_OK;
}

int serve_hello_session_add(void *obj, const struct hello_add_args *in,
			    struct hello_add_result *out, struct rpc_cap_arg *cap_in,
			    seL4_CPtr *cap_out)
{
	(void)obj, (void)cap_in, (void)cap_out;
	out->sum = in->a + in->b;
	return RPC_OK;
}

static int create(struct root *r, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)r;
	if (session_arg_ulong(args, "ram_quota", 0) < 4096)
		return RPC_INSUFFICIENT_RAM_QUOTA;
	struct hello *h = calloc(1, sizeof(*h));
	if (!h)
		return RPC_OUT_OF_RAM;
	session_arg_string(args, "label", h->label, sizeof(h->label));
	int err = ep_manage(genode_env(), &h->obj, &hello_interface, h);
	if (err) {
		free(h);
		return err;
	}
	h->next = sessions;
	sessions = h;
	*cap = h->obj.cap;
	h->id = id;
	log("session opened for \"%s\"", h->label);
	return RPC_OK;
}

static int destroy(struct root *r, seL4_Word id)
{
	(void)r;
	for (struct hello **p = &sessions; *p; p = &(*p)->next)
		if ((*p)->id == id) {
			struct hello *h = *p;
			*p = h->next;
			log("session closed for \"%s\"", h->label);
			ep_dissolve(genode_env(), &h->obj);
			free(h);
			break;
		}
	return RPC_OK;
}

void component_construct(struct env *env)
{
	root.create = create;
	root.destroy = destroy;
	int err = root_announce(env, "Hello", &root);
	if (err)
		error("announce: %s", rpc_error_name(err));
}
