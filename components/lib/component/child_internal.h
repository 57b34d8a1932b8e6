/* What the Child API's files share: the session state machine. */
#pragma once

#include <component/child.h>

/*
 * Route and request a new session s (client set, args the client's):
 * RPC_OK (available), SESSION_PENDING (a server answers later, or the
 * route said wait), or the error, after which s is unlinked.
 */
int session_initiate(struct session *s);

/* Close s: RPC_OK (gone and freed) or SESSION_PENDING (the server closes it). */
int session_close(struct session *s);
/* The client goes: close its sessions, answering nobody. */
void sessions_of_client_gone(struct child *c);
/* A session of a client that goes: closed, or left to its server to close (the quota comes back).
 */
void session_client_gone(struct session *s);
/* The server goes: answer those waiting for it, forget its sessions. */
void sessions_of_server_gone(struct child *server);

/* The server's answers. */
struct session *server_next_request(struct child *server);
int server_delivered(struct child *server, seL4_Word id, seL4_CPtr cap);
int server_responded(struct child *server, seL4_Word id, int err);

/* The session of the client with this id. */
struct session *session_of_client(struct child *c, seL4_Word id);
void session_link_client(struct session *s);

/* Whether the donation of s comes from the parent's own PD (own and environment sessions). */
bool session_payer_is_parent(const struct session *s);

/* An environment session of the child became available or failed: go on starting it. */
void child_env_progress(struct child *c);
