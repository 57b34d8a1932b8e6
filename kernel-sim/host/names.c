#include "names.h"
#include "pd.h"
#include <sim/layout.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void names_write(struct pd_proc *p, uint64_t offset, const void *buf, size_t len)
{
	char path[48];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)p->pid);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* the process is gone, or no descriptor is left: the old name stays */
	if (pwrite(fd, buf, len, (off_t)(SIM_RUNTIME_NAMES + offset)) != (ssize_t)len) {
		/* as above */
	}
	close(fd);
}

/* A comm: at most 15 characters and the NUL, the rest of its 16 bytes zero. */
static void names_comm(struct pd_proc *p, uint64_t offset, const char *name)
{
	char comm[SIM_NAMES_COMM];
	memset(comm, 0, sizeof(comm));
	strncpy(comm, name, sizeof(comm) - 1);
	names_write(p, offset, comm, sizeof(comm));
}

void pd_names_title(struct pd_proc *p, const char *title)
{
	/* Its last byte non-zero: the host ends the title at the first NUL. */
	static char page[SIM_NAMES_TITLE_SIZE];
	memset(page, 0, sizeof(page));
	strncpy(page, title, sizeof(page) - 2);
	page[sizeof(page) - 1] = ' ';
	names_write(p, 0, page, sizeof(page));
	const char *s = title;
	if (s[0] == '[') /* the short form drops "[sim] " */
		while (*s && *s != ' ')
			s++;
	while (*s == ' ')
		s++;
	names_comm(p, SIM_NAMES_CONTROL, s);
}

void pd_names_thread(struct pd_proc *p, int index, const char *name)
{
	if (p && index >= 0 && index < SIM_RUNTIME_MAX_THREADS)
		names_comm(p, SIM_NAMES_THREADS + SIM_NAMES_COMM * (uint64_t)index, name);
}
