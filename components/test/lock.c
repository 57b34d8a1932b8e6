/*
 * test-lock: threads contend for one framework lock around a deliberately
 * slow read-modify-write of a shared counter. The main thread holds the lock
 * while it starts them, so each begins by blocking on it. Every update must
 * survive (mutual exclusion) and every thread must finish (waiters are
 * woken; a waiter blocks on its lock notification instead of spinning).
 */
#include <base/string.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/thread.h>

#define THREADS	   4
#define ROUNDS	   5000
#define HOLD_STEPS 200

static struct thread threads[THREADS];
static struct signal_handler done;
static struct lock lock;
static unsigned long counter, finished;
static volatile unsigned long sink;

static void work(void *arg)
{
	(void)arg;
	for (unsigned r = 0; r < ROUNDS; r++) {
		lock_acquire(&lock);
		unsigned long v = counter;
		for (unsigned k = 0; k < HOLD_STEPS; k++)
			sink += k; /* widen the window another thread could slip into */
		counter = v + 1;
		lock_release(&lock);
	}
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
	log("counter %lu of %u", counter, THREADS * ROUNDS);
	bool ok = counter == THREADS * ROUNDS;
	log(ok ? "Test succeeded" : "Test failed: lost updates");
	env_exit(env, ok ? 0 : 1);
}

void component_construct(struct env *env)
{
	if (signal_handler_init(env, &done, on_done)) {
		error("no signal context");
		env_exit(env, 1);
	}
	lock_acquire(&lock);
	for (unsigned long i = 0; i < THREADS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "contender%lu", i);
		int err = thread_start(env, &threads[i], name, 16 * 1024, work, (void *)i);
		if (err) {
			error("thread %lu: %s", i, rpc_error_name(err));
			env_exit(env, 1);
		}
	}
	lock_release(&lock);
}
