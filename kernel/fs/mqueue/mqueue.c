/*
 * POSIX message queues and the mqueue file system (fs/mqueue.h).
 *
 * There is one instance of the file system, made at boot: a root
 * directory whose entries are the queues.  Each queue is a vnode (a
 * regular file) with an mqueue_t in vn_i; the root's entry holds one
 * reference, and every open file (queue descriptor) another, so a queue
 * lives until it is unlinked and its last descriptor is closed
 * (delete_vnode then frees its messages and gives its bytes back).
 * Mounting the type "mqueue" only shows that instance somewhere (one
 * place at a time); the queues do not depend on it.
 *
 * A queue keeps its messages on one list, highest priority first and in
 * arrival order within a priority: a send walks back from the tail to the
 * last message of at least its priority, so the usual equal-priority case
 * is O(1), and a receive takes the head.  Messages are kmalloc'd at send,
 * but a queue reserves its whole size (maxmsg slots of msgsize bytes)
 * against MQ_BYTES_MAX when it is created, as Linux charges
 * RLIMIT_MSGQUEUE, so queues cannot take more than that between them.
 *
 * A notification signal carries Linux's siginfo: si_code SI_MESGQ, the
 * registration's sigev_value, and the sending process's pid and uid.
 *
 * Reading a queue's file gives Linux's status line (QSIZE, NOTIFY,
 * SIGNO, NOTIFY_PID); unlinking it is mq_unlink.
 *
 * Locks (order: the root's vn_mutex -> a queue's lock -> mq_count_lock,
 * proc_lock):
 * - the root's vn_mutex protects the entry list and its cookies (the VFS
 *   holds it around lookup, mknod and unlink; mq_open and mq_unlink take
 *   it themselves);
 * - a queue's `lock` (kmutex) protects its messages, counts and
 *   notification; senders wait on can_send, receivers on can_recv;
 * - mq_count_lock (spinlock) protects the byte and queue totals and the
 *   inode counter;
 * - mq_mounted is under the VFS's mount_mutex (mount and unmount run
 *   with it held).
 */
#include "fs/mqueue.h"
#include "fs/file.h"
#include "fs/perm.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "mm/kmalloc.h"
#include "mm/pframe.h"
#include "proc/kcond.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define MQ_ROOT_INO 1
#define MQ_ROOT_MODE (S_IFDIR | 01777)	/* as Linux's /dev/mqueue */
#define MQ_FIRST_COOKIE 2		/* readdir: after "." and ".." */
#define MQ_STATUS_SIZE 80		/* st_size of a queue file (Linux's FILENT_SIZE) */
#define MQ_PERMS_MASK 0777
#define NS_PER_TICK (NSEC_PER_SEC / HZ)

typedef struct mq_msg {
	list_t link;		/* on the queue's list */
	uint32_t prio;
	size_t len;
	uint8_t data[];
} mq_msg_t;

typedef struct mqueue {
	kmutex_t lock;		/* everything below */
	kcond_t can_send, can_recv;
	long maxmsg, msgsize;
	long curmsgs;
	size_t qsize;		/* bytes of the messages queued */
	list_t msgs;		/* mq_msg_t, highest priority first, FIFO within one */
	int receivers;		/* receivers waiting */
	size_t charge;		/* bytes reserved against MQ_BYTES_MAX */
	int notify_pid;		/* registered process, 0 for none */
	int notify_kind;	/* SIGEV_SIGNAL or SIGEV_NONE */
	int notify_signo;
	uint32_t notify_value;	/* sigev_value, for si_value */
	uint32_t atime, mtime, ctime;
} mqueue_t;

typedef struct mq_dirent {
	list_t link;		/* on mq_entries, by cookie */
	vnode_t *vn;		/* referenced */
	off64_t cookie;
	size_t len;
	char name[];		/* NUL-terminated */
} mq_dirent_t;

static fs_t mqfs;
static vnode_t *mq_root;
static list_t mq_entries = LIST_INIT(mq_entries);	/* under mq_root->vn_mutex */
static off64_t mq_next_cookie = MQ_FIRST_COOKIE;	/* under mq_root->vn_mutex */
static bool mq_mounted;				/* under the VFS's mount_mutex */
static spinlock_t mq_count_lock = SPINLOCK_INIT("mqueue totals and inode numbers");
static size_t mq_bytes;			/* reserved by all queues */
static int mq_nqueues;
static ino_t mq_next_ino = MQ_ROOT_INO + 1;

static const vnode_ops_t mq_root_ops;
static const vnode_ops_t mq_queue_ops;
static const mmobj_ops_t mq_mmobj_ops;

static inline mqueue_t *MQ(vnode_t *vn) { return vn->vn_i; }

/* ---- names and entries ------------------------------------------------ */

/* Linux's rules for a queue name (after glibc removed the leading '/'). */
static int check_name(const char *name, size_t len)
{
	if (len == 0)
		return -ENOENT;	/* as getname() says of "" */
	if ((name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return -EACCES;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/')
			return -EACCES;
	return len > NAME_MAX ? -ENAMETOOLONG : 0;
}

static mq_dirent_t *find_entry(const char *name, size_t len)
{
	list_t *l;
	list_for_each(l, &mq_entries) {
		mq_dirent_t *e = list_entry(l, mq_dirent_t, link);
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

/* Names vn (the entry takes the caller's reference). */
static int add_entry(const char *name, size_t len, vnode_t *vn)
{
	mq_dirent_t *e = kmalloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	e->vn = vn;
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->cookie = mq_next_cookie++;
	list_insert_tail(&mq_entries, &e->link);
	return 0;
}

/* Removes e; returns the vnode whose reference it held. */
static vnode_t *remove_entry(mq_dirent_t *e)
{
	vnode_t *vn = e->vn;
	list_remove(&e->link);
	kfree(e);
	return vn;
}

/* ---- queues ----------------------------------------------------------- */

static int check_attr(const mq_attr_abi_t *a)
{
	if (a->mq_maxmsg <= 0 || a->mq_msgsize <= 0)
		return -EINVAL;
	if (a->mq_maxmsg > MQ_MAXMSG_HARD || a->mq_msgsize > MQ_MSGSIZE_HARD)
		return -EINVAL;
	return 0;
}

/* What a queue reserves: its slots, their data and bookkeeping. */
static uint64_t queue_charge(long maxmsg, long msgsize)
{
	return (uint64_t)maxmsg * ((uint64_t)msgsize + sizeof(mq_msg_t));
}

/* A new queue (referenced once), with attr's sizes or the defaults. */
static int queue_create(mode_t mode, const mq_attr_abi_t *attr, vnode_t **out)
{
	long maxmsg = attr ? attr->mq_maxmsg : MQ_MAXMSG_DEFAULT;
	long msgsize = attr ? attr->mq_msgsize : MQ_MSGSIZE_DEFAULT;
	uint64_t charge = queue_charge(maxmsg, msgsize);
	mqueue_t *q = kzalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	spin_lock(&mq_count_lock);
	int rc = mq_nqueues >= MQ_QUEUES_MAX ? -ENOSPC
		 : charge > MQ_BYTES_MAX - mq_bytes ? -EMFILE : 0;
	ino_t ino = mq_next_ino++;
	if (rc == 0) {
		mq_nqueues++;
		mq_bytes += (size_t)charge;
	}
	spin_unlock(&mq_count_lock);
	if (rc < 0) {
		kfree(q);
		return rc;
	}
	vnode_t *vn = vnode_create(&mqfs, ino);
	if (!vn) {
		spin_lock(&mq_count_lock);
		mq_nqueues--;
		mq_bytes -= (size_t)charge;
		spin_unlock(&mq_count_lock);
		kfree(q);
		return -ENOMEM;
	}
	kmutex_init(&q->lock, "mqueue");
	kcond_init(&q->can_send, "mqueue not full");
	kcond_init(&q->can_recv, "mqueue not empty");
	list_init(&q->msgs);
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	q->charge = (size_t)charge;
	q->atime = q->mtime = q->ctime = vfs_time_now();
	mode = S_IFREG | (mode & MQ_PERMS_MASK & ~curproc->umask);
	perm_new_owner(NULL, false, &mode, &vn->vn_uid, &vn->vn_gid);
	vn->vn_mode = mode;
	vn->vn_ops = &mq_queue_ops;
	vn->vn_mmobj.mo_ops = &mq_mmobj_ops;
	vn->vn_i = q;
	*out = vn;
	return 0;
}

static void mqfs_delete_vnode(fs_t *fs, vnode_t *vn)
{
	KASSERT(vn != mq_root, "the mqueue root is never freed");
	mqueue_t *q = MQ(vn);
	list_t *l;
	while ((l = list_pop_head(&q->msgs)))
		kfree(list_entry(l, mq_msg_t, link));
	spin_lock(&mq_count_lock);
	mq_nqueues--;
	mq_bytes -= q->charge;
	spin_unlock(&mq_count_lock);
	kfree(q);
}

/* Puts m after the last message of at least its priority. */
static void queue_insert(mqueue_t *q, mq_msg_t *m)
{
	list_t *pos = q->msgs.prev;
	while (pos != &q->msgs && list_entry(pos, mq_msg_t, link)->prio < m->prio)
		pos = pos->prev;
	list_insert_head(pos, &m->link);	/* i.e. after pos */
	q->curmsgs++;
	q->qsize += m->len;
}

/* The open queue at descriptor mqd (the file referenced): -EBADF if it
 * is not one or lacks the access fmode asks for. */
static int queue_file(int mqd, uint32_t fmode, file_t **out)
{
	file_t *f = fd_get(curproc->files, mqd);
	if (!f)
		return -EBADF;
	vnode_t *vn = f->f_vnode;
	if (vn->vn_fs != &mqfs || vn == mq_root || (f->f_mode & fmode) != fmode) {
		fput(f);
		return -EBADF;
	}
	*out = f;
	return 0;
}

/* One wait on c with q->lock held, bounded by the absolute REALTIME
 * deadline (NULL: none): -ETIMEDOUT once it has passed, -EINTR, or 0
 * (the caller checks its condition again). */
static int queue_wait(mqueue_t *q, kcond_t *c, const int64_t *deadline)
{
	if (!deadline)
		return kcond_wait_cancellable(c, &q->lock);
	int64_t left = *deadline - clock_realtime_ns();
	if (left <= 0)
		return -ETIMEDOUT;
	uint64_t wake = ticks_now() + (uint64_t)(left / NS_PER_TICK) + 1;
	int rc = kcond_wait_until(c, &q->lock, wake);
	return rc == -ETIMEDOUT ? 0 : rc;	/* the clock decides, above */
}

/* Whether the process that registered for notification is still there:
 * Linux ends a registration at any close by its owner, M-OS at the last
 * close of the queue's open file (mq_release), so a registration can
 * outlive its process while a forked child keeps the queue open; it is
 * void then.  q->lock held (-> proc_lock). */
static bool owner_alive(int pid)
{
	spin_lock(&proc_lock);
	proc_t *p = proc_lookup_locked(pid);
	bool alive = p && p->state == PROC_RUNNING && !p->exiting;
	spin_unlock(&proc_lock);
	return alive;
}

/* ---- the system calls ------------------------------------------------- */

int mqueue_open(const char *name, uint32_t oflag, mode_t mode, const mq_attr_abi_t *attr)
{
	size_t len = strlen(name);
	int rc = check_name(name, len);
	if (rc < 0)
		return rc;
	vnode_t *vn;
	kmutex_lock(&mq_root->vn_mutex);
	mq_dirent_t *e = find_entry(name, len);
	if (e) {
		/* Linux refuses the access mode 3 only when opening an
		 * existing queue (a new one gets a descriptor for neither). */
		rc = (oflag & O_CREAT) && (oflag & O_EXCL) ? -EEXIST
		     : (oflag & O_ACCMODE) == O_ACCMODE ? -EINVAL
		     : perm_check(e->vn, perm_open_mask(oflag));
		vn = e->vn;
		if (rc == 0)
			vref(vn);
	} else if (!(oflag & O_CREAT)) {
		rc = -ENOENT;
	} else {
		rc = attr ? check_attr(attr) : 0;
		if (rc == 0)
			rc = queue_create(mode, attr, &vn);
		if (rc == 0 && (rc = add_entry(name, len, vn)) < 0)
			vput(vn);
		else if (rc == 0)
			vref(vn);	/* the entry has one, the file gets this */
	}
	kmutex_unlock(&mq_root->vn_mutex);
	if (rc < 0)
		return rc;
	file_t *f = file_open_vnode(vn, oflag & (O_ACCMODE | O_NONBLOCK), &rc);
	if (!f)
		return rc;
	int fd = fd_install(curproc->files, f, 0, true);
	if (fd < 0)
		fput(f);
	return fd;
}

int mqueue_unlink(const char *name)
{
	size_t len = strlen(name);
	int rc = check_name(name, len);
	if (rc < 0)
		return rc;
	vnode_t *vn = NULL;
	kmutex_lock(&mq_root->vn_mutex);
	mq_dirent_t *e = find_entry(name, len);
	if (e)
		vn = remove_entry(e);
	kmutex_unlock(&mq_root->vn_mutex);
	if (!vn)
		return -ENOENT;
	vput(vn);
	return 0;
}

/* The registered process's signal, with what Linux's siginfo tells. */
static void notify(int pid, int sig, uint32_t value)
{
	ksiginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_code = SI_MESGQ;
	cred_t cred;
	cred_get(curproc, &cred);
	info.si_fields[0] = (uint32_t)curproc->pid;	/* si_pid */
	info.si_fields[1] = cred.uid.real;		/* si_uid */
	info.si_fields[2] = value;			/* si_value */
	signal_queue_info_kernel(pid, 0, sig, &info);
}

long mqueue_send(int mqd, const void *msg, size_t len, uint32_t prio, const int64_t *timeout,
		 mq_copy_fn copy)
{
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	file_t *f;
	int rc = queue_file(mqd, FMODE_WRITE, &f);
	if (rc < 0)
		return rc;
	mqueue_t *q = MQ(f->f_vnode);
	mq_msg_t *m = NULL;
	int notify_pid = 0, notify_sig = 0;
	uint32_t notify_value = 0;
	if (len > (size_t)q->msgsize) {
		rc = -EMSGSIZE;
		goto out_put;
	}
	if (!(m = kmalloc(sizeof(*m) + len))) {
		rc = -ENOMEM;
		goto out_put;
	}
	m->prio = prio;
	m->len = len;
	if ((rc = copy(m->data, msg, len)) < 0)
		goto out_put;
	kmutex_lock(&q->lock);
	while (q->curmsgs >= q->maxmsg) {
		if (f->f_flags & O_NONBLOCK)
			rc = -EAGAIN;
		else
			rc = queue_wait(q, &q->can_send, timeout);
		if (rc < 0)
			goto out_unlock;
	}
	queue_insert(q, m);
	m = NULL;
	q->mtime = q->ctime = vfs_time_now();
	if (q->receivers > 0) {
		kcond_broadcast(&q->can_recv);
	} else if (q->curmsgs == 1 && q->notify_pid && owner_alive(q->notify_pid)) {
		notify_pid = q->notify_pid;	/* a registration is used once */
		notify_sig = q->notify_kind == SIGEV_SIGNAL ? q->notify_signo : 0;
		notify_value = q->notify_value;
		q->notify_pid = 0;
	}
out_unlock:
	kmutex_unlock(&q->lock);
	if (notify_pid && notify_sig)
		notify(notify_pid, notify_sig, notify_value);
out_put:
	kfree(m);
	fput(f);
	return rc;
}

long mqueue_receive(int mqd, void *msg, size_t len, uint32_t *prio, const int64_t *timeout,
		    mq_copy_fn copy)
{
	file_t *f;
	int rc = queue_file(mqd, FMODE_READ, &f);
	if (rc < 0)
		return rc;
	mqueue_t *q = MQ(f->f_vnode);
	if (len < (size_t)q->msgsize) {
		fput(f);
		return -EMSGSIZE;
	}
	kmutex_lock(&q->lock);
	while (q->curmsgs == 0) {
		if (f->f_flags & O_NONBLOCK) {
			rc = -EAGAIN;
		} else {
			q->receivers++;
			rc = queue_wait(q, &q->can_recv, timeout);
			q->receivers--;
		}
		if (rc < 0)
			break;
	}
	mq_msg_t *m = NULL;
	if (rc == 0) {
		m = list_entry(list_pop_head(&q->msgs), mq_msg_t, link);
		q->curmsgs--;
		q->qsize -= m->len;
		q->atime = vfs_time_now();
		kcond_broadcast(&q->can_send);
	}
	kmutex_unlock(&q->lock);
	fput(f);
	if (!m)
		return rc;
	long ret = copy(msg, m->data, m->len) < 0 ? -EFAULT : (long)m->len;
	*prio = m->prio;
	kfree(m);
	return ret;
}

int mqueue_notify(int mqd, const mq_sigevent_t *ev)
{
	if (ev) {
		if (ev->sigev_notify == SIGEV_THREAD)
			return -ENOSYS;		/* needs threads and netlink */
		if (ev->sigev_notify != SIGEV_SIGNAL && ev->sigev_notify != SIGEV_NONE)
			return -EINVAL;
		if (ev->sigev_notify == SIGEV_SIGNAL &&
		    (ev->sigev_signo < 0 || ev->sigev_signo > NSIG))
			return -EINVAL;
	}
	file_t *f;
	int rc = queue_file(mqd, 0, &f);
	if (rc < 0)
		return rc;
	mqueue_t *q = MQ(f->f_vnode);
	int pid = curproc->pid;
	kmutex_lock(&q->lock);
	if (!ev) {
		if (q->notify_pid == pid)
			q->notify_pid = 0;
	} else if (q->notify_pid && owner_alive(q->notify_pid)) {
		rc = -EBUSY;
	} else {
		q->notify_pid = pid;
		q->notify_kind = ev->sigev_notify;
		q->notify_signo = ev->sigev_signo;
		q->notify_value = ev->sigev_value;
	}
	kmutex_unlock(&q->lock);
	fput(f);
	return rc;
}

int mqueue_getsetattr(int mqd, const mq_attr_abi_t *newattr, mq_attr_abi_t *oldattr)
{
	if (newattr && (newattr->mq_flags & ~O_NONBLOCK))
		return -EINVAL;
	file_t *f;
	int rc = queue_file(mqd, 0, &f);
	if (rc < 0)
		return rc;
	mqueue_t *q = MQ(f->f_vnode);
	memset(oldattr, 0, sizeof(*oldattr));
	kmutex_lock(&q->lock);
	oldattr->mq_flags = (int32_t)(f->f_flags & O_NONBLOCK);
	oldattr->mq_maxmsg = (int32_t)q->maxmsg;
	oldattr->mq_msgsize = (int32_t)q->msgsize;
	oldattr->mq_curmsgs = (int32_t)q->curmsgs;
	if (newattr)	/* as fcntl(F_SETFL) changes it */
		f->f_flags = (f->f_flags & ~O_NONBLOCK) | ((uint32_t)newattr->mq_flags & O_NONBLOCK);
	kmutex_unlock(&q->lock);
	fput(f);
	return 0;
}

/* ---- queue files ------------------------------------------------------ */

static ssize_t mq_read(vnode_t *vn, off64_t *pos, void *buf, size_t n, uint32_t ioflags)
{
	mqueue_t *q = MQ(vn);
	char line[MQ_STATUS_SIZE + 1];
	kmutex_lock(&q->lock);
	bool sig = q->notify_pid && q->notify_kind == SIGEV_SIGNAL;
	int len = snprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
			   (unsigned long)q->qsize, q->notify_pid ? q->notify_kind : 0,
			   sig ? q->notify_signo : 0, q->notify_pid);
	q->atime = vfs_time_now();
	kmutex_unlock(&q->lock);
	if (*pos >= len)
		return 0;
	size_t got = MIN(n, (size_t)(len - *pos));
	memcpy(buf, line + *pos, got);
	*pos += got;
	return (ssize_t)got;
}

/* The last close of an open queue: a registration made by the closing
 * process ends (Linux ends it at the owner's every close). */
static void mq_release(vnode_t *vn, uint32_t oflags)
{
	mqueue_t *q = MQ(vn);
	kmutex_lock(&q->lock);
	if (q->notify_pid == curproc->pid)
		q->notify_pid = 0;
	kmutex_unlock(&q->lock);
}

static int mq_stat(vnode_t *vn, struct stat64 *st)
{
	mqueue_t *q = MQ(vn);
	kmutex_lock(&q->lock);
	st->st_nlink = 1;
	st->st_uid = vn->vn_uid;
	st->st_gid = vn->vn_gid;
	st->st_size = MQ_STATUS_SIZE;
	st->st_atime = q->atime;
	st->st_mtime = q->mtime;
	st->st_ctime = q->ctime;
	kmutex_unlock(&q->lock);
	return 0;
}

static const vnode_ops_t mq_queue_ops = {
	.read = mq_read,
	.release = mq_release,
	.stat = mq_stat,
};

/* A queue has no pages: a mapping of one faults with SIGBUS, as a
 * mapping past the end of a file does. */
static int mq_no_pages(mmobj_t *o, pframe_t *pf)
{
	return -EINVAL;
}

static uint32_t mq_fault_begin(mmobj_t *o, bool store)
{
	return 0;	/* no page is inside the "file" */
}

static void mq_fault_end(mmobj_t *o)
{
}

static const mmobj_ops_t mq_mmobj_ops = {
	.ref = vnode_mmobj_ref,
	.put = vnode_mmobj_put,
	.fill_page = mq_no_pages,
	.fault_begin = mq_fault_begin,
	.fault_end = mq_fault_end,
};

/* ---- the directory (dir locked by the VFS) ----------------------------- */

static int mq_lookup(vnode_t *dir, const char *name, size_t len, vnode_t **out)
{
	vnode_t *vn = NULL;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))) {
		vn = dir;	/* the root's ".." is itself; namev climbs out */
	} else {
		mq_dirent_t *e = find_entry(name, len);
		if (e)
			vn = e->vn;
	}
	if (!vn)
		return -ENOENT;
	vref(vn);
	*out = vn;
	return 0;
}

/* open(O_CREAT) in the mounted directory makes a queue with the default
 * sizes, as on Linux; other kinds of file cannot be made here. */
static int mq_mknod(vnode_t *dir, const char *name, size_t len, mode_t mode, dev_t rdev,
		    vnode_t **out)
{
	if (!S_ISREG(mode))
		return -EPERM;
	if (find_entry(name, len))
		return -EEXIST;
	vnode_t *vn;
	int rc = queue_create(mode, NULL, &vn);
	if (rc < 0)
		return rc;
	if ((rc = add_entry(name, len, vn)) < 0) {
		vput(vn);
		return rc;
	}
	if (out) {
		vref(vn);
		*out = vn;
	}
	return 0;
}

static int mq_unlink_op(vnode_t *dir, const char *name, size_t len, vnode_t *child)
{
	mq_dirent_t *e = find_entry(name, len);
	if (!e || e->vn != child)
		return -ENOENT;
	vput(remove_entry(e));	/* the caller holds child too */
	return 0;
}

static int mq_readdir(vnode_t *dir, off64_t *pos, vfs_dirent_t *out)
{
	int rc = 0;
	kmutex_lock(&dir->vn_mutex);
	if (*pos < MQ_FIRST_COOKIE) {
		out->d_ino = MQ_ROOT_INO;
		out->d_type = DT_DIR;
		strlcpy(out->d_name, *pos == 0 ? "." : "..", sizeof(out->d_name));
		*pos += 1;
		rc = 1;
		goto out;
	}
	list_t *l;
	list_for_each(l, &mq_entries) {
		mq_dirent_t *e = list_entry(l, mq_dirent_t, link);
		if (e->cookie >= *pos) {
			out->d_ino = e->vn->vn_ino;
			out->d_type = DT_REG;
			strlcpy(out->d_name, e->name, sizeof(out->d_name));
			*pos = e->cookie + 1;
			rc = 1;
			break;
		}
	}
out:
	kmutex_unlock(&dir->vn_mutex);
	return rc;
}

static int mq_root_stat(vnode_t *vn, struct stat64 *st)
{
	st->st_nlink = 2;
	return 0;
}

static const vnode_ops_t mq_root_ops = {
	.lookup = mq_lookup,
	.mknod = mq_mknod,
	.unlink = mq_unlink_op,
	.readdir = mq_readdir,
	.stat = mq_root_stat,
};

/* ---- the file system ------------------------------------------------- */

/* Unmounting only hides the instance: refused while something stands in
 * the directory (a working directory, a lookup in progress). */
static int mqfs_unmount(fs_t *fs)
{
	if (vnode_refcount(mq_root) > 1)
		return -EBUSY;
	mq_mounted = false;
	/* Out of the mount table, and nothing holds the root: no one
	 * reads fs_covered until the next mount sets it. */
	mqfs.fs_covered = NULL;
	return 0;
}

static const fs_ops_t mqfs_ops = {
	.delete_vnode = mqfs_delete_vnode,
	.unmount = mqfs_unmount,
};

int mqueue_fs_mount(struct blockdev *bd, fs_t **out)
{
	if (mq_mounted)
		return -EBUSY;
	mq_mounted = true;
	*out = &mqfs;
	return 0;
}

void mqueue_init(void)
{
	fs_init_common(&mqfs, "mqueue", "mqueue", vfs_anon_dev(), &mqfs_ops);
	mq_root = vnode_create(&mqfs, MQ_ROOT_INO);
	KASSERT(mq_root, "no memory for the mqueue root");
	mq_root->vn_mode = MQ_ROOT_MODE;
	mq_root->vn_ops = &mq_root_ops;
	mq_root->vn_mmobj.mo_ops = &mq_mmobj_ops;
	mqfs.fs_root = mq_root;
}
