/*
 * bench-trap: the round trip of one kernel entry (a debug call trapped and
 * answered by kernel-sim) against a direct socketpair ping-pong between two
 * processes, both measured now, on this machine, in TSC ticks.
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
	char buf[64] = {0};
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

/* Run the root-task half under kernel-sim and read its figure. */
static double kernel_trap(const char *bindir)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "%s/kernel-sim %s/bench-trap-root 2>/dev/null", bindir, bindir);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	char line[256];
	double ticks = -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "calls, ");
		if (p)
			ticks = strtod(p + 7, 0);
	}
	if (pclose(f) != 0)
		return -1;
	return ticks;
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

	double ns;
	double floor_ticks = socketpair_pingpong(&ns);
	double trap_ticks = kernel_trap(bindir);
	if (trap_ticks <= 0) {
		fprintf(stderr, "bench-trap: the kernel-sim run failed\n");
		return 1;
	}
	double tick_ns = ns / floor_ticks;
	printf("floor: socketpair ping-pong between two processes: %.0f ticks (%.1f us) per round "
	       "trip\n",
	       floor_ticks, ns / 1000);
	printf("trap:  debug call trapped and answered by kernel-sim: %.0f ticks (%.1f us)\n",
	       trap_ticks, trap_ticks * tick_ns / 1000);
	printf("ratio: trap / floor = %.2f\n", trap_ticks / floor_ticks);
	return 0;
}
