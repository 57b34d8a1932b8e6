/* The sim tool's parts: talking to a system, and the commands that do more than ask. */
#pragma once

#include <stddef.h>

/* Connect to a control socket; -1 if nobody answers there. */
int sim_connect(const char *path);

/*
 * Send one request line and hand the answer to each() as it arrives (until
 * each returns non-zero). 1 if the answer starts with "error:" or none came.
 */
int sim_request(const char *path, const char *line, int (*each)(const char *buf, size_t len));

/* The whole answer to a request, in *text (valid until the next call); as sim_request. */
int sim_fetch(const char *path, const char *line, char **text);

/* One PD of `ps`: the fields of its line. */
struct sim_pd {
	int pid;
	char state[16];
	unsigned threads, prio;
	char label[512];
	char accounts[256];
};

/*
 * The PD lines at the start of text (an answer to `ps` or `graph`); their
 * number. *rest: where the text goes on after them (NULL at its end).
 */
int sim_parse_pds(char *text, struct sim_pd **pds, char **rest);

/* The PDs of a running system; their number, or -1. *pds is valid until the next call. */
int sim_pds(const char *path, struct sim_pd **pds);

/* PD i's parent in the tree of label chains (init's is core); -1 for a root. */
int sim_parent(const struct sim_pd *pds, int n, int i);

int sim_ps(const char *path, int argc, char **argv);
int sim_graph(const char *path, int argc, char **argv);
int sim_gdb(const char *path, int argc, char **argv);
int sim_strace(const char *path, int argc, char **argv);
