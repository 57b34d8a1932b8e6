/*
 * The address of a Unix socket at a path of any length (the control
 * socket, which lives in a scenario's run directory however deep the tree
 * is checked out). sun_path holds 108 bytes; a longer path is reached
 * through a descriptor of its directory, as /proc/self/fd/N/NAME, which
 * bind and connect resolve like any path. Host programs only.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * Fill a for path. *dir is -1, or the directory descriptor the address
 * goes through: the caller closes it after bind or connect. -1 with errno
 * if even the name alone does not fit or the directory cannot be opened.
 */
static inline int unix_address(struct sockaddr_un *a, const char *path, int *dir)
{
	*dir = -1;
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) < sizeof(a->sun_path)) {
		strcpy(a->sun_path, path);
		return 0;
	}
	const char *slash = strrchr(path, '/');
	char parent[PATH_MAX];
	if (!slash || (size_t)(slash - path) >= sizeof(parent)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = 0;
	*dir = open(slash == path ? "/" : parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dir < 0)
		return -1;
	int n = snprintf(a->sun_path, sizeof(a->sun_path), "/proc/self/fd/%d/%s", *dir, slash + 1);
	if (n < 0 || (size_t)n >= sizeof(a->sun_path)) {
		close(*dir);
		*dir = -1;
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
