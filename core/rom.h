/* Boot modules, core's ROM file system. */
#pragma once

#include <sel4/sel4.h>

struct rom_module {
	const char *name;
	const void *data; /* mapped in core's image */
	unsigned long size;
	seL4_SlotRegion frames;
};

void rom_init(const seL4_BootInfo *bi);
const struct rom_module *rom_lookup(const char *name);

struct core_session;
struct dataspace;
/* The dataspace of a ROM session. */
struct dataspace *rom_session_ds(struct core_session *s);

/* The host changed module i (boot-info order): its new content. */
void rom_module_updated(int i, const void *data, unsigned long size);

/* A control request from the host ("restart LABEL"), offered as the ROM "sim_control". */
void rom_control_request(const char *text);
