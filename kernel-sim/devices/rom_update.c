/*
 * The ROM-update device (protocol/sim/rom_update.h): inotify on the
 * directories of the boot modules, a queue of changed modules, I/O ports
 * through which the root task reads the new content, and IRQ 5.
 */
#include "bus.h"
#include "../host/file.h"
#include "../host/loop.h"
#include "../kernel/log.h"
#include "irq_lines.h"
#include <errno.h>
#include <limits.h>
#include <sim/rom_update.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

/* A boot module whose file is watched. */
struct watched {
	const char *path;
	const char *name; /* in its directory */
	int wd;
	bool queued;
};

static struct {
	struct watched *module; /* every boot module */
	int count;
	uint32_t index, size, cursor; /* the latched module */
	uint8_t *data;
	bool report;	    /* the host asked for the root task's totals */
	char *requests[16]; /* control requests not yet latched, oldest first */
	unsigned request_count;
} r = {.index = ~0u};

static struct event_source watch = {.fd = -1};

static unsigned pending(void)
{
	unsigned n = r.request_count;
	for (int i = 0; i < r.count; i++)
		n += r.module[i].queued;
	return n;
}

/* Latch the next queued module: read its file now. */
static void latch_next(void)
{
	free(r.data);
	r.data = 0;
	r.index = ~0u;
	r.size = r.cursor = 0;
	if (r.request_count) {
		r.data = (uint8_t *)r.requests[0];
		r.size = (uint32_t)strlen(r.requests[0]);
		r.index = SIM_ROM_UPDATE_REQUEST;
		memmove(r.requests, r.requests + 1, --r.request_count * sizeof(r.requests[0]));
		return;
	}
	for (int i = 0; i < r.count; i++) {
		if (!r.module[i].queued)
			continue;
		r.module[i].queued = false;
		uint8_t *buf;
		size_t n;
		char why[128];
		if (host_file_read(r.module[i].path, SIM_ROM_UPDATE_MAX, &buf, &n, why,
				   sizeof(why)) != 0) {
			kprintf("kernel-sim: ROM update: %s %s; the module keeps its content\n",
				r.module[i].path, why);
			continue;
		}
		r.data = buf;
		r.index = (uint32_t)i;
		r.size = (uint32_t)n;
		return;
	}
}

static uint8_t reg_byte(uint32_t v, uint16_t port, uint16_t base)
{
	return (uint8_t)(v >> (8 * (port - base)));
}

static uint8_t rom_read(struct io_device *d, uint16_t port)
{
	(void)d;
	if (port == SIM_ROM_UPDATE_REPORT) {
		bool asked = r.report;
		r.report = false;
		return asked;
	}
	if (port == SIM_ROM_UPDATE_PENDING) {
		unsigned n = pending();
		return n > 255 ? 255 : (uint8_t)n;
	}
	if (port >= SIM_ROM_UPDATE_INDEX && port < SIM_ROM_UPDATE_INDEX + 4)
		return reg_byte(r.index, port, SIM_ROM_UPDATE_INDEX);
	if (port >= SIM_ROM_UPDATE_SIZE && port < SIM_ROM_UPDATE_SIZE + 4)
		return reg_byte(r.size, port, SIM_ROM_UPDATE_SIZE);
	if (port >= SIM_ROM_UPDATE_DATA && port < SIM_ROM_UPDATE_DATA + 4) {
		uint32_t at = r.cursor + (uint32_t)(port - SIM_ROM_UPDATE_DATA);
		uint8_t b = r.data && at < r.size ? r.data[at] : 0;
		if (port == SIM_ROM_UPDATE_DATA + 3)
			r.cursor += 4;
		return b;
	}
	return 0xff;
}

static void rom_write(struct io_device *d, uint16_t port, uint8_t v)
{
	(void)d;
	if (port == SIM_ROM_UPDATE_CMD && v == SIM_ROM_UPDATE_NEXT)
		latch_next();
}

static struct io_device device = {
    "ROM update", SIM_ROM_UPDATE_BASE, SIM_ROM_UPDATE_BASE + SIM_ROM_UPDATE_PORTS - 1,
    rom_read,	  rom_write,	       0};

static void on_change(struct event_source *s, uint32_t events)
{
	(void)events;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(s->fd, buf, sizeof(buf));
	bool was_idle = pending() == 0, any = false;
	for (char *p = buf; n > 0 && p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;
		for (int i = 0; e->len && i < r.count; i++)
			if (r.module[i].wd == e->wd && !strcmp(r.module[i].name, e->name) &&
			    !r.module[i].queued)
				r.module[i].queued = any = true;
		p += sizeof(*e) + e->len;
	}
	if (any && was_idle && !r.report)
		isa_irq_pulse(SIM_ROM_UPDATE_IRQ);
}

int rom_update_request(const char *text)
{
	if (r.request_count == sizeof(r.requests) / sizeof(r.requests[0]))
		return -1;
	char *copy = strdup(text);
	if (!copy)
		return -1;
	bool idle = pending() == 0 && !r.report;
	r.requests[r.request_count++] = copy;
	if (idle)
		isa_irq_pulse(SIM_ROM_UPDATE_IRQ);
	return 0;
}

bool rom_update_report_unread(void)
{
	return r.report;
}

void rom_update_request_report(void)
{
	bool idle = pending() == 0 && !r.report;
	r.report = true;
	if (idle)
		isa_irq_pulse(SIM_ROM_UPDATE_IRQ);
}

int rom_update_init(const char *const *modules, int count)
{
	io_bus_attach(&device);
	watch.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (watch.fd < 0)
		return -1;
	r.module = calloc((size_t)count + 1, sizeof(*r.module));
	if (!r.module)
		return -1;
	for (int i = 0; i < count; i++) {
		/* the directory is watched: editors replace files by renaming */
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", modules[i]);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		else
			strcpy(dir, ".");
		r.module[i].path = modules[i];
		r.module[i].name = slash ? modules[i] + (slash - dir) + 1 : modules[i];
		r.module[i].wd = inotify_add_watch(watch.fd, slash && !dir[0] ? "/" : dir,
						   IN_CLOSE_WRITE | IN_MOVED_TO);
		r.count = i + 1;
	}
	watch.ready = on_change;
	return loop_add_interrupt(&watch, EPOLLIN);
}
