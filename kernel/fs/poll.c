/*
 * poll and select over open files: each file's poll operation (vnode_ops
 * .poll, or for a device file its chardev's) says which events hold and
 * registers the caller's poll table on the wait queue(s) that announce a
 * change (proc/pollwait.h).  Files with no such operation (regular files,
 * directories, null, zero) are always readable and writable.
 *
 * The table is registered during the first scan only; later scans, after
 * a wakeup, just look.  The table holds two entries per descriptor (a
 * pipe opened for reading and writing watches both of its conditions);
 * should an object want more, the table overflows and the sleep becomes a
 * one-tick poll, slower but still correct.  No lock is held across the
 * scan: each operation takes its object's own.
 */
#include "fs/poll.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "fs/vnode.h"
#include "drivers/pit.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "util/errno.h"

#define POLL_ENTRIES_PER_FD 2
#define ALWAYS_READY (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM)

/* The vnode whose poll operation speaks for f. */
static vnode_t *poll_vnode(file_t *f)
{
	vnode_t *vn = f->f_vnode;
	if (S_ISFIFO(vn->vn_mode) && vn->vn_fifo_pipe)
		vn = vn->vn_fifo_pipe;	/* a named FIFO: its pipe, kept while open */
	return vn;
}

uint32_t poll_file(file_t *f, poll_table_t *pt)
{
	vnode_t *vn = poll_vnode(f);
	if (vn->vn_ops && vn->vn_ops->poll)
		return vn->vn_ops->poll(vn, f->f_mode, pt);
	if (S_ISCHR(vn->vn_mode))
		return special_poll(vn, f->f_mode, pt);
	return ALWAYS_READY;
}

bool poll_file_can_poll(file_t *f)
{
	vnode_t *vn = poll_vnode(f);
	if (vn->vn_ops && vn->vn_ops->poll)
		return true;
	return S_ISCHR(vn->vn_mode) && special_can_poll(vn);
}

/* One pass over fds: the count of descriptors with events, or -EBADF. */
static long scan(kpollfd_t *fds, size_t n, bool select, poll_table_t *pt)
{
	long ready = 0;
	for (size_t i = 0; i < n; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		file_t *f = fd_get(curproc->files, fds[i].fd);
		if (!f) {
			if (select)
				return -EBADF;
			fds[i].revents = POLLNVAL;
			ready++;
			continue;
		}
		uint32_t want = (uint16_t)fds[i].events | (select ? 0 : POLLERR | POLLHUP);
		fds[i].revents = (int16_t)(poll_file(f, pt) & want);
		fput(f);
		if (fds[i].revents)
			ready++;
	}
	return ready;
}

long poll_files(kpollfd_t *fds, size_t n, bool select, bool forever, uint64_t deadline)
{
	if (!forever && ticks_now() >= deadline)
		return scan(fds, n, select, NULL);	/* no waiting: nothing to register */
	size_t cap = n * POLL_ENTRIES_PER_FD;
	poll_entry_t *entries = NULL;
	if (cap && !(entries = kmalloc(cap * sizeof(*entries))))
		return -ENOMEM;
	poll_table_t pt;
	poll_table_init(&pt, entries, cap);
	poll_table_t *reg = &pt;
	long rc;
	for (;;) {
		poll_table_rearm(&pt);
		rc = scan(fds, n, select, reg);
		reg = NULL;
		if (rc != 0 || (!forever && ticks_now() >= deadline))
			break;
		if (poll_table_sleep(&pt, forever ? 0 : deadline) == -EINTR) {
			rc = -EINTR;
			break;
		}
	}
	poll_table_release(&pt);
	kfree(entries);
	return rc;
}
