#include "frame_store.h"
#include "channel.h"
#include "resources.h"
#include "../kernel/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010u
#endif

/* The root of the private tmpfs, or -1 when frames are memfds. */
static int store = -1;
static uint64_t next_id = 1;
static unsigned long files;

/* A tmpfs mounted nowhere, as a directory descriptor; -1 and errno on failure. */
static int make_tmpfs(void)
{
	int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	/*
	 * No size or inode limit of its own: simulated RAM is the limit, as for
	 * memfds, and a full tmpfs would make kernel-sim's own writes to a
	 * frame fault.
	 */
	int mnt = -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0700", 0) == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "nr_blocks", "0", 0) == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "nr_inodes", "0", 0) == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
				   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	int saved = errno;
	close(fs);
	errno = saved;
	return mnt;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * An ordinary user may mount a tmpfs inside a user namespace of its own. A
 * helper process enters one, mounts the tmpfs and hands it over; kernel-sim
 * itself stays where it is, and its uid owns the files in there.
 */
static int tmpfs_from_helper(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	pid_t pid = fork();
	if (pid == 0) {
		char map[64];
		close(sv[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
			_exit(1);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_file("/proc/self/setgroups", "deny") != 0 ||
		    write_file("/proc/self/uid_map", map) != 0)
			_exit(1);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_file("/proc/self/gid_map", map) != 0)
			_exit(1);
		int mnt = make_tmpfs();
		char ok = 1;
		_exit(mnt >= 0 && chan_send(sv[1], &ok, 1, 0, 0, mnt) == 1 ? 0 : 1);
	}
	close(sv[1]);
	int mnt = -1;
	if (pid > 0) {
		char ok;
		if (chan_recv_timeout(sv[0], &ok, 1, &mnt, 5000) != 1 && mnt >= 0) {
			close(mnt);
			mnt = -1;
		}
		waitpid(pid, NULL, 0);
	}
	close(sv[0]);
	return mnt;
}

void frame_store_init(bool force_memfd)
{
	if (force_memfd)
		return;
	store = make_tmpfs();
	if (store < 0)
		store = tmpfs_from_helper();
	if (store < 0 && kernel_verbose)
		kprintf("kernel-sim: no private tmpfs for frames (%s): one memfd per frame\n",
			strerror(errno));
}

const char *frame_store_kind(void)
{
	return store >= 0 ? "private tmpfs" : "memfds";
}

unsigned long frame_store_files(void)
{
	return files;
}

static void file_name(const struct backing *b, char *buf, size_t size)
{
	snprintf(buf, size, "frame@%#lx.%lx", (unsigned long)b->paddr, (unsigned long)b->id);
}

/*
 * A fresh file reads as zeros, which is what seL4 guarantees of a newly
 * retyped frame; untouched pages cost the host nothing. Components execute
 * from frames, so a memfd is created executable where the host asks.
 */
int backing_create(struct backing *b, uint64_t size, uint64_t paddr)
{
	int fd;
	struct backing made = {store >= 0 ? next_id++ : 0, paddr, -1};
	char name[64];
	file_name(&made, name, sizeof(name));
	if (made.id) {
		/* held only for the moment: the reserve may help */
		const int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC;
		fd = openat(store, name, flags, 0600);
		if (fd < 0 && fd_reserve_yield(errno)) {
			fd = openat(store, name, flags, 0600);
			fd_reserve_fill();
		}
	} else {
		*strrchr(name, '.') = 0;
		fd = memfd_create(name, MFD_CLOEXEC | MFD_EXEC);
		if (fd < 0 && errno == EINVAL)
			fd = memfd_create(name, MFD_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) != 0) {
		int err = errno;
		close(fd);
		if (made.id)
			unlinkat(store, name, 0);
		return -err;
	}
	if (made.id)
		close(fd);
	else
		made.fd = fd;
	*b = made;
	files++;
	return 0;
}

static int open_file(const struct backing *b, bool writable)
{
	int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
	char name[64];
	int fd;
	if (b->id) {
		file_name(b, name, sizeof(name));
		fd = openat(store, name, flags);
	} else if (writable) {
		fd = fcntl(b->fd, F_DUPFD_CLOEXEC, 0);
	} else {
		/* a read-only description of the memfd, so the host enforces it */
		snprintf(name, sizeof(name), "/proc/self/fd/%d", b->fd);
		fd = open(name, flags);
	}
	return fd < 0 ? -errno : fd;
}

/* A descriptor the caller holds only for the moment: the reserve may help. */
int backing_open(const struct backing *b, bool writable)
{
	int fd = open_file(b, writable);
	if (fd < 0 && fd_reserve_yield(-fd)) {
		fd = open_file(b, writable);
		fd_reserve_fill();
	}
	return fd;
}

int backing_copy(const struct backing *from, const struct backing *to, uint64_t size)
{
	int in = backing_open(from, false);
	if (in < 0)
		return in;
	int out = backing_open(to, true);
	if (out < 0) {
		close(in);
		return out;
	}
	int rc = 0;
	for (off_t at = 0; rc == 0 && at < (off_t)size;) {
		off_t data = lseek(in, at, SEEK_DATA);
		if (data < 0)
			break; /* no data after at (ENXIO) */
		off_t hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			hole = (off_t)size;
		for (off_t pos = data; pos < hole;) {
			loff_t src = pos, dst = pos;
			ssize_t n = copy_file_range(in, &src, out, &dst, (size_t)(hole - pos), 0);
			if (n <= 0) {
				rc = n < 0 ? -errno : -EIO;
				break;
			}
			pos += n;
		}
		at = hole;
	}
	close(in);
	close(out);
	return rc;
}

/*
 * Truncating needs no descriptor: the store is reachable by path through
 * kernel-sim's own descriptor of it, which also works when every other
 * descriptor is in use.
 */
void backing_free(struct backing *b)
{
	if (!backing_exists(b))
		return;
	if (b->id) {
		char name[64], path[96];
		file_name(b, name, sizeof(name));
		snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", store, name);
		if (truncate(path, 0) != 0)
			kprintf("kernel-sim: cannot free a frame's memory: %s\n", strerror(errno));
		unlinkat(store, name, 0);
	} else {
		if (ftruncate(b->fd, 0) != 0)
			kprintf("kernel-sim: cannot free a frame's memory: %s\n", strerror(errno));
		close(b->fd);
	}
	files--;
	*b = BACKING_NONE;
}
