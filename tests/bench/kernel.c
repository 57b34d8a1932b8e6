/*
 * bench-kernel: kernel-sim's costs against a floor measured now, on this
 * machine: a direct socketpair ping-pong between two processes (one round
 * trip, two messages). Each kernel figure is a round trip too:
 *   trap    one debug call trapped and answered (two messages);
 *   call    seL4_Call + seL4_ReplyRecv between two threads (four messages);
 *   signal  a signal to a waiting thread and its signal back (four messages).
 * Figures are TSC ticks, reported as ratios to the floor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PINGPONGS 50000

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

/* Round trips of one small message between two processes, in ticks. */
static double socketpair_pingpong(double *ns)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		exit(1);
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
	close(sv[0]);
	waitpid(pid, 0, 0);
	*ns = (t1 - t0) * 1e9 / PINGPONGS;
	return (double)(c1 - c0) / PINGPONGS;
}

struct figure {
	const char *name, *what;
	double ticks;
};

int main(int argc, char **argv)
{
	(void)argc;
	char bindir[4096], cmd[8300];
	snprintf(bindir, sizeof(bindir), "%s", argv[0]);
	char *slash = strrchr(bindir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(bindir, ".");

	double ns;
	double floor_ticks = socketpair_pingpong(&ns);
	double tick_ns = ns / floor_ticks;

	struct figure fig[] = {
	    {"trap", "debug call trapped and answered", 0},
	    {"call", "Call + ReplyRecv between two threads", 0},
	    {"signal", "Signal to a waiting thread and back", 0},
	};
	snprintf(cmd, sizeof(cmd), "%s/kernel-sim %s/bench-kernel-root 2>/dev/null", bindir,
		 bindir);
	FILE *f = popen(cmd, "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		for (unsigned i = 0; i < 3; i++) {
			char key[64];
			snprintf(key, sizeof(key), "bench %s: ", fig[i].name);
			if (!strncmp(line, key, strlen(key)))
				fig[i].ticks = strtod(line + strlen(key), 0);
		}
	if (!f || pclose(f) != 0) {
		fprintf(stderr, "bench-kernel: the kernel-sim run failed\n");
		return 1;
	}
	printf("floor:  socketpair ping-pong between two processes: %.0f ticks (%.1f us)\n",
	       floor_ticks, ns / 1000);
	for (unsigned i = 0; i < 3; i++)
		printf("%-7s %-44s %8.0f ticks (%6.1f us)  %.2fx floor\n", fig[i].name, fig[i].what,
		       fig[i].ticks, fig[i].ticks * tick_ns / 1000, fig[i].ticks / floor_ticks);
	return 0;
}
