/*
 * sim graph: the running system as a Graphviz digraph. Each PD is a box
 * with its name, pid and core's account of its RAM and capability quota;
 * the PD tree (core, init, its children, nested inits) is drawn from the
 * label chains (bold lines). Every init reports its state for it (the
 * sessions its children requested and where its routes sent them): an
 * arrow from client to server, labelled with the service and the session
 * label, solid for a sibling serving it, dashed for a session routed to the
 * init's parent, dotted for the config ROM init serves itself. With --png
 * FILE, dot renders it.
 */
#include "sim.h"

#include <stdbool.h>
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

/* The value of attr="..." in an XML line, with &lt; &gt; &amp; &quot; undone. */
static bool attr(const char *line, const char *name, char *out, size_t size)
{
	char key[64];
	snprintf(key, sizeof(key), " %s=\"", name);
	const char *p = strstr(line, key);
	if (!p)
		return false;
	p += strlen(key);
	size_t n = 0;
	static const struct {
		const char *entity;
		char c;
	} entities[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}};
	while (*p && *p != '"' && n + 1 < size) {
		char c = *p++;
		for (unsigned i = 0; c == '&' && i < 4; i++)
			if (!strncmp(p - 1, entities[i].entity, strlen(entities[i].entity))) {
				c = entities[i].c;
				p += strlen(entities[i].entity) - 1;
				break;
			}
		out[n++] = c;
	}
	out[n] = 0;
	return true;
}

static int pd_index(const struct sim_pd *pds, int n, const char *label)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(pds[i].label, label))
			return i;
	return -1;
}

/* The sessions of one init's state report as arrows between its children. */
static void session_edges(FILE *f, const struct sim_pd *pds, int n, const char *init, char *text)
{
	char child[256] = "", from[600], to[600], service[64], label[256], server[256], edge[400];
	int self = pd_index(pds, n, init);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strstr(line, "<child "))
			attr(line, "name", child, sizeof(child));
		if (!strstr(line, "<session ") || !child[0] ||
		    !attr(line, "service", service, sizeof(service)) ||
		    !attr(line, "label", label, sizeof(label)) ||
		    !attr(line, "server", server, sizeof(server)))
			continue;
		snprintf(from, sizeof(from), "%s -> %s", init, child);
		snprintf(to, sizeof(to), "%s -> %s", init, server);
		bool parent = !strcmp(server, "parent"), local = !strcmp(server, "init");
		int a = pd_index(pds, n, from), b = parent || local ? self : pd_index(pds, n, to);
		if (a < 0 || b < 0)
			continue;
		snprintf(edge, sizeof(edge), "%s\n\"%s\"%s", service, label,
			 parent ? "\n(to the parent)" : "");
		fprintf(f, "\tpd%d -> pd%d [label=", a, b);
		quoted(f, edge);
		fprintf(f, ", constraint=false%s];\n",
			parent	? ", style=dashed, color=gray40"
			: local ? ", style=dotted, color=gray60"
				: "");
	}
}

static void write_dot(FILE *f, const struct sim_pd *pds, int n, char *states)
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
	/* "#state LABEL" ... "#end" blocks */
	for (char *block = states; block && !strncmp(block, "#state ", 7);) {
		char *nl = strchr(block, '\n'), *end = nl ? strstr(nl, "\n#end") : NULL;
		if (!nl || !end)
			break;
		*nl = 0;
		*end = 0;
		session_edges(f, pds, n, block + 7, nl + 1);
		block = strchr(end + 1, '\n');
		block = block ? block + 1 : NULL;
	}
	fprintf(f, "}\n");
}

int sim_graph(const char *path, int argc, char **argv)
{
	struct sim_pd *pds;
	char *text, *states;
	if (sim_fetch(path, "graph", &text) != 0)
		return 1;
	int n = sim_parse_pds(text, &pds, &states);
	if (argc == 0) {
		write_dot(stdout, pds, n, states);
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
	write_dot(dot, pds, n, states);
	int status = pclose(dot);
	if (status != 0) {
		fprintf(stderr, "sim: dot failed (is Graphviz installed? make deps)\n");
		return 1;
	}
	return 0;
}
