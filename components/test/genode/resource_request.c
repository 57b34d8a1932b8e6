/*
 * test-resource_request: Genode's test of dynamic resource requests,
 * written for this framework from the test's documented behaviour
 * (repos/os/src/test/resource_request). The program has two roles.
 *
 * With <config role="monitor"/>, it manages the config of a nested init
 * (a report "init.config") and watches that init's state report (the ROM
 * "state"): when the child's <ram> shows requested="N", it generates a
 * config that assigns the child its assigned RAM plus N ("responding to
 * resource request of N").
 *
 * Otherwise, it is the test, run by that init with 2 MiB: it allocates
 * all RAM but 64 KiB, then runs out of RAM in the four places a
 * component can, each of which asks its parent for more and goes on once
 * the monitor's config gave it:
 *
 *  - 1000 signal handlers (their contexts are paid by our PD);
 *  - a PD session (its donation); that PD gets ours as reference account;
 *  - a transfer of 512 KiB to that PD;
 *  - an allocation of 512 KiB.
 *
 * Neither the session nor the transfer changes the RAM we use; the
 * allocation does. Then "--- finished test-resource_request ---" and exit
 * value 0. A failed assertion logs "Error: assertion ... failed".
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/reporter.h>

static struct env *env;

/* --- monitor role ------------------------------------------------------------- */

static struct rom_connection init_state;
static struct reporter init_config;
static struct signal_handler init_state_handler;
static unsigned long ram_quota = 2 * 1024 * 1024;
static unsigned cnt;

static void gen_service(struct xml_gen *g, const char *name)
{
	xml_gen_open(g, "service");
	xml_gen_attr(g, "name", name);
	xml_gen_close(g);
}

static void gen_init_config(struct xml_gen *g, void *arg)
{
	(void)arg;
	xml_gen_open(g, "report");
	xml_gen_attr_bool(g, "child_ram", true);
	xml_gen_close(g);
	xml_gen_open(g, "parent-provides");
	gen_service(g, "ROM");
	gen_service(g, "CPU");
	gen_service(g, "PD");
	gen_service(g, "LOG");
	gen_service(g, "Timer");
	xml_gen_close(g);
	xml_gen_open(g, "start");
	xml_gen_attr(g, "name", "test-resource_request");
	xml_gen_attr_ulong(g, "caps", 3000);
	xml_gen_open(g, "resource");
	xml_gen_attr(g, "name", "RAM");
	xml_gen_attr_ulong(g, "quantum", ram_quota);
	xml_gen_close(g);
	xml_gen_open(g, "route");
	xml_gen_open(g, "any-service");
	xml_gen_open(g, "parent");
	xml_gen_close(g);
	xml_gen_close(g);
	xml_gen_close(g);
	xml_gen_close(g);
}

static void generate_init_config(void)
{
	if (reporter_generate(&init_config, gen_init_config, 0))
		error("cannot generate the init config");
}

/* An attribute of the first child's <ram> in init's state report (0: none). */
static unsigned long child_ram_attr_value_from_init_state(const char *attr)
{
	struct xml_node state, child, ram;
	unsigned long result = 0;
	if (init_state.size && xml_parse(init_state.text, init_state.size, &state, 0) &&
	    xml_first_sub(&state, "child", &child) && xml_first_sub(&child, "ram", &ram))
		xml_attr_ulong(&ram, attr, &result);
	return result;
}

static void handle_init_state(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	rom_refresh(env, &init_state);
	unsigned long requested = child_ram_attr_value_from_init_state("requested");
	if (!requested)
		return;
	unsigned long upgraded_ram_quota =
	    child_ram_attr_value_from_init_state("assigned") + requested;
	/* ignore spurious state updates */
	if (upgraded_ram_quota <= ram_quota)
		return;
	ram_quota = upgraded_ram_quota;
	log("responding to resource request of %lu cnt=%u", requested, cnt++);
	generate_init_config();
}

static void monitor(void)
{
	if (rom_connect(env, "state", &init_state) ||
	    reporter_connect(env, &init_config, "config", "init.config", 4096, true) ||
	    signal_handler_init(env, &init_state_handler, handle_init_state)) {
		error("monitor: no state ROM or config report");
		env_exit(env, 1);
	}
	rom_sigh(&init_state, init_state_handler.cap);
	generate_init_config();
}

/* --- test role ----------------------------------------------------------------- */

static void print_quota_stats(void)
{
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	log("quota: avail=%lu used=%lu", q.ram_quota - q.ram_used, q.ram_used);
}

static unsigned long used_ram(void)
{
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	return q.ram_used;
}

#define ASSERT(cond)                                                                               \
	if (!(cond)) {                                                                             \
		error("assertion %s failed", #cond);                                               \
		env_exit(env, 1);                                                                  \
	}

static void nothing(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
}

#define NUM_SIGH 1000u

static void test(void)
{
	log("--- test-resource_request started ---");

	/* consume the initial quota to run into the corner cases of exceeded quota */
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	unsigned long avail_quota = q.ram_quota - q.ram_used;
	enum { KEEP_QUOTA = 64 * 1024 };
	unsigned long wasted_quota = avail_quota >= KEEP_QUOTA ? avail_quota - KEEP_QUOTA : 0;
	seL4_CPtr wasted;
	if (wasted_quota && env_alloc_ram(env, wasted_quota, &wasted))
		error("cannot waste %lu bytes", wasted_quota);
	log("wasted available quota of %lu bytes", wasted_quota);
	print_quota_stats();

	/* drain the PD session with signal contexts: resource requests to the parent */
	log("\n-- draining PD session --");
	{
		static struct signal_handler dummy_handlers[NUM_SIGH];
		for (unsigned i = 0; i < NUM_SIGH; i++)
			if (signal_handler_init(env, &dummy_handlers[i], nothing)) {
				error("no signal handler %u", i);
				env_exit(env, 1);
			}
		print_quota_stats();
		for (unsigned i = 0; i < NUM_SIGH; i++)
			signal_handler_dissolve(env, &dummy_handlers[i]);
	}
	print_quota_stats();
	unsigned long used_quota_after_draining_session = used_ram();

	/* a new session's donation: we have nothing left, so another resource request */
	log("\n-- out-of-memory during session request --");
	static struct connection pd;
	if (pd_connect(env, "", &pd)) {
		error("no PD session");
		env_exit(env, 1);
	}
	pd_session_ref_account(pd.cap, 0, 0, env->pd, 0);
	print_quota_stats();
	unsigned long used_quota_after_session_request = used_ram();

	/* quota transfers may cause resource requests, too */
	log("\n-- out-of-memory during transfer-quota --");
	if (env_transfer_quota(env, pd.cap, 512 * 1024, 0))
		error("transfer failed");
	print_quota_stats();
	unsigned long used_quota_after_transfer = used_ram();

	/* and a plain allocation, the most likely case */
	log("\n-- out-of-memory during RAM allocation --");
	seL4_CPtr ds;
	if (env_alloc_ram(env, 512 * 1024, &ds))
		error("allocation failed");
	print_quota_stats();
	unsigned long used_quota_after_alloc = used_ram();

	ASSERT(used_quota_after_session_request == used_quota_after_draining_session);
	ASSERT(used_quota_after_transfer == used_quota_after_session_request);
	ASSERT(used_quota_after_alloc > used_quota_after_transfer);

	log("--- finished test-resource_request ---");
	env_exit(env, 0);
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection config;
	struct xml_node node;
	bool is_monitor = !rom_connect(env, "config", &config) &&
			  xml_parse(config.text, config.size, &node, 0) &&
			  xml_attr_equals(&node, "role", "monitor");
	if (is_monitor)
		monitor();
	else
		test();
}
