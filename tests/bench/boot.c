/*
 * bench-boot: against the floor of a bare fork+exec+wait of a trivial
 * program measured in the same run:
 * - boot to "Test succeeded" of the printf scenario (kernel-sim, core,
 *   init, test-printf), and how many page faults core resolved for it;
 * - kill -9 of a component until its restarted instance logs its first
 *   line (restart="on-failure", no delay);
 * - teardown of a PD holding 64 MiB of RAM and 1000 capabilities, from
 *   kill -9 until core has closed its PD session.
 */
#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <fcntl.h>
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

/* A running system whose output is read line by line. */
struct sys {
	pid_t pid;
	FILE *out;
	FILE *copy; /* where the lines read go too, if set */
};

static bool sys_start(struct sys *s, char *const argv[])
{
	int fds[2];
	if (pipe(fds))
		return false;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	s->copy = 0;
	s->out = fdopen(fds[0], "r");
	return s->out != 0;
}

/* Read until a line with pattern; false at the end of the output. */
static bool sys_wait(struct sys *s, const char *pattern)
{
	char line[512];
	while (fgets(line, sizeof(line), s->out)) {
		if (s->copy)
			fputs(line, s->copy);
		if (strstr(line, pattern))
			return true;
	}
	return false;
}

static void sys_stop(struct sys *s)
{
	kill(s->pid, SIGTERM);
	int status;
	waitpid(s->pid, &status, 0);
	fclose(s->out);
}

/* Boot the system and read its output until the pattern; returns the time or -1. */
static double boot_us(char *const argv[], const char *pattern, FILE *copy)
{
	struct sys s;
	double start = now_us();
	if (!sys_start(&s, argv))
		return -1;
	s.copy = copy;
	double t = sys_wait(&s, pattern) ? now_us() - start : -1;
	sys_stop(&s);
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

/* The pid of the PD process named "[sim] NAME" among kernel-sim's children. */
static pid_t pd_pid(pid_t ks, const char *name)
{
	DIR *d = opendir("/proc");
	pid_t found = 0;
	char want[256];
	snprintf(want, sizeof(want), "[sim] %s", name);
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		char *rp = strrchr(buf, ')');
		int ppid = 0;
		if (!rp || sscanf(rp + 2, "%*c %d", &ppid) != 1 || ppid != ks)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		if (!strncmp(buf, want, strlen(want)) &&
		    (buf[strlen(want)] == 0 || buf[strlen(want)] == ' '))
			found = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* Write init's config into DIR/NAME/config (a boot module is named by its file). */
static bool write_config(const char *dir, const char *name, const char *text)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/config", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

#define PROVIDES                                                                                   \
	"<parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> <service "              \
	"name=\"PD\"/> <service name=\"CPU\"/> <service name=\"RM\"/> <service "                   \
	"name=\"Timer\"/> </parent-provides> <default-route> <any-service> <parent/> "             \
	"</any-service> </default-route>"

/* The systems of a benchmark run side by side with anything: no control socket. */
static char NO_CONTROL[] = "--no-control";

/* The command line of a system of core, init and dummy with the config in DIR/NAME. */
struct boot {
	char ks[1200], core[1200], init[1200], dummy[1200], config[1200], core_config[1200];
};

static bool boot_prepare(struct boot *b, const char *bin, const char *dir, const char *name,
			 const char *config)
{
	snprintf(b->ks, sizeof(b->ks), "%s/kernel-sim", bin);
	snprintf(b->core, sizeof(b->core), "%s/core", dir);
	snprintf(b->init, sizeof(b->init), "%s/init", dir);
	snprintf(b->dummy, sizeof(b->dummy), "%s/dummy", dir);
	snprintf(b->config, sizeof(b->config), "%s/%s/config", dir, name);
	snprintf(b->core_config, sizeof(b->core_config), "%s/core.config", dir);
	return write_config(dir, name, config);
}

/* kill -9 until the restarted child's first line, ROUNDS times; the median or -1. */
static double restart_us(const char *bin, const char *dir)
{
	struct boot b;
	if (!boot_prepare(&b, bin, dir, "restart",
			  "<config>" PROVIDES "<start name=\"victim\" caps=\"100\" ram=\"1M\" "
			  "restart=\"on-failure\" restart_delay_ms=\"0\"> <binary name=\"dummy\"/> "
			  "<config> <log string=\"victim up\"/> <block/> </config> </start> "
			  "</config>\n"))
		return -1;
	char *argv[] = {b.ks, NO_CONTROL, b.core, b.init, b.dummy, b.config, 0};
	struct sys s;
	if (!sys_start(&s, argv) || !sys_wait(&s, "victim up"))
		return -1;
	double t[ROUNDS];
	int n = 0;
	for (; n < ROUNDS; n++) {
		pid_t v = pd_pid(s.pid, "init -> victim");
		if (!v)
			break;
		double start = now_us();
		kill(v, SIGKILL);
		if (!sys_wait(&s, "victim up"))
			break;
		t[n] = now_us() - start;
	}
	sys_stop(&s);
	return n == ROUNDS ? median(t, n) : -1;
}

/* kill -9 of a PD holding 64 MiB and 1000 capabilities until core closed it. */
static double teardown_us(const char *bin, const char *dir)
{
	struct boot b;
	if (!boot_prepare(&b, bin, dir, "hog",
			  "<config>" PROVIDES "<start name=\"hog\" caps=\"1100\" ram=\"80M\"> "
			  "<binary name=\"dummy\"/> <config> <alloc_ram bytes=\"64M\"/> "
			  "<alloc_caps count=\"1000\"/> <log string=\"hog ready\"/> <block/> "
			  "</config> </start> </config>\n"))
		return -1;
	double t[ROUNDS / 2];
	int n = 0;
	for (; n < ROUNDS / 2; n++) {
		char *argv[] = {b.ks,	 NO_CONTROL, b.core,	    b.init,
				b.dummy, b.config,   b.core_config, 0};
		struct sys s;
		if (!sys_start(&s, argv) || !sys_wait(&s, "hog ready"))
			break;
		pid_t v = pd_pid(s.pid, "init -> hog");
		double start = now_us();
		if (!v || kill(v, SIGKILL) || !sys_wait(&s, "closed PD session 'init -> hog'")) {
			sys_stop(&s);
			break;
		}
		t[n] = now_us() - start;
		sys_stop(&s);
	}
	return n == ROUNDS / 2 ? median(t, n) : -1;
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
		 "mkdir -p %s && cp %s/core %s/init %s/test-printf %s/dummy %s/ && "
		 "cat >%s/config <<'EOF'\n"
		 "<config>\n"
		 " <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/>"
		 " <service name=\"PD\"/> <service name=\"CPU\"/> <service name=\"RM\"/>"
		 " </parent-provides>\n"
		 " <default-route> <any-service> <parent/> </any-service> </default-route>\n"
		 " <default caps=\"100\"/>\n"
		 " <start name=\"test-printf\"> <resource name=\"RAM\" quantum=\"1M\"/> </start>\n"
		 "</config>\nEOF\necho '<config verbose=\"yes\"/>' >%s/core.config",
		 dir, bin, bin, bin, bin, dir, dir, dir);
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
	char *plain[] = {ks, NO_CONTROL, core, init, printf_, config, 0};
	char *verbose[] = {ks, NO_CONTROL, core, init, printf_, config, core_config, 0};

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
	double r = restart_us(bin, dir), td = teardown_us(bin, dir);
	if (r < 0 || td < 0) {
		fprintf(stderr, "bench-boot: the restart or teardown measurement failed\n");
		return 1;
	}
	printf("  kill -9 until the restarted child's first line        %10.1f us  %.1fx floor\n",
	       r, r / f);
	printf("  teardown of a PD with 64 MiB and 1000 caps (kill -9) %10.1f us  %.1fx floor\n",
	       td, td / f);
	return 0;
}
