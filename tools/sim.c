/*
 * sim: the control tool of running sel4-sim systems.
 *
 *   sim [--system DIR|SOCKET] ps            the PD tree: pid, state, threads, priority,
 *                                           label chain, RAM and capability accounts
 *   sim [--system ...] kill LABEL           kill -9 the PD process of that label
 *   sim [--system ...] restart LABEL        have its init restart it (no crash)
 *   sim [--system ...] log [-f]             the system's output (and follow it)
 *   sim [--system ...] report               ask core for its totals (printed in the log)
 *
 * A system is found through its control socket, sim.sock in the directory
 * kernel-sim runs in (the run directory of a scenario). Without --system,
 * sim uses ./sim.sock, else the one running system under build/run/.
 */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
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
	glob_t g;
	unsigned live = 0;
	if (glob("build/run/*/sim.sock", 0, 0, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			int fd = connect_to(g.gl_pathv[i]);
			if (fd < 0)
				continue;
			close(fd);
			if (live++ == 0)
				snprintf(path, size, "%s", g.gl_pathv[i]);
			else
				fprintf(stderr, "%s%s\n",
					live == 2 ? "sim: several systems run:\n  " : "  ",
					g.gl_pathv[i]);
		}
		globfree(&g);
	}
	if (live == 1)
		return 0;
	if (live == 0)
		fprintf(stderr, "sim: no running system found (try --system RUN_DIR)\n");
	else
		fprintf(stderr, "  (and %s) choose one with --system RUN_DIR\n", path);
	return -1;
}

/* Send one request and copy the answer to stdout. */
static int request(const char *path, const char *line)
{
	int fd = connect_to(path);
	if (fd < 0) {
		fprintf(stderr, "sim: no system answers at %s\n", path);
		return 1;
	}
	char req[600];
	int n = snprintf(req, sizeof(req), "%s\n", line);
	if (n < 0 || (size_t)n >= sizeof(req) || write(fd, req, (size_t)n) != n) {
		close(fd);
		return 1;
	}
	char buf[4096];
	ssize_t got;
	int status = 0;
	bool first = true;
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		if (first && got >= 6 && !strncmp(buf, "error:", 6))
			status = 1;
		first = false;
		fwrite(buf, 1, (size_t)got, stdout);
		fflush(stdout);
	}
	close(fd);
	return status;
}

static void usage(void)
{
	fprintf(stderr, "usage: sim [--system RUN_DIR|SOCKET] ps | kill LABEL | restart LABEL | "
			"log [-f] | report\n");
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
	char path[4096], line[600];
	const char *cmd = argv[i];
	if (!strcmp(cmd, "ps") && i + 1 == argc) {
		snprintf(line, sizeof(line), "ps");
	} else if (!strcmp(cmd, "kill") && i + 2 == argc) {
		snprintf(line, sizeof(line), "kill %s", argv[i + 1]);
	} else if (!strcmp(cmd, "restart") && i + 2 == argc) {
		snprintf(line, sizeof(line), "restart %s", argv[i + 1]);
	} else if (!strcmp(cmd, "log") &&
		   (i + 1 == argc || (i + 2 == argc && !strcmp(argv[i + 1], "-f")))) {
		snprintf(line, sizeof(line), i + 1 == argc ? "log" : "log -f");
	} else if (!strcmp(cmd, "report") && i + 1 == argc) {
		snprintf(line, sizeof(line), "report");
	} else {
		usage();
		return 2;
	}
	if (find_system(system, path, sizeof(path)) != 0)
		return 1;
	if (!strcmp(cmd, "ps")) {
		/* fresh accounts from core first: it prints them, kernel-sim keeps them */
		int fd = connect_to(path);
		if (fd >= 0) {
			(void)!write(fd, "report\n", 7);
			char buf[64];
			(void)!read(fd, buf, sizeof(buf));
			close(fd);
			struct timespec t = {0, 200 * 1000 * 1000};
			nanosleep(&t, 0);
		}
	}
	return request(path, line);
}
