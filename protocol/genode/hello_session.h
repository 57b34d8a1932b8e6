/* Hello: the example service a test server offers its clients through init. */
#pragma once

#include <genode/rpc.h>

struct hello_say_args {
	char name[64];
};
struct hello_say_result {
	char greeting[128];
};
struct hello_add_args {
	long a, b;
};
struct hello_add_result {
	long sum;
};

#define HELLO_SESSION_RPC(M)                                                                       \
	M(hello_session, say_hello, 1, struct hello_say_args, struct hello_say_result)             \
	M(hello_session, add, 2, struct hello_add_args, struct hello_add_result)
