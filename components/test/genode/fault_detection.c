/*
 * test-fault_detection: Genode's fault-detection test, written for this
 * framework from the test's documented behaviour (repos/os/src/test/
 * fault_detection). With the Child API it starts "test-segfault" as its
 * child "child", routing the child's PD, CPU, LOG and ROM sessions to its
 * own parent, and registers one signal handler as the child's CPU
 * exception handler and as the fault handler of its address space. Each
 * fault of the child (an unresolvable page fault) reaches that handler,
 * which replaces the child by a new one; after the sixth fault the test
 * ends with "--- finished fault_detection test ---".
 */
#include <base/string.h>
#include <component/child.h>
#include <component/clients.h>
#include <component/log.h>

#define CNT_MAX 5

static struct env *env;
static struct child child;
static bool child_exists;
static struct signal_handler fault_handler, finished;
static unsigned cnt;

static bool route(struct child *c, const char *service, const char *label, struct route *r)
{
	(void)c;
	return child_route_parent(service, label, "CPU PD LOG ROM", r);
}

/* Register the handler for unresolvable page faults. */
static void init_pd(struct child *c)
{
	seL4_CPtr as;
	if (!pd_session_address_space(c->pd, 0, 0, 0, &as)) {
		region_map_fault_handler(as, 0, 0, fault_handler.cap, 0);
		rpc_cap_release(as);
	}
}

/* Register the default exception handler. */
static void init_cpu(struct child *c)
{
	cpu_session_exception_sigh(c->cpu, 0, 0, fault_handler.cap, 0);
}

static void child_exit(struct child *c, long value)
{
	(void)c;
	error("the child exited with %ld instead of faulting", value);
}

static const struct child_policy policy = {
    .route = route, .init_pd = init_pd, .init_cpu = init_cpu, .exit = child_exit};

static void start_iteration(void)
{
	if (child_exists)
		child_destroy(&child);
	child_exists =
	    !child_create(env, &child, &policy, 0, "child", "test-segfault", 1024 * 1024, 50);
}

static void handle_fault(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (cnt++ >= CNT_MAX) {
		signal_submit(finished.cap, 1);
		log("-- finished failure detection in immediate child --");
		return;
	}
	start_iteration();
}

static void handle_finished(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (child_exists)
		child_destroy(&child);
	child_exists = false;
	log("--- finished fault_detection test ---");
	env_exit(env, 0);
}

void component_construct(struct env *e)
{
	env = e;
	if (signal_handler_init(env, &fault_handler, handle_fault) ||
	    signal_handler_init(env, &finished, handle_finished)) {
		error("no signal handlers");
		env_exit(env, 1);
	}
	log("-- exercise failure detection in immediate child --");
	start_iteration();
}
