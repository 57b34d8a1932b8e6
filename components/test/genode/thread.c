/*
 * test-thread: Genode's thread test, written for this framework from the
 * test's documented behaviour (repos/base/src/test/thread). In order:
 *
 *  - two more CPU sessions, closed in the reverse order of their creation;
 *  - stack allocation under concurrency: 10 helper threads each create 9
 *    threads (slots and stacks) at once and destroy them again;
 *  - stack alignment: a helper thread and the main thread pass doubles
 *    through varargs (the callee saves SSE registers with aligned
 *    stores, which fault on a misaligned stack);
 *  - the main thread: thread_myself exists, its stack lies in the stack
 *    area and holds the stack pointer;
 *  - pause and resume (<config pause_resume="true"/>): a thread counting
 *    in a loop is paused (its count stays, its state is readable) and
 *    resumed (it counts again, sees its flag and ends);
 *  - as many threads as the stack area holds: created, started and joined
 *    one by one, until the stack area is exhausted (or the CPU session
 *    denies one), then all destroyed;
 *  - 500 threads created, started, joined and destroyed in turn, each
 *    returning its number;
 *  - 20 threads with a 16 KiB stack each grow it to 32, 48 and 64 KiB
 *    (up to four stack mappings) and fail to grow it to 80 and 96 KiB.
 *
 * Success is "--- test completed successfully ---"; a failed check logs
 * "Error: error N" with Genode's number. Genode's busy waits (the main
 * thread waiting for the counting thread) yield the CPU here: with one
 * CPU and seL4's strict priorities, a spinning thread would keep the
 * other of its priority from running until its time slice ends.
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>
#include <component/thread.h>
#include <stdarg.h>

#define STACK_SIZE 0x3000

static struct env *env;

__attribute__((noreturn)) static void fail(int n)
{
	error("error %d", n);
	env_exit(env, 1);
}

static void create(struct thread *t, const char *name, unsigned long stack, void (*entry)(void *),
		   void *arg, int n)
{
	int err = thread_create(env, t, name, stack, entry, arg);
	if (err) {
		log("thread '%s': %s", name, rpc_error_name(err));
		fail(n);
	}
}

/* --- stack-allocator concurrency --------------------------------------------- */

#define HELPER	 10
#define CHILDREN 9

struct helper {
	struct thread thread;
	unsigned long child[CHILDREN]; /* their stack tops */
};

static void nothing(void *arg)
{
	(void)arg;
}

static void helper_entry(void *arg)
{
	struct helper *h = arg;
	struct thread children[CHILDREN];
	for (unsigned i = 0; i < CHILDREN; i++)
		create(&children[i], "helper", STACK_SIZE, nothing, 0, -1);
	for (unsigned i = 0; i < CHILDREN; i++)
		h->child[i] = children[i].stack_top;
	for (unsigned i = 0; i < CHILDREN; i++)
		thread_destroy(env, &children[i]);
}

static void test_stack_alloc(void)
{
	log("running 'test_stack_alloc'");
	static struct helper helper[HELPER];
	for (unsigned i = 0; i < HELPER; i++)
		create(&helper[i].thread, "helper", STACK_SIZE, helper_entry, &helper[i], -1);
	for (unsigned i = 0; i < HELPER; i++)
		if (thread_run(&helper[i].thread))
			fail(-1);
	for (unsigned i = 0; i < HELPER; i++)
		thread_join(env, &helper[i].thread);
	/* the threads a helper had at once had stacks of their own */
	for (unsigned h = 0; h < HELPER; h++)
		for (unsigned i = 0; i < CHILDREN; i++)
			for (unsigned j = i + 1; j < CHILDREN; j++)
				if (helper[h].child[i] == helper[h].child[j])
					fail(-1);
}

/* --- stack alignment -------------------------------------------------------- */

static void log_double(double d)
{
	long thousandths = (long)(d * 1000 + 0.5);
	log("%ld.%03ld", thousandths / 1000, thousandths % 1000);
}

/* GCC saves the SSE argument registers of a vararg function with aligned stores. */
static __attribute__((noinline)) void test_stack_alignment_varargs(const char *format, ...)
{
	va_list list;
	va_start(list, format);
	log_double(va_arg(list, double));
	log_double(va_arg(list, double));
	va_end(list);
}

static void log_stack_address(const char *who)
{
	long dummy;
	log("%s stack @ %p", who, (void *)&dummy);
	__asm__ volatile("" : : "r"(&dummy) : "memory");
}

static void stack_helper(void *arg)
{
	(void)arg;
	log_stack_address("helper");
	test_stack_alignment_varargs("%f\n%g\n", 3.142, 2.718);
}

static void test_stack_alignment(void)
{
	log("running 'test_stack_alignment'");
	struct thread helper;
	create(&helper, "stack_helper", STACK_SIZE, stack_helper, 0, -1);
	thread_run(&helper);
	thread_join(env, &helper);
	log_stack_address("main");
	test_stack_alignment_varargs("%f\n%g\n", 3.142, 2.718);
}

/* --- the main thread's stack ------------------------------------------------ */

static void test_main_thread(void)
{
	log("running 'test_main_thread'");
	struct thread *myself = thread_myself();
	if (!myself)
		fail(-1);
	log("thread base          %p", (void *)myself);
	unsigned long slot_base = GENODE_STACK_AREA_BASE,
		      slot_top = GENODE_STACK_AREA_BASE + GENODE_STACK_AREA_SIZE;
	unsigned long top = myself->stack_top, base = myself->stack_base;
	if (top <= slot_base)
		fail(-2);
	if (top > slot_top)
		fail(-3);
	if (base >= slot_top)
		fail(-4);
	if (base < slot_base)
		fail(-5);
	log("thread stack top     %p", (void *)top);
	log("thread stack bottom  %p", (void *)base);
	unsigned dummy = 0;
	unsigned long sp = (unsigned long)&dummy;
	__asm__ volatile("" : : "r"(&dummy) : "memory");
	if (sp >= top)
		fail(-6);
	if (sp < base)
		fail(-7);
	log("thread stack pointer %p", (void *)sp);
}

/* --- pause and resume ------------------------------------------------------- */

static volatile unsigned pause_loop;
static volatile bool pause_beep;

static void pause_entry(void *arg)
{
	(void)arg;
	for (;;) {
		/* no logging here: a thread paused holding the LOG lock would block the others */
		pause_loop = pause_loop + 1;
		if (pause_beep) {
			log("beep");
			pause_beep = false;
			pause_loop = pause_loop + 1;
			return;
		}
		seL4_Yield();
	}
}

static void test_pause_resume(void)
{
	log("running 'test_pause_resume'");
	struct thread thread;
	create(&thread, "pause", STACK_SIZE, pause_entry, 0, -1);
	thread_run(&thread);
	while (pause_loop < 1)
		seL4_Yield();
	log("--- pausing ---");
	cpu_thread_pause(thread.cap, 0, 0, 0, 0);
	unsigned loop_paused = pause_loop;
	log("--- paused ---");
	log("--- reading thread state ---");
	struct cpu_thread_state state = {0};
	if (cpu_thread_state(thread.cap, 0, &state, 0, 0))
		fail(-10);
	/* a paused thread does not count */
	for (unsigned i = 0; i < 100; i++)
		seL4_Yield();
	if (loop_paused != pause_loop)
		fail(-11);
	pause_beep = true;
	log("--- resuming thread ---");
	cpu_thread_resume(thread.cap, 0, 0, 0, 0);
	while (pause_loop == loop_paused)
		seL4_Yield();
	log("--- thread resumed ---");
	thread_join(env, &thread);
}

/* --- as many threads as there are slots --------------------------------------- */

static void cpu_helper(void *arg)
{
	log("%s", ((struct thread *)arg)->name);
}

static void test_create_as_many_threads(void)
{
	log("running 'test_create_as_many_threads'");
	unsigned const max = GENODE_STACK_AREA_SIZE / GENODE_STACK_SLOT_SIZE;
	struct thread *threads = calloc(max, sizeof(*threads));
	if (!threads)
		fail(-20);
	unsigned i = 0;
	bool denied = false, out_of_stack_space = false;
	for (; i < max; i++) {
		char name[16];
		snprintf(name, sizeof(name), "%u", i + 1);
		int err =
		    thread_create(env, &threads[i], name, STACK_SIZE, cpu_helper, &threads[i]);
		if (err == RPC_OUT_OF_METADATA) {
			out_of_stack_space = true;
			break;
		}
		if (err || thread_run(&threads[i])) {
			if (!err)
				thread_destroy(env, &threads[i]);
			denied = true;
			break;
		}
		thread_wait(&threads[i]);
	}
	for (unsigned j = i; j > 0; j--)
		thread_destroy(env, &threads[j - 1]);
	free(threads);
	if (denied) {
		log("created %u threads before thread creation got denied", i);
		return;
	}
	/* the main thread has a slot already: the area must run out */
	if (!out_of_stack_space)
		fail(-21);
}

/* --- successive creation and destruction ------------------------------------ */

struct create_destroy {
	unsigned result_value;
	volatile unsigned result;
};

static void create_destroy_entry(void *arg)
{
	struct create_destroy *c = arg;
	c->result = c->result_value;
}

static void test_successive_create_destroy_threads(unsigned count)
{
	log("running 'test_successive_create_destroy_threads'");
	for (unsigned i = 0; i < count; i++) {
		struct create_destroy c = {i, ~0u};
		struct thread thread;
		create(&thread, "create_destroy", STACK_SIZE, create_destroy_entry, &c, -30);
		thread_run(&thread);
		thread_join(env, &thread);
		if (c.result != i)
			fail(-30);
	}
}

/* --- CPU sessions closed in the wrong order ----------------------------------- */

static void test_destroy_dependent_cpu_sessions(void)
{
	log("destroy dependent CPU sessions in wrong order");
	seL4_CPtr grandchild, child;
	seL4_Word grandchild_id, child_id;
	const char *args = "ram_quota=262144, cap_quota=16";
	if (env_connect(env, "CPU", args, &grandchild, &grandchild_id) ||
	    env_connect(env, "CPU", args, &child, &child_id))
		fail(-1);
	env_close(env, child_id, child);
	env_close(env, grandchild_id, grandchild);
}

/* --- release of grown stacks ------------------------------------------------- */

static void expanded_entry(void *arg)
{
	int *failure = arg;
	for (unsigned i = 2; i < 7; i++) {
		unsigned long kb = i * 16;
		int err = thread_stack_size(kb * 1024);
		/* up to four stack mappings */
		if (i <= 4 && err) {
			error("stack expansion unexpectedly failed");
			*failure = -35;
			return;
		}
		if (i > 4 && !err) {
			error("stack expansion unexpectedly succeeded");
			*failure = -36;
			return;
		}
	}
}

static void test_free_expanded_stack(void)
{
	for (unsigned i = 0; i < 20; i++) {
		int failure = 0;
		struct thread thread;
		create(&thread, "expanded", 16 * 1024, expanded_entry, &failure, -35);
		thread_run(&thread);
		thread_join(env, &thread);
		if (failure)
			fail(failure);
	}
}

void component_construct(struct env *e)
{
	env = e;
	log("--- thread test started ---");
	bool pause_resume = false;
	unsigned long create_destroy = 500;
	struct rom_connection config;
	struct xml_node node;
	if (!rom_connect(env, "config", &config) && xml_parse(config.text, config.size, &node, 0)) {
		pause_resume = xml_attr_bool(&node, "pause_resume", false);
		xml_attr_ulong(&node, "create_destroy", &create_destroy);
	}
	test_destroy_dependent_cpu_sessions();
	test_stack_alloc();
	test_stack_alignment();
	test_main_thread();
	if (pause_resume)
		test_pause_resume();
	test_create_as_many_threads();
	test_successive_create_destroy_threads((unsigned)create_destroy);
	test_free_expanded_stack();
	log("--- test completed successfully ---");
	env_exit(env, 0);
}
