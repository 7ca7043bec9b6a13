/*
 * The attribute system calls: chmod, chown and utimensat in their path,
 * descriptor and *at forms.  Each finds the vnode (following a final
 * symlink unless asked not to), fills a vattr_t with what changes, and
 * calls the file system's setattr, which takes the vnode's vn_mutex.
 * fs/perm.h's perm_setattr checks Linux's rules first (chmod by the
 * owner or root; chown by root, chgrp by the owner to one of its groups;
 * explicit times by the owner or root, "now" by anyone who may write)
 * and adjusts the change (chown drops set-user-id bits).  A file system
 * without setattr gives EPERM.
 */
#include "fs/vfs_syscall.h"
#include "fs/file.h"
#include "fs/namev.h"
#include "fs/perm.h"
#include "fs/vfs.h"
#include "proc/proc.h"
#include "util/errno.h"

#define NSEC_PER_SEC 1000000000l
#define ID_UNCHANGED ((uint32_t)-1)

/* The vnode for (dirfd, path): path NULL or "" with AT_EMPTY_PATH means
 * the file open at dirfd. */
static int attr_target(int dirfd, const char *path, uint32_t flags, vnode_t **out)
{
	if (!path || (path[0] == '\0' && (flags & AT_EMPTY_PATH))) {
		file_t *f = fd_get(curproc->files, dirfd);
		if (!f)
			return -EBADF;
		vref(f->f_vnode);
		*out = f->f_vnode;
		fput(f);
		return 0;
	}
	vnode_t *base = NULL;
	int rc = path[0] == '/' ? 0 : vfs_dirfd_vnode(dirfd, &base);
	if (rc < 0)
		return rc;
	rc = namev_resolve(base, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : NAMEV_FOLLOW, out);
	if (base)
		vput(base);
	return rc;
}

/* times_now: utimes with no explicit time (write permission suffices). */
static int apply(int dirfd, const char *path, uint32_t flags, vattr_t *va, bool times_now)
{
	vnode_t *vn;
	int rc = attr_target(dirfd, path, flags, &vn);
	if (rc < 0)
		return rc;
	rc = perm_setattr(vn, va, times_now);
	if (rc == 0)
		rc = vn->vn_ops->setattr ? vn->vn_ops->setattr(vn, va) : -EPERM;
	vput(vn);
	return rc;
}

static vattr_t mode_attr(mode_t mode)
{
	return (vattr_t){ .va_mask = VA_MODE, .va_mode = mode & S_IALLUGO };
}

int do_fchmodat(int dirfd, const char *path, mode_t mode)
{
	vattr_t va = mode_attr(mode);
	return apply(dirfd, path, 0, &va, false);
}

int do_chmod(const char *path, mode_t mode)
{
	return do_fchmodat(AT_FDCWD, path, mode);
}

int do_fchmod(int fd, mode_t mode)
{
	vattr_t va = mode_attr(mode);
	return apply(fd, NULL, 0, &va, false);
}

int do_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, uint32_t flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	vattr_t va = { .va_uid = uid, .va_gid = gid };
	va.va_mask = (uid != ID_UNCHANGED ? VA_UID : 0) | (gid != ID_UNCHANGED ? VA_GID : 0);
	return apply(dirfd, path, flags, &va, false);
}

int do_chown(const char *path, uint32_t uid, uint32_t gid)
{
	return do_fchownat(AT_FDCWD, path, uid, gid, 0);
}

int do_lchown(const char *path, uint32_t uid, uint32_t gid)
{
	return do_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int do_fchown(int fd, uint32_t uid, uint32_t gid)
{
	return do_fchownat(fd, NULL, uid, gid, 0);
}

/* One timestamp: 0 and *set (*now: to the current time), or -EINVAL for
 * a bad nanosecond count. */
static int time_of(const vfs_timespec_t *ts, uint32_t *out, bool *set, bool *now)
{
	*set = true;
	*now = !ts || ts->tv_nsec == UTIME_NOW;
	if (*now) {
		*out = vfs_time_now();
		return 0;
	}
	if (ts->tv_nsec == UTIME_OMIT) {
		*set = false;
		return 0;
	}
	if (ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC || ts->tv_sec < 0)
		return -EINVAL;
	*out = (uint32_t)ts->tv_sec;	/* S5FS keeps 32-bit seconds */
	return 0;
}

int do_utimensat(int dirfd, const char *path, const vfs_timespec_t times[2], uint32_t flags)
{
	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	vattr_t va = { 0 };
	bool set_a, set_m, now_a, now_m;
	int rc = time_of(times ? &times[0] : NULL, &va.va_atime, &set_a, &now_a);
	if (rc == 0)
		rc = time_of(times ? &times[1] : NULL, &va.va_mtime, &set_m, &now_m);
	if (rc < 0)
		return rc;
	va.va_mask = (set_a ? VA_ATIME : 0) | (set_m ? VA_MTIME : 0);
	bool explicit = (set_a && !now_a) || (set_m && !now_m);
	return apply(dirfd, path, flags, &va, !explicit);	/* an empty mask still finds the file */
}
