/*
 * counter_client: the client of the guide docs/guides/first_component.md.
 * It opens a "Counter" session (init routes it to the server), adds 1, 2
 * and 3, closes the session and exits.
 */
#include <component/connection.h>
#include <component/log.h>
#include <genode/counter_session.h>

/* The client side of the interface: counter_session_add(cap, &in, &out, 0, 0). */
RPC_CLIENT_STUBS(COUNTER_SESSION_RPC)

void component_construct(struct env *env)
{
	seL4_CPtr counter;
	seL4_Word id;
	/* the session quota pays for the server's state of this session */
	int err = env_session(env, "Counter", "label=\"mine\", ram_quota=4096, cap_quota=4",
			      &counter, &id);
	if (err) {
		error("Counter session: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	struct counter_add_result r = {0};
	for (long by = 1; by <= 3 && !err; by++) {
		struct counter_add_args a = {by};
		err = counter_session_add(counter, &a, &r, 0, 0);
		log("added %ld: %ld", by, r.value);
	}
	env_close(env, id, counter);
	env_exit(env, err ? 1 : 0);
}
