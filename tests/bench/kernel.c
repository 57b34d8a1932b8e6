/*
 * bench-kernel: kernel-sim's costs against a floor measured now, on this
 * machine: a direct socketpair ping-pong between two processes (one round
 * trip, two messages). Each kernel figure is a round trip too:
 *   trap    one debug call trapped and answered (two messages);
 *   call    seL4_Call + seL4_ReplyRecv between two threads (four messages);
 *   signal  a signal to a waiting thread and its signal back (four messages).
 * Virtual memory has floors of its own, measured the same way:
 *   fault   a VMFault round trip (a thread of one PD faults, the root task
 *           in another PD replies, the thread faults again), against a
 *           bare SIGSEGV whose handler mmaps the page, in one process;
 *   mapN    Page_Map + Page_Unmap of N frames, against mmap + munmap of N
 *           pages of a memfd, one page per call.
 * Figures are TSC ticks, reported as ratios to their floor. The kernel
 * trace's cost: trap, call and signal again with kernel-sim --trace to a
 * text file and to a Perfetto JSON file, as ratios to the same figures
 * untraced (tracing off costs one flag test per event).
 *
 * The figures above run kernel-sim with --pin off (the host places every
 * process), against the floor between two processes the host places.
 * Host placement: the socketpair ping-pong again with both processes pinned
 * to host core 0, and call again with kernel-sim --pin 0 (it and its PD
 * processes on that core) and with the default placement (--pin auto: one
 * simulated CPU keeps everything on the core kernel-sim started on); per
 * Call + ReplyRecv round trip, the host system calls (strace -f -c, in all
 * and by name) and context switches (getrusage of kernel-sim, which reaps
 * its PD processes) of runs making N and no round trips, against the
 * floor's 4 system calls and 2 switches.
 */
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PINGPONGS    50000
#define TRACE_ROUNDS 3

static inline unsigned long long rdtsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Keep this process (and what it starts) on host core 0. */
static void pin_to_core0(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Round trips of one small message between two processes, in ticks (pinned: on one core). */
static double socketpair_pingpong(double *ns, bool pinned, double *switches)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		exit(1);
	cpu_set_t before;
	sched_getaffinity(0, sizeof(before), &before);
	if (pinned)
		pin_to_core0();
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	pid_t pid = fork();
	char buf[184] = {0};
	if (pid == 0) {
		close(sv[0]);
		while (read(sv[1], buf, sizeof(buf)) > 0)
			if (write(sv[1], buf, sizeof(buf)) != sizeof(buf))
				break;
		_exit(0);
	}
	close(sv[1]);
	for (int i = 0; i < 1000; i++)
		if (write(sv[0], buf, sizeof(buf)) != sizeof(buf) ||
		    read(sv[0], buf, sizeof(buf)) <= 0)
			exit(1);
	double t0 = now();
	unsigned long long c0 = rdtsc();
	for (int i = 0; i < PINGPONGS; i++)
		if (write(sv[0], buf, sizeof(buf)) != sizeof(buf) ||
		    read(sv[0], buf, sizeof(buf)) <= 0)
			exit(1);
	unsigned long long c1 = rdtsc();
	double t1 = now();
	getrusage(RUSAGE_SELF, &r1);
	close(sv[0]);
	waitpid(pid, 0, 0);
	sched_setaffinity(0, sizeof(before), &before);
	/* ours; the echoing child switches as often */
	if (switches)
		*switches = 2.0 *
			    (double)(r1.ru_nvcsw + r1.ru_nivcsw - r0.ru_nvcsw - r0.ru_nivcsw) /
			    (PINGPONGS + 1000);
	*ns = (t1 - t0) * 1e9 / PINGPONGS;
	return (double)(c1 - c0) / PINGPONGS;
}

/* --- virtual-memory floors ------------------------------------------ */

#define PAGE	    4096ul
#define SEGV_ROUNDS 20000

static int floor_memfd;
static char *floor_area;

static void map_on_segv(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)ctx;
	char *page = (char *)((unsigned long)si->si_addr & ~(PAGE - 1));
	if (mmap(page, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, floor_memfd, 0) ==
	    MAP_FAILED)
		_exit(1);
}

/* A read that faults, a handler that maps the page, the read again; then unmap. */
static double segv_mmap_floor(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = map_on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	unsigned long long c0 = 0;
	for (int i = -SEGV_ROUNDS / 10; i < SEGV_ROUNDS; i++) {
		if (i == 0)
			c0 = rdtsc();
		(void)*(volatile char *)floor_area;
		munmap(floor_area, PAGE);
	}
	unsigned long long c1 = rdtsc();
	signal(SIGSEGV, SIG_DFL);
	return (double)(c1 - c0) / SEGV_ROUNDS;
}

/* mmap n pages of a memfd one call each, then munmap them one call each. */
static double mmap_floor(int n, int rounds)
{
	unsigned long long c0 = rdtsc();
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < n; i++)
			if (mmap(floor_area + i * PAGE, PAGE, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_FIXED, floor_memfd,
				 (off_t)(i * PAGE)) == MAP_FAILED)
				exit(1);
		for (int i = 0; i < n; i++)
			munmap(floor_area + i * PAGE, PAGE);
	}
	return (double)(rdtsc() - c0) / rounds;
}

/* --- the kernel-sim runs -------------------------------------------- */

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return v[n / 2];
}

struct figure {
	const char *name, *what;
	int floor; /* index into floors[] */
	double ticks;
};

enum { FLOOR_PINGPONG, FLOOR_SEGV, FLOOR_MAP1, FLOOR_MAP512, FLOOR_MAP2048, FLOORS };

static struct figure fig[] = {
    {"trap", "debug call trapped and answered", FLOOR_PINGPONG, 0},
    {"call", "Call + ReplyRecv between two threads", FLOOR_PINGPONG, 0},
    {"signal", "Signal to a waiting thread and back", FLOOR_PINGPONG, 0},
    {"fault", "VMFault to a handler in another PD, reply", FLOOR_SEGV, 0},
    {"map1", "Page_Map + Page_Unmap of 1 frame", FLOOR_MAP1, 0},
    {"map512", "Page_Map + Page_Unmap of 512 frames", FLOOR_MAP512, 0},
    {"map2048", "Page_Map + Page_Unmap of 2048 frames", FLOOR_MAP2048, 0},
};
#define FIGURES (sizeof(fig) / sizeof(fig[0]))

/*
 * Run kernel-sim (with extra options) and a benchmark root task; read its
 * "bench NAME: N ticks" lines into ticks[] by figure. *cpu (if not NULL):
 * the CPU time the run used, kernel-sim and its PD processes together.
 */
static const char *run_wrap = "exec"; /* what runs kernel-sim (strace ...) */
static const char *run_module = "";   /* a boot module after the root task */
static double run_switches;	      /* context switches of the last run */

static int run_root_task(const char *bindir, const char *root, const char *opts, double *ticks,
			 double *cpu)
{
	char cmd[8400];
	snprintf(cmd, sizeof(cmd), "%s %s/kernel-sim --no-control %s %s/%s %s 2>/dev/null",
		 run_wrap, bindir, opts, bindir, root, run_module);
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)0);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		for (unsigned i = 0; i < FIGURES; i++) {
			char key[64];
			snprintf(key, sizeof(key), "bench %s: ", fig[i].name);
			if (!strncmp(line, key, strlen(key)))
				ticks[i] = strtod(line + strlen(key), 0);
		}
	if (f)
		fclose(f);
	int status = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-kernel: the kernel-sim run of %s failed\n", root);
		return -1;
	}
	run_switches = (double)(ru.ru_nvcsw + ru.ru_nivcsw);
	if (cpu)
		*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
	return 0;
}

/* Host system calls by name, from strace -c's summary file. */
#define MAX_SYSCALL_NAMES 64
struct syscall_counts {
	int n;
	char name[MAX_SYSCALL_NAMES][32];
	double calls[MAX_SYSCALL_NAMES];
	double total; /* -1: no summary */
};

static double *count_of(struct syscall_counts *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return &c->calls[i];
	if (c->n == MAX_SYSCALL_NAMES)
		return NULL;
	snprintf(c->name[c->n], sizeof(c->name[0]), "%s", name);
	c->calls[c->n] = 0;
	return &c->calls[c->n++];
}

static void strace_counts(const char *file, struct syscall_counts *c)
{
	FILE *f = fopen(file, "r");
	char line[256];
	c->n = 0;
	c->total = -1;
	while (f && fgets(line, sizeof(line), f)) {
		double pct, secs, *slot;
		long usecs, calls, errors;
		char name[32];
		if (strstr(line, "total") &&
		    sscanf(line, "%lf %lf %ld %ld", &pct, &secs, &usecs, &calls) == 4)
			c->total = (double)calls;
		else if (sscanf(line, "%lf %lf %ld %ld %ld %31s", &pct, &secs, &usecs, &calls,
				&errors, name) == 6 ||
			 sscanf(line, "%lf %lf %ld %ld %31s", &pct, &secs, &usecs, &calls, name) ==
			     5)
			if ((slot = count_of(c, name)))
				*slot = (double)calls;
	}
	if (f)
		fclose(f);
}

/*
 * Host system calls and context switches per Call + ReplyRecv round trip:
 * runs of N and of no round trips (boot module "calls"), the difference
 * over N. Context switches from getrusage, system calls from strace -f -c
 * (total -1 if strace is not there), by name into *per_call.
 */
#define COUNT_CALLS 20000
static int call_counts(const char *bindir, struct syscall_counts *per_call, double *switches)
{
	char dir[] = "/tmp/bench-calls.XXXXXX", module[128], wrap[256], out[160];
	if (!mkdtemp(dir))
		return -1;
	snprintf(module, sizeof(module), "%s/calls", dir);
	snprintf(out, sizeof(out), "%s/strace.out", dir);
	double sw[2], ticks[FIGURES];
	struct syscall_counts sc[2];
	const long n[2] = {0, COUNT_CALLS};
	for (int k = 0; k < 2; k++) {
		FILE *f = fopen(module, "w");
		if (!f)
			return -1;
		fprintf(f, "%ld\n", n[k]);
		fclose(f);
		run_module = module;
		if (run_root_task(bindir, "bench-kernel-root", "", ticks, NULL))
			return -1;
		sw[k] = run_switches;
		snprintf(wrap, sizeof(wrap), "exec strace -f -c -o %s", out);
		run_wrap = access("/usr/bin/strace", X_OK) == 0 ? wrap : "exec";
		unlink(out);
		if (run_root_task(bindir, "bench-kernel-root", "", ticks, NULL))
			return -1;
		strace_counts(out, &sc[k]);
		run_wrap = "exec";
		run_module = "";
	}
	unlink(out);
	unlink(module);
	rmdir(dir);
	*switches = (sw[1] - sw[0]) / COUNT_CALLS;
	per_call->n = 0;
	per_call->total =
	    sc[0].total < 0 || sc[1].total < 0 ? -1 : (sc[1].total - sc[0].total) / COUNT_CALLS;
	for (int i = 0; i < sc[1].n; i++) {
		double *before = count_of(&sc[0], sc[1].name[i]), *slot;
		double d = (sc[1].calls[i] - (before ? *before : 0)) / COUNT_CALLS;
		if (d >= 0.05 && (slot = count_of(per_call, sc[1].name[i])))
			*slot = d;
	}
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	char bindir[4096];
	snprintf(bindir, sizeof(bindir), "%s", argv[0]);
	char *slash = strrchr(bindir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(bindir, ".");

	double ns, floors[FLOORS];
	floors[FLOOR_PINGPONG] = socketpair_pingpong(&ns, false, NULL);
	double tick_ns = ns / floors[FLOOR_PINGPONG];
	floor_memfd = memfd_create("bench-floor", MFD_CLOEXEC);
	floor_area = mmap(NULL, 2048 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (floor_memfd < 0 || ftruncate(floor_memfd, 2048 * PAGE) != 0 || floor_area == MAP_FAILED)
		return 1;
	munmap(floor_area, 2048 * PAGE); /* keep the range, mapped page by page */
	floors[FLOOR_SEGV] = segv_mmap_floor();
	mmap_floor(2048, 1);
	floors[FLOOR_MAP1] = mmap_floor(1, 2000);
	floors[FLOOR_MAP512] = mmap_floor(512, 10);
	floors[FLOOR_MAP2048] = mmap_floor(2048, 10);

	double plain[FIGURES] = {0}, traced[3][FIGURES] = {{0}};
	if (run_root_task(bindir, "bench-kernel-root", "--pin off", plain, NULL) ||
	    run_root_task(bindir, "bench-vm-root", "--pin off", plain, NULL))
		return 1;
	for (unsigned i = 0; i < FIGURES; i++)
		fig[i].ticks = plain[i];
	/*
	 * The kernel trace, to a text file and to a JSON file, against runs
	 * without it: TRACE_ROUNDS of each, interleaved, medians compared (a
	 * single run moves with the host's placement of threads on cores).
	 */
	static const char *const forms[3] = {"", "txt", "json"};
	double runs[3][TRACE_ROUNDS][FIGURES], cpu[3][TRACE_ROUNDS], cpu_median[3];
	for (int r = 0; r < TRACE_ROUNDS; r++)
		for (int k = 0; k < 3; k++) {
			char dir[] = "/tmp/bench-trace.XXXXXX", opts[160] = "", file[128];
			if (!mkdtemp(dir))
				return 1;
			snprintf(file, sizeof(file), "%s/trace.%s", dir, forms[k]);
			if (k)
				snprintf(opts, sizeof(opts), "--trace %s", file);
			int failed = run_root_task(bindir, "bench-kernel-root", opts, runs[k][r],
						   &cpu[k][r]);
			unlink(file);
			rmdir(dir);
			if (failed)
				return 1;
		}
	for (int k = 0; k < 3; k++)
		for (unsigned i = 0; i < FIGURES; i++) {
			double v[TRACE_ROUNDS];
			for (int r = 0; r < TRACE_ROUNDS; r++)
				v[r] = runs[k][r][i];
			traced[k][i] = median(v, TRACE_ROUNDS);
		}
	for (int k = 0; k < 3; k++)
		cpu_median[k] = median(cpu[k], TRACE_ROUNDS);

	/* Host placement: the floor and the call round trip on one host core. */
	double pinned_ns, floor_switches,
	    pinned_floor = socketpair_pingpong(&pinned_ns, true, &floor_switches);
	double pinned[FIGURES] = {0}, placed[FIGURES] = {0};
	if (run_root_task(bindir, "bench-kernel-root", "--pin 0", pinned, NULL) ||
	    run_root_task(bindir, "bench-kernel-root", "", placed, NULL))
		return 1;
	double call_switches;
	struct syscall_counts call_syscalls;
	if (call_counts(bindir, &call_syscalls, &call_switches))
		return 1;
	static const char *const floor_what[FLOORS] = {
	    "socketpair ping-pong between two processes",
	    "SIGSEGV, handler mmaps the page, in one process",
	    "mmap + munmap of 1 memfd page",
	    "mmap + munmap of 512 memfd pages, one call each",
	    "mmap + munmap of 2048 memfd pages, one call each",
	};
	for (int k = 0; k < FLOORS; k++) {
		printf("floor:  %-48s %10.0f ticks (%8.1f us)\n", floor_what[k], floors[k],
		       floors[k] * tick_ns / 1000);
		for (unsigned i = 0; i < FIGURES; i++)
			if (fig[i].floor == k)
				printf("  %-8s %-44s %10.0f ticks (%8.1f us)  %.2fx floor\n",
				       fig[i].name, fig[i].what, fig[i].ticks,
				       fig[i].ticks * tick_ns / 1000, fig[i].ticks / floors[k]);
	}
	printf("trace:  kernel-sim --trace FILE against no trace (medians of %d runs each)\n",
	       TRACE_ROUNDS);
	printf("  %-8s %-36s off %7.2f s,  text %.2fx, json %.2fx\n", "cpu",
	       "CPU time of the whole run", cpu_median[0], cpu_median[1] / cpu_median[0],
	       cpu_median[2] / cpu_median[0]);
	for (unsigned i = 0; i < 3; i++)
		printf("  %-8s %-36s off %7.1f us, text %.2fx, json %.2fx\n", fig[i].name,
		       fig[i].what, traced[0][i] * tick_ns / 1000, traced[1][i] / traced[0][i],
		       traced[2][i] / traced[0][i]);
	printf("placement: kernel-sim --cpus 1 (the default), the floor on host core 0\n");
	printf("floor:  %-48s %10.0f ticks (%8.1f us)  %.2fx unpinned\n",
	       "socketpair ping-pong, both on one core", pinned_floor, pinned_ns / 1000,
	       pinned_floor / floors[FLOOR_PINGPONG]);
	printf("  %-8s %-44s %10.0f ticks (%8.1f us)  %.2fx floor, %.2fx --pin off\n", "call",
	       "Call + ReplyRecv, --pin 0 (the floor's core)", pinned[1],
	       pinned[1] * tick_ns / 1000, pinned[1] / pinned_floor, pinned[1] / fig[1].ticks);
	printf("  %-8s %-44s %10.0f ticks (%8.1f us)  %.2fx floor, %.2fx --pin off\n", "call",
	       "Call + ReplyRecv, --pin auto (the default)", placed[1], placed[1] * tick_ns / 1000,
	       placed[1] / pinned_floor, placed[1] / fig[1].ticks);
	printf("counts: per round trip (floor: 4 system calls, %.1f context switches)\n",
	       floor_switches);
	if (call_syscalls.total >= 0) {
		printf("  %-8s %-44s %6.1f host system calls\n", "call",
		       "Call + ReplyRecv (strace -f -c)", call_syscalls.total);
		for (int i = 0; i < call_syscalls.n; i++)
			printf("  %-8s   %-42s %6.2f\n", "", call_syscalls.name[i],
			       call_syscalls.calls[i]);
	}
	printf("  %-8s %-44s %6.1f context switches\n", "call", "Call + ReplyRecv (getrusage)",
	       call_switches);
	return 0;
}
