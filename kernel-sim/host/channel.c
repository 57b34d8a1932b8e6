#include "channel.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t chan_send(int sock, const void *buf, size_t len, const void *payload, size_t plen, int fd)
{
	struct iovec iov[2] = {{(void *)buf, len}, {(void *)payload, plen}};
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = payload ? 2 : 1};
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		m.msg_control = &cm;
		m.msg_controllen = sizeof(cm);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	/*
	 * Never wait for a PD: its end holds at most the answers it asked
	 * for, so a full buffer means a PD that stopped reading.
	 */
	ssize_t n;
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n;
}

ssize_t chan_recv(int sock, void *buf, size_t len, int *fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct iovec iov = {buf, len};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm, .msg_controllen = sizeof(cm)};
	if (fd)
		*fd = -1;
	ssize_t n;
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd && *fd < 0)
				*fd = got;
			else
				close(got);
		}
	}
	if (m.msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

ssize_t chan_recv_timeout(int sock, void *buf, size_t len, int *fd, int timeout_ms)
{
	struct pollfd p = {.fd = sock, .events = POLLIN};
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (r < 0)
		return -1;
	return chan_recv(sock, buf, len, fd);
}

bool chan_pending(int sock)
{
	struct pollfd p = {.fd = sock, .events = POLLIN};
	return sock >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}
