/*
 * test-dynamic_config_server: the ROM server of Genode's dynamic_config
 * test, written for this framework from the test's documented behaviour
 * (repos/os/src/test/dynamic_config/server). One ROM session for every
 * client (Genode's Static_root): every 250 ms it writes
 * "<config><counter>N</counter></config>" (N from -1 up) into its
 * background dataspace and signals the client; the dataspace RPC hands out
 * the background one once there is new content (the two swap), else the
 * one it handed out last.
 */
#include <base/string.h>
#include <component/clients.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/root.h>
#include <component/timer.h>
#include <genode/rom_session.h>

struct buffer {
	seL4_CPtr ds;
	char *local;
	unsigned long size;
};

static struct env *env;
static struct rpc_object rom_session;
static struct buffer fg, bg;
static bool bg_pending_data;
static seL4_CPtr sigh;
static struct root rom_root;
static int counter = -1;
static struct timer timer;
static struct signal_handler timer_handler;

RPC_SERVER(rom_session_interface, ROM_SESSION_RPC);

/* Update the config: into the background buffer, grown if needed. */
static void configure(const char *data)
{
	unsigned long len = strlen(data) + 1;
	if (bg.size < len) {
		if (bg.ds) {
			env_detach(env, bg.local);
			env_free_ram(env, bg.ds);
		}
		bg = (struct buffer){0};
		if (env_alloc_ram(env, len, &bg.ds) ||
		    env_attach(env, bg.ds, 0, 0, true, (void **)&bg.local)) {
			error("no RAM for the config");
			return;
		}
		bg.size = len;
	}
	strlcpy(bg.local, data, len);
	bg_pending_data = true;
	/* tell the client of the change */
	if (sigh)
		signal_submit(sigh, 1);
}

int serve_rom_session_dataspace(void *obj, const struct rpc_none *in,
				struct rom_dataspace_result *out, struct rpc_cap_arg *cap_in,
				seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)cap_in;
	if (!fg.size && !bg_pending_data) {
		error("no data loaded");
		return RPC_UNAVAILABLE;
	}
	/* the old background becomes the foreground if there is new data */
	if (bg_pending_data) {
		struct buffer t = fg;
		fg = bg;
		bg = t;
		bg_pending_data = false;
	}
	out->size = fg.size;
	*cap_out = fg.ds;
	return RPC_OK;
}

int serve_rom_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_out;
	if (cap_in->present && cap_in->local)
		return RPC_INVALID_ARGS;
	rpc_cap_release(sigh);
	sigh = cap_in->present ? cap_in->sel : 0;
	cap_in->taken = cap_in->present;
	return RPC_OK;
}

int serve_rom_session_update(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK; /* dataspace swaps */
}

/* Every client gets the one session. */
static int create(struct root *r, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)r, (void)id, (void)args;
	*cap = rom_session.cap;
	return RPC_OK;
}

static int destroy(struct root *r, seL4_Word id)
{
	(void)r, (void)id;
	return RPC_OK;
}

static void handle_timer(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	char config[100];
	snprintf(config, sizeof(config), "<config><counter>%d</counter></config>", counter++);
	configure(config);
	timer_trigger_once(&timer, 250 * 1000);
}

void component_construct(struct env *e)
{
	env = e;
	if (ep_manage(env, &rom_session, &rom_session_interface, 0) || timer_connect(env, &timer) ||
	    signal_handler_init(env, &timer_handler, handle_timer)) {
		error("no ROM session object or timer");
		env_exit(env, 1);
	}
	timer_sigh(&timer, timer_handler.cap);
	handle_timer(0, 0);
	rom_root.create = create;
	rom_root.destroy = destroy;
	if (root_announce(env, "ROM", &rom_root))
		error("cannot announce the ROM service");
}
