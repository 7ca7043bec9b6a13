/*
 * eventfd: a counter with blocking reads and writes (fs/eventfd.h has the
 * rules, which are Linux's).
 *
 * Each eventfd is an anonymous file (fs/anonfs.h) whose vnode points at an
 * eventfd_t.  `lock` (a kmutex) protects the counter; every change of it
 * is broadcast on `changed`, where blocked readers and writers wait and
 * where poll and epoll register, so one queue announces both directions.
 * The object is freed by the release op at the file's last close.
 */
#include "fs/eventfd.h"
#include "fs/anonfs.h"
#include "fs/stat.h"
#include "mm/kmalloc.h"
#include "proc/kcond.h"
#include "proc/pollwait.h"
#include "util/errno.h"
#include "util/string.h"

#define EVENTFD_FLAGS (EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)

typedef struct eventfd {
	kmutex_t lock;
	kcond_t changed;	/* the counter moved */
	uint64_t count;		/* under lock, <= EVENTFD_COUNTER_MAX */
	bool semaphore;		/* EFD_SEMAPHORE */
} eventfd_t;

/* Waits on changed (lock held) unless O_NONBLOCK: 0, -EAGAIN or -EINTR. */
static int wait_change(eventfd_t *e, uint32_t ioflags)
{
	if (ioflags & O_NONBLOCK)
		return -EAGAIN;
	return kcond_wait_cancellable(&e->changed, &e->lock);
}

static ssize_t eventfd_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	eventfd_t *e = vn->vn_i;
	if (n < sizeof(uint64_t))
		return -EINVAL;
	kmutex_lock(&e->lock);
	int rc = 0;
	while (rc == 0 && e->count == 0)
		rc = wait_change(e, ioflags);
	if (rc < 0) {
		kmutex_unlock(&e->lock);
		return rc;
	}
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	kcond_broadcast(&e->changed);
	kmutex_unlock(&e->lock);
	memcpy(buf, &v, sizeof(v));
	return sizeof(v);
}

static ssize_t eventfd_write(vnode_t *vn, off64_t *pos, const void *buf, size_t n,
			     uint32_t ioflags)
{
	eventfd_t *e = vn->vn_i;
	uint64_t v;
	if (n < sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v > EVENTFD_COUNTER_MAX)
		return -EINVAL;
	kmutex_lock(&e->lock);
	int rc = 0;
	while (rc == 0 && EVENTFD_COUNTER_MAX - e->count < v)
		rc = wait_change(e, ioflags);
	if (rc == 0) {	/* a write of 0 wakes too, as Linux's */
		e->count += v;
		kcond_broadcast(&e->changed);
	}
	kmutex_unlock(&e->lock);
	return rc < 0 ? rc : (ssize_t)sizeof(v);
}

static uint32_t eventfd_poll(vnode_t *vn, uint32_t fmode, poll_table_t *pt)
{
	eventfd_t *e = vn->vn_i;
	uint32_t ev = 0;
	kmutex_lock(&e->lock);
	poll_wait(pt, &e->changed.waiters);
	if (e->count > 0)
		ev |= POLLIN | POLLRDNORM;
	if (e->count < EVENTFD_COUNTER_MAX)
		ev |= POLLOUT | POLLWRNORM;
	kmutex_unlock(&e->lock);
	return ev;
}

static void eventfd_release(vnode_t *vn, uint32_t oflags)
{
	kfree(vn->vn_i);
	vn->vn_i = NULL;
}

static const vnode_ops_t eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.release = eventfd_release,
	.poll = eventfd_poll,
};

int eventfd_create(uint32_t initval, uint32_t flags)
{
	if (flags & ~EVENTFD_FLAGS)
		return -EINVAL;
	vnode_t *vn = anonfs_vnode_create(&eventfd_ops);
	eventfd_t *e = kzalloc(sizeof(*e));
	if (!vn || !e) {
		kfree(e);
		if (vn)
			vput(vn);
		return -ENOMEM;
	}
	kmutex_init(&e->lock, "eventfd");
	kcond_init(&e->changed, "eventfd counter");
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	vn->vn_i = e;
	return anonfs_fd_install(vn, O_RDWR | (flags & EFD_NONBLOCK), flags & EFD_CLOEXEC, NULL);
}
