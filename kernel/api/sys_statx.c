/*
 * statx: the stat of a path (or, with AT_EMPTY_PATH, of a descriptor) in
 * Linux's extensible layout.  M-OS has what stat64 has, so the answer is
 * STATX_BASIC_STATS whatever the mask asks (Linux may also give more
 * than asked); no birth time, no attributes, no mount id.  The flags are
 * checked as Linux checks them; the sync-type bits change nothing here
 * (every file system is local).
 */
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "fs/stat.h"
#include "fs/vfs_syscall.h"
#include "drivers/dev.h"
#include "mm/kmalloc.h"
#include "util/errno.h"
#include "util/string.h"

#define STATX_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)

static void stat_to_statx(const struct stat64 *st, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = st->st_blksize;
	sx->stx_nlink = st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = st->st_blocks;
	sx->stx_atime = (struct statx_timestamp){ st->st_atime, st->st_atime_nsec, 0 };
	sx->stx_mtime = (struct statx_timestamp){ st->st_mtime, st->st_mtime_nsec, 0 };
	sx->stx_ctime = (struct statx_timestamp){ st->st_ctime, st->st_ctime_nsec, 0 };
	sx->stx_rdev_major = MAJOR((dev_t)st->st_rdev);
	sx->stx_rdev_minor = MINOR((dev_t)st->st_rdev);
	sx->stx_dev_major = MAJOR((dev_t)st->st_dev);
	sx->stx_dev_minor = MINOR((dev_t)st->st_dev);
}

/* statx(dirfd, path, flags, mask, struct statx *) */
SYSCALL(statx)
{
	if ((a3 & ~STATX_FLAGS) || (a3 & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (a4 & STATX__RESERVED)
		return -EINVAL;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	long rc = strncpy_from_user(path, (const char *)a2, PATH_MAX);
	if (rc >= 0) {
		struct stat64 st;
		rc = do_fstatat((int32_t)a1, path, &st,
				a3 & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH));
		struct statx sx;
		if (rc == 0) {
			stat_to_statx(&st, &sx);
			rc = copy_to_user((void *)a5, &sx, sizeof(sx));
		}
	}
	kfree(path);
	return rc;
}
