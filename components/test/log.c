/* test-log: lines through the LOG session, in Genode's log/warning/error styles. */
#include <component/env.h>
#include <component/log.h>

void component_construct(struct env *env)
{
	log("hello from test-log");
	warning("a warning");
	error("an error (as it should be)");
	printf("printf goes to the LOG session too: %d\n", 42);
	log("multi-line\nmessage");
	log("Test succeeded");
	env_exit(env, 0);
}
