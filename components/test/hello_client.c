/*
 * test-hello-client: opens a "Hello" session (routed by init to the
 * server), calls it, closes it, exits.
 */
#include <component/clients.h>
#include <component/log.h>

void component_construct(struct env *env)
{
	seL4_CPtr hello;
	seL4_Word id;
	int err = env_session(env, "Hello", "label=\"greeter\", ram_quota=8192, cap_quota=4",
			      &hello, &id);
	if (err) {
		error("Hello session: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	struct hello_say_args say = {"client"};
	struct hello_say_result greeting;
	struct hello_add_args add = {40, 2};
	struct hello_add_result sum;
	if ((err = hello_session_say_hello(hello, &say, &greeting, 0, 0)) ||
	    (err = hello_session_add(hello, &add, &sum, 0, 0))) {
		error("Hello call: %s", rpc_error_name(err));
		env_exit(env, 1);
	}
	log("%s", greeting.greeting);
	log("40 + 2 = %ld", sum.sum);
	env_close(env, id, hello);
	log("Test succeeded");
	env_exit(env, 0);
}
