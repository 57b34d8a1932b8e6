/*
 * Reporters (Genode's Reporter and Expanding_reporter): a Report session
 * and its dataspace, into which a report is generated as XML (one root
 * node of the reporter's type) and submitted. An expanding reporter opens
 * a larger session when a report does not fit.
 */
#pragma once

#include <base/xml.h>
#include <component/env.h>

struct reporter {
	struct env *env;
	char type[32];
	char label[128];
	unsigned long buffer_size;
	bool expanding;
	seL4_CPtr session, ds;
	seL4_Word id; /* at the parent, if we opened the session */
	char *buf;
};

/*
 * Open a Report session labelled label (with Genode's connection semantics:
 * a denied session stops the caller); reports have root nodes of the type.
 */
int reporter_connect(struct env *env, struct reporter *r, const char *type, const char *label,
		     unsigned long buffer_size, bool expanding);
/* Use a Report session opened elsewhere (init's own, routed); an rpc_error. */
int reporter_use(struct env *env, struct reporter *r, const char *type, seL4_CPtr session,
		 unsigned long buffer_size);
void reporter_disconnect(struct reporter *r);

/*
 * Generate a report: fn adds attributes and sub-nodes to the open root node;
 * an rpc_error (RPC_OUT_OF_METADATA: it did not fit a fixed buffer).
 */
int reporter_generate(struct reporter *r, void (*fn)(struct xml_gen *g, void *arg), void *arg);
/* Submit text as it is (no XML generation). */
int reporter_submit(struct reporter *r, const char *text, unsigned long len);
