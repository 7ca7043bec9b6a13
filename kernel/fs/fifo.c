/*
 * Named FIFOs: a FIFO node made by mknod(S_IFIFO) on a file system
 * (S5FS, ramfs) holds no data; while it is open it borrows a pipe of
 * pipefs (fs/pipe.h), one per FIFO vnode, which every open file on the
 * node shares.  The pipe is made by the first open and destroyed by the
 * last close, so the name outlives the data, as on Linux.  The open
 * files keep the FIFO's own vnode (fstat shows its inode); reads, writes
 * and the open and release of the ends go to the pipe, whose
 * pipe_open_fifo waits for the other end as POSIX says.
 *
 * Locks: fifo_lock protects every FIFO vnode's vn_fifo_pipe and
 * vn_fifo_opens (the open files and the openers still waiting); it is
 * a spinlock held for a few instructions, never across the pipe's own
 * lock or a sleep.  While a file is open on the FIFO, its pipe stays.
 */
#include "fs/file.h"
#include "fs/pipe.h"
#include "fs/vnode.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/spinlock.h"

static spinlock_t fifo_lock = SPINLOCK_INIT("FIFO pipes");

bool fifo_is_named(const vnode_t *vn)
{
	return S_ISFIFO(vn->vn_mode) && !pipe_is_pipe(vn);
}

/* vn's pipe, made if it has none, counted as one more opener. */
static int fifo_attach(vnode_t *vn, vnode_t **out)
{
	vnode_t *fresh = NULL;
	spin_lock(&fifo_lock);
	while (!vn->vn_fifo_pipe) {
		spin_unlock(&fifo_lock);
		int rc = pipe_create(&fresh);	/* may sleep: not under the lock */
		if (rc < 0)
			return rc;
		spin_lock(&fifo_lock);
		if (!vn->vn_fifo_pipe) {
			vn->vn_fifo_pipe = fresh;
			fresh = NULL;
		}
	}
	vn->vn_fifo_opens++;
	*out = vn->vn_fifo_pipe;
	spin_unlock(&fifo_lock);
	if (fresh)
		vput(fresh);	/* another opener made one first */
	return 0;
}

/* One opener fewer; the last one destroys the pipe and its data. */
static void fifo_detach(vnode_t *vn)
{
	vnode_t *gone = NULL;
	spin_lock(&fifo_lock);
	KASSERT(vn->vn_fifo_opens > 0, "FIFO vnode %p detached with no openers", vn);
	if (--vn->vn_fifo_opens == 0) {
		gone = vn->vn_fifo_pipe;
		vn->vn_fifo_pipe = NULL;
	}
	spin_unlock(&fifo_lock);
	if (gone)
		vput(gone);
}

int fifo_open(vnode_t *vn, uint32_t oflags)
{
	vnode_t *pipe;
	int rc = fifo_attach(vn, &pipe);
	if (rc < 0)
		return rc;
	rc = pipe_open_fifo(pipe, oflags);
	if (rc < 0)
		fifo_detach(vn);
	return rc;
}

void fifo_release(vnode_t *vn, uint32_t oflags)
{
	vnode_t *pipe = vn->vn_fifo_pipe;
	pipe->vn_ops->release(pipe, oflags);
	fifo_detach(vn);
}

/* Reads and writes come through open files, which keep the pipe; a
 * kernel caller that never opened the FIFO gets -EINVAL. */
ssize_t fifo_read(vnode_t *vn, void *buf, size_t n, uint32_t ioflags)
{
	off64_t unused = 0;
	if (!vn->vn_fifo_pipe)
		return -EINVAL;
	return vnode_read(vn->vn_fifo_pipe, &unused, buf, n, ioflags);
}

ssize_t fifo_write(vnode_t *vn, const void *buf, size_t n, uint32_t ioflags)
{
	off64_t unused = 0;
	if (!vn->vn_fifo_pipe)
		return -EINVAL;
	return vnode_write(vn->vn_fifo_pipe, &unused, buf, n, ioflags);
}
