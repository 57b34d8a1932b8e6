/* Datagrams with an optional descriptor on SOCK_SEQPACKET channels. */
#pragma once

#include <stdbool.h>

#include <stddef.h>
#include <sys/types.h>

/*
 * Send buf (and payload, if any) as one message, passing fd if fd >= 0.
 * Never blocks: a peer that does not read gets EAGAIN.
 */
ssize_t chan_send(int sock, const void *buf, size_t len, const void *payload, size_t plen, int fd);

/* Receive one message; a passed descriptor is stored in *fd or closed. */
ssize_t chan_recv(int sock, void *buf, size_t len, int *fd);

/* As chan_recv, but give up after timeout_ms (returns -1, errno ETIMEDOUT). */
ssize_t chan_recv_timeout(int sock, void *buf, size_t len, int *fd, int timeout_ms);

/*
 * Is a message waiting on sock? A timeout checks this before it blames the
 * other side: an answer that came while kernel-sim itself was held up (a
 * stalled write of its log, a host that did not run it) is not a silence.
 */
bool chan_pending(int sock);
