/* Messages over the channels, and the few string routines the runtime needs. */
#include "runtime.h"

/* Send one message: a header and an optional payload, as one datagram. */
long rt_send(int fd, const void *buf, size_t len, const void *payload, size_t plen)
{
	struct k_iovec iov[2] = {{(void *)buf, len}, {(void *)payload, plen}};
	struct k_msghdr m = {0};
	m.iov = iov;
	m.iovlen = payload ? 2 : 1;
	return rt_sys3(__NR_sendmsg, fd, &m, 0);
}

/* Send one message with descriptor fd (SCM_RIGHTS). */
long rt_send_fd(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct k_cmsghdr h;
		char space[sizeof(struct k_cmsghdr) + 8];
	} cm;
	memset(&cm, 0, sizeof(cm));
	cm.h.len = sizeof(struct k_cmsghdr) + sizeof(int);
	cm.h.level = K_SOL_SOCKET;
	cm.h.type = K_SCM_RIGHTS;
	memcpy(cm.space + sizeof(struct k_cmsghdr), &fd, sizeof(int));
	struct k_iovec iov = {(void *)buf, len};
	struct k_msghdr m = {0};
	m.iov = &iov;
	m.iovlen = 1;
	m.control = &cm;
	m.controllen = sizeof(cm);
	return rt_sys3(__NR_sendmsg, sock, &m, 0);
}

/* Receive one message and, if one came with it, one descriptor. */
long rt_recv(int fd, void *buf, size_t len, int *fd_out)
{
	union {
		struct k_cmsghdr h;
		char space[sizeof(struct k_cmsghdr) + 8];
	} cm;
	struct k_iovec iov = {buf, len};
	struct k_msghdr m = {0};
	m.iov = &iov;
	m.iovlen = 1;
	m.control = &cm;
	m.controllen = sizeof(cm);
	if (fd_out)
		*fd_out = -1;
	long n = rt_sys3(__NR_recvmsg, fd, &m, K_MSG_CMSG_CLOEXEC);
	if (n > 0 && m.controllen >= sizeof(struct k_cmsghdr) + sizeof(int) &&
	    cm.h.level == K_SOL_SOCKET && cm.h.type == K_SCM_RIGHTS) {
		int got;
		memcpy(&got, cm.space + sizeof(struct k_cmsghdr), sizeof(int));
		if (fd_out)
			*fd_out = got;
		else
			rt_sys1(__NR_close, got);
	}
	return n;
}

/* The runtime itself broke: nothing sensible can continue in this process. */
void rt_die(const char *why)
{
	(void)why;
	rt_sys1(__NR_exit_group, 127);
	__builtin_unreachable();
}

size_t rt_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
