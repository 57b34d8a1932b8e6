/*
 * Connections: a session at the parent together with what a client needs
 * from it. A ROM connection also maps the ROM's dataspace.
 */
#pragma once

#include <component/env.h>

struct rom_connection {
	seL4_Word id;
	seL4_CPtr session, ds;
	const char *text;   /* the ROM's content, mapped read-only */
	unsigned long size; /* its length in bytes (without page padding) */
};

int rom_connect(struct env *env, const char *label, struct rom_connection *rc);
/* Be told (signal) when the ROM changes. */
int rom_sigh(struct rom_connection *rc, seL4_CPtr context);
/* Switch to the ROM's newest content: text and size change, the old mapping goes. */
int rom_refresh(struct env *env, struct rom_connection *rc);
void rom_disconnect(struct env *env, struct rom_connection *rc);

/*
 * A session of a core service, opened at the parent with the quota the
 * service needs; close it with connection_close.
 */
struct connection {
	seL4_Word id;
	seL4_CPtr cap;
};

int log_connect(struct env *env, const char *label, struct connection *c);
int rm_connect(struct env *env, struct connection *c);
/* A PD session of our own (Genode's Pd_connection), with the quota core's PD needs. */
int pd_connect(struct env *env, const char *label, struct connection *c);
int io_port_connect(struct env *env, unsigned long base, unsigned long size, struct connection *c);
int irq_connect(struct env *env, unsigned long irq, struct connection *c);
int io_mem_connect(struct env *env, unsigned long base, unsigned long size, struct connection *c);
void connection_close(struct env *env, struct connection *c);
