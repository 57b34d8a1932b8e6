/*
 * sim ps: the PD tree. kernel-sim answers one line per PD (pid, state,
 * threads, priority, label, core's accounts); the tree comes from the
 * labels, Genode's label chains: "init -> subsystem -> sleeper" is a
 * child of "init -> subsystem", and init a child of core.
 */
#include "sim.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_parse_pds(char *text, struct sim_pd **pds, char **rest)
{
	static struct sim_pd *list;
	unsigned n = 0, size = 0;
	*rest = NULL;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (line[0] == '#') {
			if (next)
				next[-1] = '\n';
			*rest = line;
			break;
		}
		if (n == size) {
			size = size ? size * 2 : 64;
			struct sim_pd *p = realloc(list, size * sizeof(*p));
			if (!p)
				return -1;
			list = p;
		}
		struct sim_pd *pd = &list[n];
		memset(pd, 0, sizeof(*pd));
		char *f[6] = {0};
		int k = 0;
		for (char *s = line; k < 6; k++) {
			f[k] = s;
			char *tab = strchr(s, '\t');
			if (!tab)
				break;
			*tab = 0;
			s = tab + 1;
		}
		if (k < 4 || !f[4])
			continue;
		pd->pid = atoi(f[0]);
		snprintf(pd->state, sizeof(pd->state), "%s", f[1]);
		pd->threads = (unsigned)strtoul(f[2], 0, 10);
		pd->prio = (unsigned)strtoul(f[3], 0, 10);
		snprintf(pd->label, sizeof(pd->label), "%s", f[4]);
		snprintf(pd->accounts, sizeof(pd->accounts), "%s", f[5] ? f[5] : "");
		n++;
	}
	*pds = list;
	return (int)n;
}

int sim_pds(const char *path, struct sim_pd **pds)
{
	char *text, *rest;
	if (sim_fetch(path, "ps", &text) != 0)
		return -1;
	return sim_parse_pds(text, pds, &rest);
}

/* "RAM 500224 of 210760704 used, caps 12 of 1047298 used, 1 threads" as columns. */
static void accounts(const char *text, char *ram, size_t ram_size, char *caps, size_t caps_size)
{
	unsigned long ru, rq, cu, cq;
	ram[0] = caps[0] = 0;
	if (sscanf(text, "RAM %lu of %lu used, caps %lu of %lu used", &ru, &rq, &cu, &cq) != 4)
		return;
	snprintf(ram, ram_size, "%lu KiB of %lu KiB", ru >> 10, rq >> 10);
	snprintf(caps, caps_size, "%lu of %lu", cu, cq);
}

int sim_parent(const struct sim_pd *pds, int n, int i)
{
	const char *label = pds[i].label;
	size_t len = strlen(label), best_len = 0;
	int best = -1, core = -1;
	for (int j = 0; j < n; j++) {
		size_t l = strlen(pds[j].label);
		if (!strcmp(pds[j].label, "core"))
			core = j;
		if (j != i && l < len && l > best_len && !strncmp(label, pds[j].label, l) &&
		    !strncmp(label + l, " -> ", 4)) {
			best = j;
			best_len = l;
		}
	}
	return best >= 0 ? best : i != core ? core : -1;
}

static int depth_of(const struct sim_pd *pds, int n, int i)
{
	int d = 0;
	for (int p = sim_parent(pds, n, i); p >= 0 && d < n; p = sim_parent(pds, n, p))
		d++;
	return d;
}

/* Print i and its subtree, children in label order. */
static void print_tree(const struct sim_pd *pds, int n, int i, int depth)
{
	char ram[64], caps[64], name[600];
	accounts(pds[i].accounts, ram, sizeof(ram), caps, sizeof(caps));
	int p = sim_parent(pds, n, i);
	const char *own = pds[i].label;
	if (p >= 0 && strcmp(pds[p].label, "core"))
		own += strlen(pds[p].label) + 4; /* the rest of the chain below its parent */
	snprintf(name, sizeof(name), "%*s%s", 2 * depth, "", own);
	printf("%7d  %-5s  %7u  %4u  %-22s  %-16s  %s\n", pds[i].pid, pds[i].state, pds[i].threads,
	       pds[i].prio, ram, caps, name);
	for (int j = 0; j < n; j++)
		if (sim_parent(pds, n, j) == i)
			print_tree(pds, n, j, depth + 1);
}

int sim_ps(const char *path, int argc, char **argv)
{
	struct sim_pd *pds;
	int n = sim_pds(path, &pds);
	if (n < 0)
		return 1;
	if (argc == 1) { /* --labels: one line per PD with its full label chain */
		printf("%7s  %-5s  %7s  %4s  %-40s  %s\n", "PID", "STATE", "THREADS", "PRIO",
		       "LABEL", "ACCOUNTS (core)");
		for (int i = 0; i < n; i++)
			printf("%7d  %-5s  %7u  %4u  %-40s  %s\n", pds[i].pid, pds[i].state,
			       pds[i].threads, pds[i].prio, pds[i].label, pds[i].accounts);
		return 0;
	}
	(void)argv;
	printf("%7s  %-5s  %7s  %4s  %-22s  %-16s  %s\n", "PID", "STATE", "THREADS", "PRIO",
	       "RAM used of quota", "caps used of", "PD");
	for (int i = 0; i < n; i++)
		if (depth_of(pds, n, i) == 0)
			print_tree(pds, n, i, 0);
	return 0;
}
