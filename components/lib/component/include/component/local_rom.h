/*
 * A ROM implemented by the component itself (Genode's Dynamic_rom_session
 * and init's "config" ROM of a child): a local service for the Child API
 * whose content the component sets and changes; each change signals the
 * ROM's sessions, whose update switches to the new content (the version
 * before stays valid until the next change, as core's ROMs do).
 */
#pragma once

#include <component/child.h>

struct local_rom_session;

struct local_rom {
	struct service service; /* SERVICE_LOCAL "ROM" */
	struct env *env;
	seL4_CPtr pd;	       /* whose RAM holds the content */
	seL4_CPtr ds, prev_ds; /* the content, the version before */
	unsigned long size;
	unsigned long version;
	struct local_rom_session *sessions;
};

void local_rom_init(struct env *env, struct local_rom *r, seL4_CPtr pd);
/* New content (len bytes), paid from the PD given at init; an rpc_error. */
int local_rom_set(struct local_rom *r, const char *text, size_t len);
/* Close every session and free the content. */
void local_rom_destroy(struct local_rom *r);
