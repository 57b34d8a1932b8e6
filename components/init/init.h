/*
 * init: starts the children its config describes, routes their session
 * requests and accounts for their quotas, as Genode's init does.
 */
#pragma once

#include <base/xml.h>
#include <component/entrypoint.h>
#include <component/env.h>
#include <genode/parent.h>

#define NAME_MAX_LEN 64

/* A session a child opened through init. */
struct child_session {
	seL4_Word id;	     /* the child's id */
	seL4_Word parent_id; /* init's id at its own parent; 0 for a local session */
	seL4_CPtr cap;
	unsigned long ram, caps;
	struct rpc_object local; /* the config ROM init serves itself */
	struct child *child;
	struct child_session *next;
};

struct child {
	struct rpc_object parent; /* the child's parent capability */
	char name[NAME_MAX_LEN], binary[NAME_MAX_LEN];
	unsigned long ram, caps;
	struct xml_node start;
	seL4_CPtr pd, cpu, log, rom, rom_ds, thread;
	seL4_Word pd_id, cpu_id, log_id, rom_id;
	seL4_CPtr config_ds; /* the nested <config>, if any */
	unsigned long config_size;
	struct child_session *sessions;
	struct signal_handler fault;
	bool exited;
	struct child *next;
};

struct init {
	struct env *env;
	const char *config_text;
	unsigned long config_size;
	struct xml_node config;
	struct child *children;
};

extern struct init init;

/* Start the child a <start> node describes; false (with an error logged) if it cannot. */
bool child_start(struct xml_node *start);
void child_destroy(struct child *c);

/* The parent interface init serves to each child. */
extern const struct rpc_interface parent_interface;
extern const struct rpc_interface rom_session_interface;
