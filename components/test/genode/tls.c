/*
 * test-tls: Genode's test of thread-local storage, written for this
 * framework from the test's documented behaviour (repos/base/src/test/
 * tls). Two thread-local variables (x initialised to -1, y to 0): the main
 * thread sets them to 5 and 6, then two threads in turn see the initial
 * values, set their own (1, 2 and 3, 4) and log them; the main thread's
 * are still 5 and 6.
 */
#include <component/log.h>
#include <component/thread.h>

static __thread int thread_local_x = -1;
static __thread int thread_local_y;

struct test_thread {
	struct thread thread;
	int thread_id, x, y;
};

static void entry(void *arg)
{
	struct test_thread *t = arg;
	log("thread %d initial: x: %d, y: %d", t->thread_id, thread_local_x, thread_local_y);
	thread_local_x = t->x;
	thread_local_y = t->y;
	log("thread %d        : x:  %d, y: %d", t->thread_id, thread_local_x, thread_local_y);
}

void component_construct(struct env *env)
{
	log("main     initial: x: %d, y: %d", thread_local_x, thread_local_y);
	thread_local_x = 5;
	thread_local_y = 6;
	for (int i = 0; i < 2; i++) {
		struct test_thread t = {.thread_id = i, .x = i * 2 + 1, .y = i * 2 + 2};
		if (thread_start(env, &t.thread, "test_thread", 16 * 1024, entry, &t)) {
			error("cannot start a thread");
			env_exit(env, 1);
		}
		thread_join(env, &t.thread);
	}
	log("main            : x:  %d, y: %d", thread_local_x, thread_local_y);
	env_exit(env, 0);
}
