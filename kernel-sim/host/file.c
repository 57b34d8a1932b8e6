#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO:
		return "a FIFO";
	case S_IFDIR:
		return "a directory";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	default:
		return "not a regular file";
	}
}

static int refuse(char *why, size_t whylen, const char *fmt, const char *what)
{
	snprintf(why, whylen, fmt, what);
	return -1;
}

int host_file_read(const char *path, size_t max, uint8_t **data, size_t *size, char *why,
		   size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		struct stat st;
		if (errno == ELOOP && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			return refuse(why, whylen, "%s",
				      "is a symbolic link (give the file itself)");
		return refuse(why, whylen, "%s", strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return refuse(why, whylen, "%s", strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return refuse(why, whylen, "is %s, not a regular file", file_kind(st.st_mode));
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		snprintf(why, whylen, "is larger than %zu bytes", max);
		return -1;
	}
	size_t len = (size_t)st.st_size;
	uint8_t *buf = malloc(len ? len : 1);
	size_t got = 0;
	while (buf && got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != len) {
		free(buf);
		return refuse(why, whylen, "%s",
			      buf ? "changed while it was read" : strerror(ENOMEM));
	}
	*data = buf;
	*size = len;
	return 0;
}
