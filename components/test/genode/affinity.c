/*
 * test-affinity: Genode's affinity test (repos/base/src/test/affinity,
 * merged into Genode's test-smp in 2018), written for this framework
 * from the test's behaviour. It reads the affinity space of its
 * CPU session, starts one spinning thread at each location of it (in
 * index order, each reporting before the next starts) and watches their
 * counters from the main thread: a round is printed once every counter
 * moved, "A" (alive) for each CPU. Genode's test runs forever and marks
 * a thread whose counter stood still over a fixed count "D" (dead); here
 * the main thread waits until each counter moved and the test ends after
 * ROUNDS rounds, so a thread that never runs stalls it (the run script's
 * timeout), never a slow host.
 */
#include <base/affinity.h>
#include <component/log.h>
#include <component/thread.h>

#define ROUNDS	   3
#define MAX_CPUS   16
#define STACK_SIZE (sizeof(long) * 1024)

struct spinning_thread {
	struct thread thread;
	struct genode_affinity_location location;
	unsigned long cnt;
	struct blockade started;
};

static unsigned stop;

static void entry(void *arg)
{
	struct spinning_thread *t = arg;
	log("thread started on CPU %ld,%ld spinning...", t->location.xpos, t->location.ypos);
	blockade_wakeup(&t->started);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		__atomic_store_n(&t->cnt, t->cnt + 1, __ATOMIC_RELAXED);
		__builtin_ia32_pause();
	}
}

/* Wait until each thread's counter moved beyond what it was at the last round. */
static void await_round(struct spinning_thread *threads, unsigned long *last, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		while (__atomic_load_n(&threads[i].cnt, __ATOMIC_RELAXED) == last[i])
			__builtin_ia32_pause();
		last[i] = __atomic_load_n(&threads[i].cnt, __ATOMIC_RELAXED);
	}
}

void component_construct(struct env *env)
{
	static struct spinning_thread threads[MAX_CPUS];
	static unsigned long last[MAX_CPUS];
	log("--- test-affinity started ---");
	struct genode_affinity_space cpus = env_affinity_space(env);
	unsigned long total = cpus.width * cpus.height;
	log("Detected %lux%lu CPU%s", cpus.width, cpus.height, total > 1 ? "s." : ".");
	unsigned n = total > MAX_CPUS ? MAX_CPUS : (unsigned)total;
	for (unsigned i = 0; i < n; i++) {
		struct spinning_thread *t = &threads[i];
		t->location = affinity_location_of_index(cpus, i);
		if (thread_start_at(env, &t->thread, "spinning_thread", STACK_SIZE, t->location,
				    entry, t)) {
			error("cannot start the thread for CPU %u", i);
			env_exit(env, 1);
		}
		blockade_block(&t->started);
	}
	log("Threads started on a different CPU each.");
	char line[16 + 3 * MAX_CPUS];
	int len = snprintf(line, sizeof(line), "     CPU:");
	for (unsigned i = 0; i < n; i++)
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %2u", i);
	log("%s", line);
	for (unsigned round = 0; round < ROUNDS; round++) {
		await_round(threads, last, n);
		len = snprintf(line, sizeof(line), "Round %02u:", round);
		for (unsigned i = 0; i < n; i++)
			len += snprintf(line + len, sizeof(line) - (size_t)len, "  A");
		log("%s", line);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < n; i++)
		thread_join(env, &threads[i].thread);
	log("--- test-affinity finished ---");
	env_exit(env, 0);
}
