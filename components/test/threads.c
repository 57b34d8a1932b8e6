/*
 * test-threads: three threads, each on its own stack and IPC buffer, log
 * through the LOG session, use the heap and signal the main thread, whose
 * entrypoint counts the signals; then the threads are joined.
 */
#include <base/string.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/thread.h>

#define THREADS 3

static struct thread threads[THREADS];
static struct signal_handler done;
static unsigned long finished;
static unsigned long sums[THREADS];

static void work(void *arg)
{
	unsigned long i = (unsigned long)arg;
	unsigned long *v = malloc(1000 * sizeof(*v));
	for (unsigned long k = 0; v && k < 1000; k++)
		v[k] = k * (i + 1);
	for (unsigned long k = 0; v && k < 1000; k++)
		sums[i] += v[k];
	free(v);
	char here;
	log("thread %lu: sum %lu, stack in slot %lu", i, sums[i],
	    ((unsigned long)&here - 0x40000000ul) / 0x100000ul);
	signal_submit(done.cap, 1);
}

static void on_done(struct signal_handler *h, unsigned long count)
{
	(void)h;
	finished += count;
	if (finished < THREADS)
		return;
	struct env *env = genode_env();
	for (unsigned i = 0; i < THREADS; i++)
		thread_join(env, &threads[i]);
	bool ok = true;
	for (unsigned i = 0; i < THREADS; i++)
		ok = ok && sums[i] == 499500ul * (i + 1);
	log(ok ? "Test succeeded" : "Test failed: wrong sums");
	env_exit(env, ok ? 0 : 1);
}

void component_construct(struct env *env)
{
	if (signal_handler_init(env, &done, on_done)) {
		error("no signal context");
		env_exit(env, 1);
	}
	for (unsigned long i = 0; i < THREADS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "worker%lu", i);
		int err = thread_start(env, &threads[i], name, 16 * 1024, work, (void *)i);
		if (err) {
			error("thread %lu: %s", i, rpc_error_name(err));
			env_exit(env, 1);
		}
	}
}
