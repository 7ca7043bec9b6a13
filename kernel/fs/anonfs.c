/*
 * Anonymous files (fs/anonfs.h): vnodes of anonfs, a file system that is
 * never mounted, for objects that live only as long as their open file
 * (epoll instances, eventfds).
 *
 * anonfs has no operations of its own: a vnode carries its object's ops
 * and vn_i, nothing is cached once unreferenced, and the object is freed
 * by the ops' release at the file's last close (one open file per vnode,
 * so that is also the end of the object).  anon_ino_lock protects the
 * inode counter; the rest is the VFS's.
 */
#include "fs/anonfs.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "proc/proc.h"
#include "util/errno.h"

#define ANON_MODE 0600		/* owner read and write, no file type (Linux's) */

static fs_t anonfs;
static const fs_ops_t anonfs_ops;
static spinlock_t anon_ino_lock = SPINLOCK_INIT("anonfs inode numbers");
static ino_t next_ino = 1;

void anonfs_init(void)
{
	fs_init_common(&anonfs, "anon_inodefs", "anon_inode", vfs_anon_dev(), &anonfs_ops);
}

vnode_t *anonfs_vnode_create(const vnode_ops_t *ops)
{
	spin_lock(&anon_ino_lock);
	ino_t ino = next_ino++;
	spin_unlock(&anon_ino_lock);
	vnode_t *vn = vnode_create(&anonfs, ino);
	if (vn) {
		vn->vn_mode = ANON_MODE;
		vn->vn_ops = ops;
	}
	return vn;
}

int anonfs_fd_install(vnode_t *vn, uint32_t oflags, bool cloexec, file_t **filep)
{
	vref(vn);	/* ours, so vn_i can still be released if the open fails */
	int rc;
	file_t *f = file_open_vnode(vn, oflags, &rc);
	if (!f) {
		vn->vn_ops->release(vn, oflags);
		vput(vn);
		return rc;
	}
	vput(vn);
	if (filep)
		*filep = f;
	int fd = fd_install(curproc->files, f, 0, cloexec);
	if (fd < 0)
		fput(f);	/* the release op frees vn_i */
	return fd;
}

void *anonfs_file_priv(file_t *f, const vnode_ops_t *ops)
{
	vnode_t *vn = f->f_vnode;
	return vn->vn_fs == &anonfs && vn->vn_ops == ops ? vn->vn_i : NULL;
}
