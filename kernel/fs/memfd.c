/*
 * memfd_create: a file in memory that no directory names (fs/memfd.h).
 *
 * The files belong to memfd_fs, a ramfs made at boot and never mounted
 * (as pipefs is for pipes); ramfs_create_unnamed gives a vnode with no
 * links, so the open file's reference (and any mapping's) is all that
 * keeps it, and its pages go with the last one.  The name is only
 * checked: Linux shows it in /proc, which M-OS does not have.  No lock
 * of its own: ramfs and the descriptor table lock what they change.
 */
#include "fs/memfd.h"
#include "fs/file.h"
#include "fs/ramfs.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define MEMFD_MODE (S_IFREG | 0777)	/* as Linux's memfd inodes */

static fs_t *memfd_fs;

void memfd_init(void)
{
	int rc = ramfs_mount(NULL, &memfd_fs);
	KASSERT(rc == 0, "no memory for the memfd file system (%d)", rc);
}

int memfd_create(const char *name, uint32_t flags)
{
	if (flags & ~MFD_CLOEXEC)
		return -EINVAL;
	if (strlen(name) > MFD_NAME_MAX)
		return -EINVAL;
	vnode_t *vn;
	int rc = ramfs_create_unnamed(memfd_fs, MEMFD_MODE, &vn);
	if (rc < 0)
		return rc;
	file_t *f = file_open_vnode(vn, O_RDWR | O_LARGEFILE, &rc);
	if (!f)
		return rc;
	int fd = fd_install(curproc->files, f, 0, flags & MFD_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}
