/*
 * test-ds_ownership: Genode's dataspace-ownership test, written for this
 * framework from the test's documented behaviour (repos/base/src/test/
 * ds_ownership). A RAM dataspace allocated from one PD session cannot be
 * freed through another: it stays attachable; freed through its own PD
 * session, its quota comes back there.
 */
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>

static unsigned long avail_ram(seL4_CPtr pd)
{
	struct pd_quota_result q = {0};
	pd_session_quota(pd, 0, &q, 0, 0);
	return q.ram_quota - q.ram_used;
}

void component_construct(struct env *env)
{
	log("--- dataspace ownership test ---");
	struct connection pd_1, pd_2;
	if (pd_connect(env, "", &pd_1) || pd_connect(env, "", &pd_2)) {
		error("no PD sessions");
		env_exit(env, 1);
	}
	log("allocate dataspace from one RAM session");
	pd_session_ref_account(pd_1.cap, 0, 0, env->pd, 0);
	struct pd_transfer_args t = {8 * 1024, 0};
	pd_session_transfer_quota(env->pd, &t, 0, pd_1.cap, 0);
	struct pd_alloc_args a = {sizeof(unsigned)};
	struct pd_alloc_result r;
	seL4_CPtr ds;
	if (pd_session_alloc(pd_1.cap, &a, &r, 0, &ds)) {
		error("test failed: no dataspace");
		env_exit(env, 1);
	}
	log("attempt to free dataspace from foreign RAM session");
	pd_session_free(pd_2.cap, 0, 0, ds, 0);
	log("try to attach dataspace to see if it still exists");
	void *addr;
	if (env_attach(env, ds, 0, 0, true, &addr))
		warning("dataspace unexpectedly vanished");
	log("attach operation succeeded");
	log("free dataspace from legitimate RAM session");
	unsigned long before = avail_ram(pd_1.cap);
	pd_session_free(pd_1.cap, 0, 0, ds, 0);
	unsigned long after = avail_ram(pd_1.cap);
	if (after > before)
		log("test succeeded");
	else
		error("test failed");
}
