/*
 * sim: the control tool of running sel4-sim systems.
 *
 *   sim [--system DIR|SOCKET] ps [--labels]  the PD tree: pid, state, threads, priority,
 *                                            RAM and capability accounts (--labels: the
 *                                            full label chains, one PD a line)
 *   sim [--system ...] kill LABEL            kill -9 the PD process of that label
 *   sim [--system ...] restart LABEL         have its init restart it (no crash)
 *   sim [--system ...] log [-f]              the system's output (and follow it)
 *   sim [--system ...] trace [-f] [LABEL]    the kernel trace (kept, or followed live),
 *                                            of one PD and its subtree
 *   sim [--system ...] graph [--png FILE]    the system as Graphviz (or rendered)
 *   sim [--system ...] gdb LABEL [ARGS]      gdb attached to that component
 *   sim [--system ...] strace LABEL [ARGS]   strace of that component, seL4 calls decoded
 *   sim [--system ...] where LABEL           its pid and the ELF file of its code
 *   sim [--system ...] report                ask core for its totals (printed in the log)
 *
 * A system is found through its control socket, sim.sock in the directory
 * kernel-sim runs in (the run directory of a scenario). Without --system,
 * sim uses ./sim.sock, else the one running system under build/run/ of
 * the current directory or of the tree sim itself was built in.
 */
#include "sim.h"
#include "sim/unix_address.h"

#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int sim_connect(const char *path)
{
	struct sockaddr_un a;
	int dir;
	if (unix_address(&a, path, &dir) != 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		fd = -1;
	}
	if (dir >= 0)
		close(dir);
	return fd;
}

/* Live systems under DIR/build/run/, each once (by its real path). */
static void scan(const char *dir, char found[][PATH_MAX], unsigned *count, unsigned max)
{
	char pattern[PATH_MAX + 32];
	snprintf(pattern, sizeof(pattern), "%s/build/run/*/sim.sock", dir);
	glob_t g;
	if (glob(pattern, 0, 0, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc && *count < max; i++) {
		char real[PATH_MAX];
		if (!realpath(g.gl_pathv[i], real))
			continue;
		bool seen = false;
		for (unsigned k = 0; k < *count; k++)
			seen |= !strcmp(found[k], real);
		int fd = seen ? -1 : sim_connect(g.gl_pathv[i]);
		if (fd < 0)
			continue;
		close(fd);
		snprintf(found[(*count)++], PATH_MAX, "%s", real);
	}
	globfree(&g);
}

/* The tree this sim was built in: sim lives in build/bin/. */
static bool own_tree(char *dir, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return false;
		*slash = 0;
	}
	snprintf(dir, size, "%s", exe[0] ? exe : "/");
	return true;
}

/* The socket of --system (a directory or a socket), or the only live one around. */
static int find_system(const char *system, char *path, size_t size)
{
	struct stat st;
	if (system) {
		if (stat(system, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(path, size, "%s/sim.sock", system);
		else
			snprintf(path, size, "%s", system);
		return 0;
	}
	if (stat("sim.sock", &st) == 0) {
		snprintf(path, size, "sim.sock");
		return 0;
	}
	static char found[16][PATH_MAX];
	unsigned live = 0;
	char tree[PATH_MAX];
	scan(".", found, &live, 16);
	if (own_tree(tree, sizeof(tree)))
		scan(tree, found, &live, 16);
	if (live == 1) {
		snprintf(path, size, "%s", found[0]);
		return 0;
	}
	if (live == 0) {
		fprintf(stderr, "sim: no running system found (try --system RUN_DIR)\n");
		return -1;
	}
	fprintf(stderr, "sim: several systems run:\n");
	for (unsigned i = 0; i < live; i++)
		fprintf(stderr, "  %s\n", found[i]);
	fprintf(stderr, "choose one with --system RUN_DIR\n");
	return -1;
}

int sim_request(const char *path, const char *line, int (*each)(const char *buf, size_t len))
{
	int fd = sim_connect(path);
	if (fd < 0) {
		fprintf(stderr, "sim: no system answers at %s\n", path);
		return 1;
	}
	char req[1100];
	int n = snprintf(req, sizeof(req), "%s\n", line);
	if (n < 0 || (size_t)n >= sizeof(req) || write(fd, req, (size_t)n) != n) {
		close(fd);
		return 1;
	}
	char buf[65536];
	ssize_t got;
	int status = 0;
	bool first = true;
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		if (first && got >= 6 && !strncmp(buf, "error:", 6))
			status = 1;
		first = false;
		if (each(buf, (size_t)got) != 0)
			break;
	}
	close(fd);
	if (first) {
		fprintf(stderr, "sim: no answer from %s\n", path);
		return 1;
	}
	return status;
}

static int to_stdout(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
	return 0;
}

/* What sim_fetch collects. */
static char *fetched;
static size_t fetched_len;

static int collect(const char *buf, size_t n)
{
	char *p = realloc(fetched, fetched_len + n + 1);
	if (!p)
		return -1;
	fetched = p;
	memcpy(fetched + fetched_len, buf, n);
	fetched_len += n;
	fetched[fetched_len] = 0;
	return 0;
}

int sim_fetch(const char *path, const char *line, char **text)
{
	free(fetched);
	fetched = NULL;
	fetched_len = 0;
	int status = sim_request(path, line, collect);
	*text = fetched ? fetched : "";
	if (status && fetched)
		fputs(fetched, stderr);
	return status;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sim [--system RUN_DIR|SOCKET] COMMAND\n"
		"  ps [--labels]            the PD tree with pids, states, priorities, accounts\n"
		"  kill LABEL               kill -9 that component's process\n"
		"  restart LABEL            have its init restart it\n"
		"  log [-f]                 the system's output (and follow it)\n"
		"  trace [-f] [LABEL]       the kernel trace (kept, or followed), by PD label\n"
		"  graph [--png FILE]       the system as Graphviz dot (or rendered to FILE)\n"
		"  gdb LABEL [GDB ARGS]     gdb on that component, its symbols loaded\n"
		"  strace LABEL [ARGS]      strace of that component, seL4 calls decoded\n"
		"  where LABEL              its pid and the ELF file of its code\n"
		"  report                   core prints its totals in the log\n");
}

int main(int argc, char **argv)
{
	const char *system = 0;
	int i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "--system")) {
		system = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		usage();
		return 2;
	}
	const char *cmd = argv[i];
	int rest = argc - i - 1;
	char **args = argv + i + 1;
	char path[PATH_MAX + 16], line[1100];
	int (*run)(const char *path, int argc, char **argv) = NULL;
	if (!strcmp(cmd, "ps") && (rest == 0 || (rest == 1 && !strcmp(args[0], "--labels"))))
		run = sim_ps;
	else if (!strcmp(cmd, "graph") && (rest == 0 || (rest == 2 && !strcmp(args[0], "--png"))))
		run = sim_graph;
	else if (!strcmp(cmd, "gdb") && rest >= 1)
		run = sim_gdb;
	else if (!strcmp(cmd, "strace") && rest >= 1)
		run = sim_strace;
	else if ((!strcmp(cmd, "kill") || !strcmp(cmd, "restart") || !strcmp(cmd, "where")) &&
		 rest == 1)
		snprintf(line, sizeof(line), "%s %s", cmd, args[0]);
	else if (!strcmp(cmd, "log") && (rest == 0 || (rest == 1 && !strcmp(args[0], "-f"))))
		snprintf(line, sizeof(line), rest ? "log -f" : "log");
	else if (!strcmp(cmd, "trace") && rest <= 2 && (rest < 2 || !strcmp(args[0], "-f")))
		snprintf(line, sizeof(line), "trace%s%s%s%s", rest ? " " : "", rest ? args[0] : "",
			 rest == 2 ? " " : "", rest == 2 ? args[1] : "");
	else if (!strcmp(cmd, "report") && rest == 0)
		snprintf(line, sizeof(line), "report");
	else {
		usage();
		return 2;
	}
	if (find_system(system, path, sizeof(path)) != 0)
		return 1;
	if (run)
		return run(path, rest, args);
	return sim_request(path, line, to_stdout);
}
