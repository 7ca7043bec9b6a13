/*
 * The socket layer (net/socket.h): sockfs and the socket objects on it.
 *
 * Every socket is a vnode of sockfs, a file system that is never mounted
 * and exists to give sockets inode numbers, S_IFSOCK in fstat, and the
 * vnode life cycle.  A socket is opened as exactly one file (dup and fork
 * share that file), so the vnode's last reference goes with the last
 * close: sockfs's delete_vnode is where the family's release runs and
 * the socket_t is freed.  A socket that was never opened (a failed
 * accept) is dropped the same way, by its vnode's one reference.
 *
 * Families register by a row in `families`; AF_UNIX is the only one.
 * Locks: sock_ino_lock protects the inode counter; a socket_t never
 * changes after its family's create, and its family locks its state.
 */
#include "net/socket.h"
#include "net/unix.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/pframe.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "util/debug.h"
#include "util/errno.h"

#define SOCK_MODE (S_IFSOCK | 0777)	/* as Linux shows a socket */

typedef struct sock_family {
	int family;
	int (*create)(socket_t *so, int protocol);
} sock_family_t;

static const sock_family_t families[] = {
	{ AF_UNIX, unix_create },
};

static fs_t sockfs;
static spinlock_t sock_ino_lock = SPINLOCK_INIT("sockfs inode numbers");
static ino_t next_ino = 1;

static void sockfs_delete_vnode(fs_t *fs, vnode_t *vn)
{
	socket_t *so = vn->vn_i;
	if (so->so_priv)
		so->so_ops->release(so);
	kfree(so);
}

static const fs_ops_t sockfs_ops = {
	.delete_vnode = sockfs_delete_vnode,
};

static int sock_stat(vnode_t *vn, struct stat64 *st)
{
	st->st_nlink = 1;
	return 0;
}

static uint32_t sock_poll(vnode_t *vn, uint32_t fmode, struct poll_table *pt)
{
	socket_t *so = vn->vn_i;
	return so->so_ops->poll(so, pt);
}

/* Reads and writes come through the socket calls (kernel/api), never
 * through these vnode operations. */
static const vnode_ops_t sock_vnode_ops = {
	.stat = sock_stat,
	.poll = sock_poll,
};

static int sock_no_pages(mmobj_t *o, pframe_t *pf)
{
	return -ENODEV;		/* a socket cannot be mapped */
}

static const mmobj_ops_t sock_mmobj_ops = {
	.ref = vnode_mmobj_ref,
	.put = vnode_mmobj_put,
	.fill_page = sock_no_pages,
};

void net_init(void)
{
	fs_init_common(&sockfs, "sockfs", "socket", vfs_anon_dev(), &sockfs_ops);
	unix_init();
}

bool sock_is_socket(const vnode_t *vn)
{
	return vn->vn_fs == &sockfs;
}

int sock_alloc(int family, int type, const sock_ops_t *ops, socket_t **out)
{
	socket_t *so = kzalloc(sizeof(*so));
	if (!so)
		return -ENOMEM;
	spin_lock(&sock_ino_lock);
	ino_t ino = next_ino++;
	spin_unlock(&sock_ino_lock);
	vnode_t *vn = vnode_create(&sockfs, ino);
	if (!vn) {
		kfree(so);
		return -ENOMEM;
	}
	so->so_vnode = vn;
	so->so_family = family;
	so->so_type = type;
	so->so_ops = ops;
	vn->vn_mode = SOCK_MODE;
	vn->vn_ops = &sock_vnode_ops;
	vn->vn_mmobj.mo_ops = &sock_mmobj_ops;
	vn->vn_i = so;
	*out = so;
	return 0;
}

void sock_destroy(socket_t *so)
{
	vput(so->so_vnode);
}

int sock_create(int family, int type, int protocol, socket_t **out)
{
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (type < 0 || type >= SOCK_MAX)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		if (families[i].family != family)
			continue;
		socket_t *so;
		int rc = sock_alloc(family, type, NULL, &so);
		if (rc < 0)
			return rc;
		rc = families[i].create(so, protocol);
		if (rc < 0) {
			sock_destroy(so);
			return rc;
		}
		*out = so;
		return 0;
	}
	return -EAFNOSUPPORT;
}

int sock_install(socket_t *so, uint32_t flags)
{
	int rc;
	file_t *f = file_open_vnode(so->so_vnode, O_RDWR | (flags & SOCK_NONBLOCK), &rc);
	if (!f)
		return rc;	/* the vnode, and so the socket, is gone */
	int fd = fd_install(curproc->files, f, 0, flags & SOCK_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}

int sock_from_fd(int fd, socket_t **out, file_t **fp)
{
	file_t *f = fd_get(curproc->files, fd);
	if (!f)
		return -EBADF;
	if (!sock_is_socket(f->f_vnode)) {
		fput(f);
		return -ENOTSOCK;
	}
	*out = f->f_vnode->vn_i;
	*fp = f;
	return 0;
}

void sock_sigpipe(uint32_t flags)
{
	if (!(flags & MSG_NOSIGNAL))
		signal_send_thread(curthr, SIGPIPE);
}
