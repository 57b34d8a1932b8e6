#include "loop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static int epfd = -1;
static void (*after_event)(void);
static uint64_t events;

/*
 * The devices' interrupt sources: an epoll set of their own, itself one
 * source of the loop, so that a long kernel operation can ask whether an
 * interrupt is pending and have it served at its preemption point.
 */
static int irq_epfd = -1;

void loop_serve_interrupts(void)
{
	struct epoll_event ev[8];
	int n = irq_epfd < 0 ? 0 : epoll_wait(irq_epfd, ev, 8, 0);
	for (int i = 0; i < n; i++) {
		struct event_source *src = ev[i].data.ptr;
		src->ready(src, ev[i].events);
	}
}

static void on_interrupt_sources(struct event_source *s, uint32_t events)
{
	(void)s, (void)events;
	loop_serve_interrupts();
}

static struct event_source interrupt_sources = {.fd = -1, .ready = on_interrupt_sources};

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
	if (s->fd >= 0 && epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, 0) != 0 && irq_epfd >= 0)
		epoll_ctl(irq_epfd, EPOLL_CTL_DEL, s->fd, 0);
}

int loop_add_interrupt(struct event_source *s, uint32_t events)
{
	if (irq_epfd < 0) {
		irq_epfd = epoll_create1(EPOLL_CLOEXEC);
		interrupt_sources.fd = irq_epfd;
		if (irq_epfd < 0 || loop_add(&interrupt_sources, EPOLLIN) != 0)
			return -1;
	}
	struct epoll_event ev = {.events = events, .data.ptr = s};
	return epoll_ctl(irq_epfd, EPOLL_CTL_ADD, s->fd, &ev);
}

bool loop_interrupt_pending(void)
{
	struct epoll_event ev;
	return irq_epfd >= 0 && epoll_wait(irq_epfd, &ev, 1, 0) > 0;
}

void loop_set_after_event(void (*after)(void))
{
	after_event = after;
}

/*
 * Events of one wait are served one by one. An event may end the source of
 * a later one in the same batch (a thread's channel when its PD dies): its
 * entry stays in ev[], so sources are freed only after the batch
 * (release_later) and a handler ignores a source whose fd it closed (-1).
 */
int loop_run_once(int timeout_ms)
{
	struct epoll_event ev[32];
	int n = epoll_wait(epfd, ev, 32, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		struct event_source *s = ev[i].data.ptr;
		events++;
		s->ready(s, ev[i].events);
		if (after_event)
			after_event();
	}
	return n;
}

uint64_t loop_event(void)
{
	return events;
}

uint64_t loop_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
