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
void rom_disconnect(struct env *env, struct rom_connection *rc);
