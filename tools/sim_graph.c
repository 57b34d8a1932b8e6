/*
 * sim graph: the running system as a Graphviz digraph. Each PD is a box
 * with its label, pid and core's account of its RAM and capability quota;
 * the PD tree (core, init, its children, nested inits) is drawn from the
 * label chains. With --png FILE, dot renders it.
 */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A dot string: quotes and backslashes escaped, newlines as \\n. */
static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void write_dot(FILE *f, const struct sim_pd *pds, int n)
{
	fprintf(f, "digraph system {\n\trankdir=TB;\n\tnode [shape=box, style=rounded, "
		   "fontname=\"Helvetica\"];\n\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	for (int i = 0; i < n; i++) {
		unsigned long ru, rq, cu, cq;
		char text[900];
		const char *name = strrchr(pds[i].label, '>');
		name = name ? name + 2 : pds[i].label;
		int len = snprintf(text, sizeof(text), "%s\npid %d, %s, %u threads", name,
				   pds[i].pid, pds[i].state, pds[i].threads);
		if (sscanf(pds[i].accounts, "RAM %lu of %lu used, caps %lu of %lu used", &ru, &rq,
			   &cu, &cq) == 4)
			snprintf(text + len, sizeof(text) - (size_t)len,
				 "\nRAM %lu of %lu KiB\ncaps %lu of %lu", ru >> 10, rq >> 10, cu,
				 cq);
		fprintf(f, "\tpd%d [label=", i);
		quoted(f, text);
		fprintf(f, ", tooltip=");
		quoted(f, pds[i].label);
		fprintf(f, "%s];\n", strcmp(pds[i].state, "alive") ? ", color=red" : "");
	}
	for (int i = 0; i < n; i++) {
		int p = sim_parent(pds, n, i);
		if (p >= 0)
			fprintf(f, "\tpd%d -> pd%d [arrowhead=none, penwidth=2];\n", p, i);
	}
	fprintf(f, "}\n");
}

int sim_graph(const char *path, int argc, char **argv)
{
	struct sim_pd *pds;
	int n = sim_pds(path, &pds);
	if (n < 0)
		return 1;
	if (argc == 0) {
		write_dot(stdout, pds, n);
		return 0;
	}
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "dot -Tpng -o '%s'", argv[1]);
	if (strchr(argv[1], '\'')) {
		fprintf(stderr, "sim: a PNG file name without quotes, please\n");
		return 2;
	}
	FILE *dot = popen(cmd, "w");
	if (!dot) {
		perror("sim: dot");
		return 1;
	}
	write_dot(dot, pds, n);
	int status = pclose(dot);
	if (status != 0) {
		fprintf(stderr, "sim: dot failed (is Graphviz installed? make deps)\n");
		return 1;
	}
	return 0;
}
