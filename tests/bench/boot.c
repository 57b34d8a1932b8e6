/*
 * bench-boot: boot to "Test succeeded" of the printf scenario (kernel-sim,
 * core, init, test-printf), against the floor of a bare fork+exec+wait of
 * a trivial program measured in the same run; and how many page faults
 * core resolved for it (core's verbose option counts them).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 10

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* fork+exec+wait of /bin/true */
static double floor_us(void)
{
	double start = now_us();
	pid_t p = fork();
	if (p == 0) {
		execl("/bin/true", "true", (char *)0);
		_exit(127);
	}
	int status;
	waitpid(p, &status, 0);
	return now_us() - start;
}

/* Boot the system and read its output until the pattern; returns the time or -1. */
static double boot_us(char *const argv[], const char *pattern, FILE *copy)
{
	int fds[2];
	if (pipe(fds))
		return -1;
	double start = now_us();
	pid_t p = fork();
	if (p == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	char line[512];
	double t = -1;
	while (fgets(line, sizeof(line), in)) {
		if (copy)
			fputs(line, copy);
		if (strstr(line, pattern)) {
			t = now_us() - start;
			break;
		}
	}
	kill(p, SIGTERM);
	int status;
	waitpid(p, &status, 0);
	fclose(in);
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	char bin[1024], dir[1024];
	snprintf(bin, sizeof(bin), "%s", argv[0]);
	char *slash = strrchr(bin, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(bin, ".");
	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "build/run/bench-boot");
	/* the boot directory: config and core.config next to copies of the binaries */
	char cmd[16384];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s && cp %s/core %s/init %s/test-printf %s/ && cat >%s/config <<'EOF'\n"
		 "<config>\n"
		 " <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/>"
		 " <service name=\"PD\"/> <service name=\"CPU\"/> <service name=\"RM\"/>"
		 " </parent-provides>\n"
		 " <default-route> <any-service> <parent/> </any-service> </default-route>\n"
		 " <default caps=\"100\"/>\n"
		 " <start name=\"test-printf\"> <resource name=\"RAM\" quantum=\"1M\"/> </start>\n"
		 "</config>\nEOF\necho '<config verbose=\"yes\"/>' >%s/core.config",
		 dir, bin, bin, bin, dir, dir, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-boot: cannot prepare %s\n", dir);
		return 1;
	}
	char ks[4200], core[4200], init[4200], printf_[4200], config[4200], core_config[4200];
	snprintf(ks, sizeof(ks), "%s/kernel-sim", bin);
	snprintf(core, sizeof(core), "%s/core", dir);
	snprintf(init, sizeof(init), "%s/init", dir);
	snprintf(printf_, sizeof(printf_), "%s/test-printf", dir);
	snprintf(config, sizeof(config), "%s/config", dir);
	snprintf(core_config, sizeof(core_config), "%s/core.config", dir);
	char *plain[] = {ks, core, init, printf_, config, 0};
	char *verbose[] = {ks, core, init, printf_, config, core_config, 0};

	double floors[ROUNDS * 4], boots[ROUNDS];
	for (int i = 0; i < ROUNDS * 4; i++)
		floors[i] = floor_us();
	for (int i = 0; i < ROUNDS; i++)
		if ((boots[i] = boot_us(plain, "Test succeeded", 0)) < 0) {
			fprintf(stderr, "bench-boot: the printf scenario did not succeed\n");
			return 1;
		}
	double f = median(floors, ROUNDS * 4), b = median(boots, ROUNDS);

	/* page faults: one verbose run, counted from core's log */
	char log[4200];
	snprintf(log, sizeof(log), "%s/verbose.log", dir);
	FILE *copy = fopen(log, "w");
	boot_us(verbose, "closed: ", copy);
	if (copy)
		fclose(copy);
	unsigned long total = 0, printf_faults = 0;
	FILE *in = fopen(log, "r");
	char line[512];
	while (in && fgets(line, sizeof(line), in)) {
		if (!strncmp(line, "PF: ", 4))
			total++;
		char *p = strstr(line, "'init -> test-printf' closed: ");
		if (p)
			printf_faults =
			    strtoul(p + strlen("'init -> test-printf' closed: "), 0, 10);
	}
	if (in)
		fclose(in);

	printf("floor:  fork+exec+wait of /bin/true                 %10.1f us\n", f);
	printf("  boot to 'Test succeeded' (printf scenario)        %10.1f us  %.1fx floor\n", b,
	       b / f);
	printf("  page faults resolved by core: %lu in all, %lu for test-printf\n", total,
	       printf_faults);
	return 0;
}
