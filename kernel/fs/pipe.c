/*
 * Pipes: a ring buffer between the two ends (fs/pipe.h has the rules).
 *
 * Each pipe is a vnode of pipefs, a file system that is never mounted and
 * exists only to give pipes inode numbers, a device number and the vnode
 * life cycle: the vnode is destroyed (and the pipe freed) when the last
 * open file on either end is gone.  The open and release ops count the
 * ends by access mode: readers and writers.  A named FIFO (fs/fifo.c)
 * borrows a pipe while it is open and opens its ends with pipe_open_fifo,
 * which waits for the other end as POSIX says; `reader_opens` and
 * `writer_opens` count opens ever made, so a waiter sees an end that
 * opened and closed again before it woke.
 *
 * Locks: each pipe's `lock` (a kmutex) protects its ring and counts;
 * readers wait on `readable` (data, or no writer left), writers on
 * `writable` (space, or no reader left).  A write of at most PIPE_BUF
 * bytes copies everything in one go under the lock, which is what makes
 * it atomic.
 */
#include "fs/pipe.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/pframe.h"
#include "proc/kcond.h"
#include "proc/pollwait.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define PIPE_PERMS 0600		/* owner read and write, as Linux shows them */
#define PIPE_MODE (S_IFIFO | PIPE_PERMS)

typedef struct pipe {
	kmutex_t lock;
	kcond_t readable, writable;
	uint8_t *buf;		/* PIPE_CAPACITY bytes */
	size_t head;		/* index of the oldest byte */
	size_t count;		/* bytes in the ring */
	int readers, writers;	/* open ends */
	uint32_t reader_opens, writer_opens;	/* ends ever opened (FIFO open waits) */
	uint32_t ctime;
} pipe_t;

static fs_t pipefs;
static spinlock_t pipe_ino_lock = SPINLOCK_INIT("pipefs inode numbers");
static ino_t next_ino = 1;

static const vnode_ops_t pipe_vnode_ops;
static const mmobj_ops_t pipe_mmobj_ops;

static void pipefs_delete_vnode(fs_t *fs, vnode_t *vn)
{
	pipe_t *p = vn->vn_i;
	kfree(p->buf);
	kfree(p);
}

static const fs_ops_t pipefs_ops = {
	.delete_vnode = pipefs_delete_vnode,
};

bool pipe_is_pipe(const vnode_t *vn)
{
	return vn->vn_fs == &pipefs;
}

void pipe_init(void)
{
	fs_init_common(&pipefs, "pipefs", "pipe", vfs_anon_dev(), &pipefs_ops);
}

int pipe_create(vnode_t **out)
{
	pipe_t *p = kzalloc(sizeof(*p));
	uint8_t *buf = kmalloc(PIPE_CAPACITY);
	if (!p || !buf) {
		kfree(p);
		kfree(buf);
		return -ENOMEM;
	}
	spin_lock(&pipe_ino_lock);
	ino_t ino = next_ino++;
	spin_unlock(&pipe_ino_lock);
	vnode_t *vn = vnode_create(&pipefs, ino);
	if (!vn) {
		kfree(p);
		kfree(buf);
		return -ENOMEM;
	}
	kmutex_init(&p->lock, "pipe");
	kcond_init(&p->readable, "pipe readable");
	kcond_init(&p->writable, "pipe writable");
	p->buf = buf;
	p->ctime = vfs_time_now();
	vn->vn_mode = PIPE_MODE;
	vn->vn_ops = &pipe_vnode_ops;
	vn->vn_mmobj.mo_ops = &pipe_mmobj_ops;
	vn->vn_i = p;
	*out = vn;
	return 0;
}

/* Counts the ends an open with oflags makes: p->lock held. */
static void count_open(pipe_t *p, uint32_t oflags)
{
	uint32_t acc = oflags & O_ACCMODE;
	if (acc == O_RDONLY || acc == O_RDWR) {
		p->readers++;
		p->reader_opens++;
	}
	if (acc == O_WRONLY || acc == O_RDWR) {
		p->writers++;
		p->writer_opens++;
	}
	kcond_broadcast(&p->readable);
	kcond_broadcast(&p->writable);
}

/* Takes back the ends an open with oflags made: p->lock held. */
static void count_release(pipe_t *p, uint32_t oflags)
{
	uint32_t acc = oflags & O_ACCMODE;
	if (acc == O_RDONLY || acc == O_RDWR)
		p->readers--;
	if (acc == O_WRONLY || acc == O_RDWR)
		p->writers--;
	kcond_broadcast(&p->readable);
	kcond_broadcast(&p->writable);
}

static int pipe_open(vnode_t *vn, uint32_t oflags)
{
	pipe_t *p = vn->vn_i;
	kmutex_lock(&p->lock);
	count_open(p, oflags);
	kmutex_unlock(&p->lock);
	return 0;
}

int pipe_open_fifo(vnode_t *vn, uint32_t oflags)
{
	pipe_t *p = vn->vn_i;
	uint32_t acc = oflags & O_ACCMODE;
	bool nonblock = oflags & O_NONBLOCK;
	int rc = 0;
	kmutex_lock(&p->lock);
	if (acc == O_WRONLY && nonblock && p->readers == 0) {
		kmutex_unlock(&p->lock);
		return -ENXIO;
	}
	count_open(p, oflags);
	uint32_t seen_readers = p->reader_opens, seen_writers = p->writer_opens;
	if (acc == O_RDONLY && !nonblock) {
		while (rc == 0 && p->writers == 0 && p->writer_opens == seen_writers)
			rc = kcond_wait_cancellable(&p->readable, &p->lock);
	} else if (acc == O_WRONLY) {
		while (rc == 0 && p->readers == 0 && p->reader_opens == seen_readers)
			rc = kcond_wait_cancellable(&p->writable, &p->lock);
	}
	if (rc < 0)
		count_release(p, oflags);
	kmutex_unlock(&p->lock);
	return rc;
}

static void pipe_release(vnode_t *vn, uint32_t oflags)
{
	pipe_t *p = vn->vn_i;
	kmutex_lock(&p->lock);
	count_release(p, oflags);
	kmutex_unlock(&p->lock);
}

static ssize_t pipe_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	pipe_t *p = vn->vn_i;
	if (n == 0)
		return 0;
	kmutex_lock(&p->lock);
	while (p->count == 0) {
		if (p->writers == 0 || (ioflags & O_NONBLOCK)) {
			kmutex_unlock(&p->lock);
			return p->writers == 0 ? 0 : -EAGAIN;
		}
		if (kcond_wait_cancellable(&p->readable, &p->lock) < 0) {
			kmutex_unlock(&p->lock);
			return -EINTR;
		}
	}
	size_t got = MIN(n, p->count);
	for (size_t done = 0; done < got;) {
		size_t chunk = MIN(got - done, PIPE_CAPACITY - p->head);
		memcpy((uint8_t *)buf + done, p->buf + p->head, chunk);
		p->head = (p->head + chunk) % PIPE_CAPACITY;
		done += chunk;
	}
	p->count -= got;
	kcond_broadcast(&p->writable);
	kmutex_unlock(&p->lock);
	return (ssize_t)got;
}

/* Appends n bytes to the ring (they fit). */
static void ring_put(pipe_t *p, const uint8_t *src, size_t n)
{
	for (size_t done = 0; done < n;) {
		size_t tail = (p->head + p->count) % PIPE_CAPACITY;
		size_t chunk = MIN(n - done, PIPE_CAPACITY - tail);
		memcpy(p->buf + tail, src + done, chunk);
		p->count += chunk;
		done += chunk;
	}
}

static ssize_t pipe_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n,
			  uint32_t ioflags)
{
	pipe_t *p = vn->vn_i;
	size_t done = 0;
	ssize_t err = 0;
	if (n == 0)
		return 0;
	kmutex_lock(&p->lock);
	while (done < n) {
		if (p->readers == 0) {
			err = -EPIPE;
			break;
		}
		size_t space = PIPE_CAPACITY - p->count;
		size_t need = n <= PIPE_BUF ? n : 1;	/* small writes go in whole */
		if (space < need) {
			if (ioflags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			if (kcond_wait_cancellable(&p->writable, &p->lock) < 0) {
				err = -EINTR;
				break;
			}
			continue;
		}
		size_t chunk = MIN(space, n - done);
		ring_put(p, (const uint8_t *)buf + done, chunk);
		done += chunk;
		kcond_broadcast(&p->readable);
	}
	kmutex_unlock(&p->lock);
	return done ? (ssize_t)done : err;
}

static int pipe_stat(vnode_t *vn, struct stat64 *st)
{
	pipe_t *p = vn->vn_i;
	st->st_nlink = 1;
	st->st_atime = st->st_mtime = st->st_ctime = p->ctime;
	return 0;
}

/* A reader's end is readable with data or once no writer is left
 * (POLLHUP); a writer's end writable with PIPE_BUF bytes free, in error
 * once no reader is left.  Changes are broadcast on the two conditions. */
static uint32_t pipe_poll(vnode_t *vn, uint32_t fmode, poll_table_t *pt)
{
	pipe_t *p = vn->vn_i;
	uint32_t ev = 0;
	kmutex_lock(&p->lock);
	if (fmode & FMODE_READ) {
		poll_wait(pt, &p->readable.waiters);
		if (p->count > 0)
			ev |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			ev |= POLLHUP;
	}
	if (fmode & FMODE_WRITE) {
		poll_wait(pt, &p->writable.waiters);
		if (PIPE_CAPACITY - p->count >= PIPE_BUF)
			ev |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			ev |= POLLERR;
	}
	kmutex_unlock(&p->lock);
	return ev;
}

static const vnode_ops_t pipe_vnode_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.open = pipe_open,
	.release = pipe_release,
	.stat = pipe_stat,
	.poll = pipe_poll,
};

static int pipe_no_pages(mmobj_t *o, pframe_t *pf)
{
	return -EINVAL;		/* a pipe cannot be mapped */
}

static const mmobj_ops_t pipe_mmobj_ops = {
	.ref = vnode_mmobj_ref,
	.put = vnode_mmobj_put,
	.fill_page = pipe_no_pages,
};
