#include "loop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

static int epfd = -1;

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -1 : 0;
}

int loop_add(struct event_source *s, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = s};
	return epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev);
}

int loop_mod(struct event_source *s, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = s};
	return epoll_ctl(epfd, EPOLL_CTL_MOD, s->fd, &ev);
}

void loop_del(struct event_source *s)
{
	if (s->fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, 0);
}

int loop_run_once(int timeout_ms)
{
	struct epoll_event ev[32];
	int n = epoll_wait(epfd, ev, 32, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		struct event_source *s = ev[i].data.ptr;
		s->ready(s, ev[i].events);
	}
	return n;
}
