/*
 * Socket system calls: socketcall(2) and the direct i386 calls (socket
 * = 359 ... shutdown = 373), which glibc uses side by side.  Each handler
 * copies its arguments in the order Linux checks them -- the descriptor
 * (EBADF, ENOTSOCK), then addresses (at most a sockaddr_storage: EINVAL
 * past it), msghdr, iovecs (EMSGSIZE past UIO_MAXIOV) and control data --
 * calls the socket's family (net/socket.h), and copies results out:
 * an address truncated to the caller's buffer with its full length
 * reported, option values likewise, recvmsg's msg_flags and the control
 * bytes used.  read/write/readv/writev on a socket come here too.
 */
#include "api/syscall_handlers.h"
#include "api/sys_socket.h"
#include "api/usercopy.h"
#include "fs/vfs_syscall.h"
#include "mm/kmalloc.h"
#include "net/socket.h"
#include "proc/proc.h"
#include "util/errno.h"
#include "util/string.h"

#define SOCKOPT_MAX 16		/* the largest option value (struct ucred is 12) */
#define SOCK_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)
#define SOCKETCALL_MAX_ARGS 6

/* A socket call's descriptor: its socket and the file (kept referenced). */
typedef struct sockfd {
	socket_t *so;
	file_t *f;
} sockfd_t;

static int sockfd_get(int fd, sockfd_t *s)
{
	return sock_from_fd(fd, &s->so, &s->f);
}

static bool sockfd_nonblock(const sockfd_t *s)
{
	return s->f->f_flags & O_NONBLOCK;
}

/* An address from user space: 0 with *len bytes in buf, or an error. */
static int addr_in(uint32_t uaddr, uint32_t len, void *buf)
{
	if ((int32_t)len < 0 || len > SOCK_ADDR_MAX)
		return -EINVAL;
	if (len && copy_from_user(buf, (void *)uaddr, len) < 0)
		return -EFAULT;
	return 0;
}

/* An address to user space (move_addr_to_user): truncated to *ulen,
 * whose word gets the full length klen. */
static int addr_out(const void *kaddr, uint32_t klen, uint32_t uaddr, uint32_t ulen)
{
	int32_t len;
	if (copy_from_user(&len, (void *)ulen, sizeof(len)) < 0)
		return -EFAULT;
	if (len > (int32_t)klen)
		len = (int32_t)klen;
	if (len < 0)
		return -EINVAL;
	if (len && copy_to_user((void *)uaddr, kaddr, (size_t)len) < 0)
		return -EFAULT;
	return copy_to_user((void *)ulen, &klen, sizeof(klen)) < 0 ? -EFAULT : 0;
}

bool sys_socket_is(int fd)
{
	file_t *f = fd_get(curproc->files, fd);
	if (!f)
		return false;
	bool is = sock_is_socket(f->f_vnode);
	fput(f);
	return is;
}

static long sys_socket_create(uint32_t family, uint32_t type, uint32_t protocol)
{
	uint32_t flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~SOCK_FLAGS)
		return -EINVAL;
	socket_t *so;
	int rc = sock_create((int)family, (int)(type & SOCK_TYPE_MASK), (int)protocol, &so);
	return rc < 0 ? rc : sock_install(so, flags);
}

static long sys_socketpair_create(uint32_t family, uint32_t type, uint32_t protocol, uint32_t usv)
{
	uint32_t flags = type & ~SOCK_TYPE_MASK;
	if (flags & ~SOCK_FLAGS)
		return -EINVAL;
	socket_t *a, *b;
	int rc = sock_create((int)family, (int)(type & SOCK_TYPE_MASK), (int)protocol, &a);
	if (rc < 0)
		return rc;
	if (!a->so_ops->socketpair) {
		sock_destroy(a);
		return -EOPNOTSUPP;
	}
	if ((rc = sock_create((int)family, (int)(type & SOCK_TYPE_MASK), (int)protocol, &b)) < 0) {
		sock_destroy(a);
		return rc;
	}
	a->so_ops->socketpair(a, b);
	int fds[2] = { sock_install(a, flags), -1 };
	if (fds[0] < 0) {
		sock_destroy(b);
		return fds[0];
	}
	if ((fds[1] = sock_install(b, flags)) < 0) {
		do_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user((void *)usv, fds, sizeof(fds)) < 0) {
		do_close(fds[0]);
		do_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* bind and connect: a descriptor and an address in. */
static long addr_call(uint32_t fd, uint32_t uaddr, uint32_t len, bool connect)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	uint8_t addr[SOCK_ADDR_MAX];
	if ((rc = addr_in(uaddr, len, addr)) == 0)
		rc = connect ? s.so->so_ops->connect(s.so, addr, len, sockfd_nonblock(&s))
			     : s.so->so_ops->bind(s.so, addr, len);
	fput(s.f);
	return rc;
}

static long sys_listen_fd(uint32_t fd, uint32_t backlog)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	rc = s.so->so_ops->listen(s.so, (int)backlog);
	fput(s.f);
	return rc;
}

static long sys_accept_fd(uint32_t fd, uint32_t uaddr, uint32_t ulen, uint32_t flags)
{
	if (flags & ~SOCK_FLAGS)
		return -EINVAL;
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	socket_t *nso;
	rc = s.so->so_ops->accept(s.so, &nso, sockfd_nonblock(&s));
	fput(s.f);
	if (rc < 0)
		return rc;
	if (uaddr) {
		uint8_t addr[SOCK_ADDR_MAX];
		uint32_t len = 0;
		rc = nso->so_ops->getname(nso, addr, &len, true);
		if (rc == 0)
			rc = addr_out(addr, len, uaddr, ulen);
		if (rc < 0) {
			sock_destroy(nso);	/* Linux drops the connection too */
			return rc;
		}
	}
	return sock_install(nso, flags);
}

static long name_call(uint32_t fd, uint32_t uaddr, uint32_t ulen, bool peer)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	uint8_t addr[SOCK_ADDR_MAX];
	uint32_t len = 0;
	rc = s.so->so_ops->getname(s.so, addr, &len, peer);
	fput(s.f);
	return rc < 0 ? rc : addr_out(addr, len, uaddr, ulen);
}

static long sys_shutdown_fd(uint32_t fd, uint32_t how)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	rc = s.so->so_ops->shutdown(s.so, (int)how);
	fput(s.f);
	return rc;
}

static long sys_setsockopt_fd(uint32_t fd, uint32_t level, uint32_t name, uint32_t uval,
			      uint32_t len)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	uint8_t val[SOCKOPT_MAX] = { 0 };
	if ((int32_t)len < 0)
		rc = -EINVAL;
	else if (level == SOL_SOCKET && len < sizeof(int32_t))
		rc = -EINVAL;
	else if (level == SOL_SOCKET &&
		 copy_from_user(val, (void *)uval, MIN(len, SOCKOPT_MAX)) < 0)
		rc = -EFAULT;
	else
		rc = s.so->so_ops->setsockopt(s.so, (int)level, (int)name, val, len);
	fput(s.f);
	return rc;
}

static long sys_getsockopt_fd(uint32_t fd, uint32_t level, uint32_t name, uint32_t uval,
			      uint32_t ulen)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	int32_t len;
	uint8_t val[SOCKOPT_MAX];
	uint32_t klen = 0;
	if (copy_from_user(&len, (void *)ulen, sizeof(len)) < 0)
		rc = -EFAULT;
	else if (len < 0)
		rc = -EINVAL;
	else
		rc = s.so->so_ops->getsockopt(s.so, (int)level, (int)name, val, &klen);
	fput(s.f);
	if (rc < 0)
		return rc;
	uint32_t n = MIN((uint32_t)len, klen);
	if (copy_to_user((void *)uval, val, n) < 0 || copy_to_user((void *)ulen, &n, sizeof(n)) < 0)
		return -EFAULT;
	return 0;
}

/* ---- data -------------------------------------------------------------- */

/* A send or receive's user side: the iovec array (kernel copy) and where
 * recvmsg's results go. */
typedef struct uio {
	struct linux_iovec one;		/* send/recv/read/write: the buffer */
	struct linux_iovec *iov;	/* the array used */
	uint32_t count;
} uio_t;

static int uio_vector(uio_t *u, uint32_t uiov, uint32_t count, int too_many)
{
	u->iov = &u->one;
	u->count = 0;
	if (count > SOCK_IOV_MAX)
		return too_many;
	u->count = count;
	if (count == 0)
		return 0;
	u->iov = kmalloc(count * sizeof(*u->iov));
	if (!u->iov)
		return -ENOMEM;
	if (copy_from_user(u->iov, (void *)uiov, count * sizeof(*u->iov)) < 0)
		return -EFAULT;
	return 0;
}

static void uio_single(uio_t *u, uint32_t buf, uint32_t len)
{
	u->one.iov_base = buf;
	u->one.iov_len = len;
	u->iov = &u->one;
	u->count = 1;
}

static void uio_free(uio_t *u)
{
	if (u->iov != &u->one)
		kfree(u->iov);
}

/* Sends m (iter to be set from u) on fd; m->scm is released after. */
static long do_send(uint32_t fd, uio_t *u, sock_msg_t *m, uint32_t ctl, uint32_t ctllen)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	rc = sock_iter_init(&m->iter, u->iov, u->count);
	if (rc == 0)
		rc = scm_from_user(&m->scm, ctl, ctllen);
	long r = rc;
	if (rc == 0) {
		m->nonblock = sockfd_nonblock(&s) || (m->flags & MSG_DONTWAIT);
		r = s.so->so_ops->sendmsg(s.so, m);
		scm_release(&m->scm);
	}
	fput(s.f);
	return r;
}

static long sys_sendto_fd(uint32_t fd, uint32_t buf, uint32_t len, uint32_t flags,
			  uint32_t uaddr, uint32_t alen)
{
	sock_msg_t m = { .flags = flags };
	uio_t u;
	uio_single(&u, buf, len);
	if (uaddr) {
		int rc = addr_in(uaddr, alen, m.name);
		if (rc < 0)
			return rc;
		m.namelen = alen;
	}
	return do_send(fd, &u, &m, 0, 0);
}

static long sys_sendmsg_fd(uint32_t fd, uint32_t umsg, uint32_t flags)
{
	struct linux_msghdr h;
	if (copy_from_user(&h, (void *)umsg, sizeof(h)) < 0)
		return -EFAULT;
	sock_msg_t m = { .flags = flags };
	if (h.msg_name) {
		if ((int32_t)h.msg_namelen < 0)
			return -EINVAL;
		m.namelen = MIN(h.msg_namelen, SOCK_ADDR_MAX);
		if (copy_from_user(m.name, (void *)h.msg_name, m.namelen) < 0)
			return -EFAULT;
	}
	uio_t u;
	int rc = uio_vector(&u, h.msg_iov, h.msg_iovlen, -EMSGSIZE);
	long r = rc < 0 ? rc : do_send(fd, &u, &m, h.msg_control, h.msg_controllen);
	uio_free(&u);
	return r;
}

/* Receives into m on fd, then hands out its control data (ctl, *ctllen:
 * none if ctl is 0), updating *ctllen to the bytes written. */
static long do_recv(uint32_t fd, uio_t *u, sock_msg_t *m, uint32_t ctl, uint32_t *ctllen)
{
	sockfd_t s;
	int rc = sockfd_get((int)fd, &s);
	if (rc < 0)
		return rc;
	scm_init(&m->scm);
	long r = sock_iter_init(&m->iter, u->iov, u->count);
	if (r == 0) {
		m->nonblock = sockfd_nonblock(&s) || (m->flags & MSG_DONTWAIT);
		r = s.so->so_ops->recvmsg(s.so, m);
	}
	uint32_t none = 0;
	rc = 0;
	if (r >= 0)
		rc = scm_to_user(&m->scm, m->creds, ctl, ctl ? ctllen : &none, m->flags,
				 &m->msg_flags);
	else
		scm_release(&m->scm);
	fput(s.f);
	return r < 0 ? r : rc < 0 ? rc : r;
}

static long sys_recvfrom_fd(uint32_t fd, uint32_t buf, uint32_t len, uint32_t flags,
			    uint32_t uaddr, uint32_t ulen)
{
	sock_msg_t m = { .flags = flags };
	uio_t u;
	uio_single(&u, buf, len);
	long r = do_recv(fd, &u, &m, 0, NULL);
	if (r >= 0 && uaddr) {
		int rc = addr_out(m.name, m.namelen, uaddr, ulen);
		if (rc < 0)
			return rc;
	}
	return r;
}

static long sys_recvmsg_fd(uint32_t fd, uint32_t umsg, uint32_t flags)
{
	struct linux_msghdr h;
	if (copy_from_user(&h, (void *)umsg, sizeof(h)) < 0)
		return -EFAULT;
	if (h.msg_name && (int32_t)h.msg_namelen < 0)
		return -EINVAL;
	uio_t u;
	int rc = uio_vector(&u, h.msg_iov, h.msg_iovlen, -EMSGSIZE);
	sock_msg_t m = { .flags = flags };
	uint32_t ctllen = h.msg_controllen;
	long r = rc < 0 ? rc : do_recv(fd, &u, &m, h.msg_control, &ctllen);
	uio_free(&u);
	if (r < 0)
		return r;
	struct linux_msghdr *um = (void *)umsg;
	if (h.msg_name) {
		uint32_t n = MIN(h.msg_namelen, m.namelen);
		if (copy_to_user((void *)h.msg_name, m.name, n) < 0 ||
		    copy_to_user(&um->msg_namelen, &m.namelen, sizeof(m.namelen)) < 0)
			return -EFAULT;
	}
	uint32_t out_flags = m.msg_flags;
	if (copy_to_user(&um->msg_flags, &out_flags, sizeof(out_flags)) < 0 ||
	    copy_to_user(&um->msg_controllen, &ctllen, sizeof(ctllen)) < 0)
		return -EFAULT;
	return r;
}

long sys_socket_rw(int fd, uint32_t uiov, uint32_t count, bool vector, bool write)
{
	uio_t u;
	if (vector) {
		int rc = uio_vector(&u, uiov, count, -EINVAL);	/* readv's limit */
		if (rc < 0) {
			uio_free(&u);
			return rc;
		}
	} else {
		uio_single(&u, uiov, count);
	}
	sock_msg_t m = { .flags = 0 };
	long r = write ? do_send((uint32_t)fd, &u, &m, 0, 0) : do_recv((uint32_t)fd, &u, &m, 0, NULL);
	uio_free(&u);
	return r;
}

/* ---- the direct calls ------------------------------------------------ */

SYSCALL(socket) { return sys_socket_create(a1, a2, a3); }
SYSCALL(socketpair) { return sys_socketpair_create(a1, a2, a3, a4); }
SYSCALL(bind) { return addr_call(a1, a2, a3, false); }
SYSCALL(connect) { return addr_call(a1, a2, a3, true); }
SYSCALL(listen) { return sys_listen_fd(a1, a2); }
SYSCALL(accept4) { return sys_accept_fd(a1, a2, a3, a4); }
SYSCALL(getsockopt) { return sys_getsockopt_fd(a1, a2, a3, a4, a5); }
SYSCALL(setsockopt) { return sys_setsockopt_fd(a1, a2, a3, a4, a5); }
SYSCALL(getsockname) { return name_call(a1, a2, a3, false); }
SYSCALL(getpeername) { return name_call(a1, a2, a3, true); }
SYSCALL(sendto) { return sys_sendto_fd(a1, a2, a3, a4, a5, a6); }
SYSCALL(sendmsg) { return sys_sendmsg_fd(a1, a2, a3); }
SYSCALL(recvfrom) { return sys_recvfrom_fd(a1, a2, a3, a4, a5, a6); }
SYSCALL(recvmsg) { return sys_recvmsg_fd(a1, a2, a3); }
SYSCALL(shutdown) { return sys_shutdown_fd(a1, a2); }

/* ---- socketcall -------------------------------------------------------- */

/* Argument words of each socketcall call (Linux's table). */
static const uint8_t socketcall_nargs[] = {
	[SYS_SOCKET] = 3, [SYS_BIND] = 3, [SYS_CONNECT] = 3, [SYS_LISTEN] = 2,
	[SYS_ACCEPT] = 3, [SYS_GETSOCKNAME] = 3, [SYS_GETPEERNAME] = 3,
	[SYS_SOCKETPAIR] = 4, [SYS_SEND] = 4, [SYS_RECV] = 4, [SYS_SENDTO] = 6,
	[SYS_RECVFROM] = 6, [SYS_SHUTDOWN] = 2, [SYS_SETSOCKOPT] = 5,
	[SYS_GETSOCKOPT] = 5, [SYS_SENDMSG] = 3, [SYS_RECVMSG] = 3, [SYS_ACCEPT4] = 4,
	[SYS_RECVMMSG] = 5, [SYS_SENDMMSG] = 4,
};

SYSCALL(socketcall)
{
	if (a1 < SYS_SOCKET || a1 >= ARRAY_SIZE(socketcall_nargs))
		return -EINVAL;
	uint32_t a[SOCKETCALL_MAX_ARGS] = { 0 };
	if (copy_from_user(a, (void *)a2, socketcall_nargs[a1] * sizeof(a[0])) < 0)
		return -EFAULT;
	switch (a1) {
	case SYS_SOCKET: return sys_socket_create(a[0], a[1], a[2]);
	case SYS_BIND: return addr_call(a[0], a[1], a[2], false);
	case SYS_CONNECT: return addr_call(a[0], a[1], a[2], true);
	case SYS_LISTEN: return sys_listen_fd(a[0], a[1]);
	case SYS_ACCEPT: return sys_accept_fd(a[0], a[1], a[2], 0);
	case SYS_ACCEPT4: return sys_accept_fd(a[0], a[1], a[2], a[3]);
	case SYS_GETSOCKNAME: return name_call(a[0], a[1], a[2], false);
	case SYS_GETPEERNAME: return name_call(a[0], a[1], a[2], true);
	case SYS_SOCKETPAIR: return sys_socketpair_create(a[0], a[1], a[2], a[3]);
	case SYS_SEND: return sys_sendto_fd(a[0], a[1], a[2], a[3], 0, 0);
	case SYS_RECV: return sys_recvfrom_fd(a[0], a[1], a[2], a[3], 0, 0);
	case SYS_SENDTO: return sys_sendto_fd(a[0], a[1], a[2], a[3], a[4], a[5]);
	case SYS_RECVFROM: return sys_recvfrom_fd(a[0], a[1], a[2], a[3], a[4], a[5]);
	case SYS_SHUTDOWN: return sys_shutdown_fd(a[0], a[1]);
	case SYS_SETSOCKOPT: return sys_setsockopt_fd(a[0], a[1], a[2], a[3], a[4]);
	case SYS_GETSOCKOPT: return sys_getsockopt_fd(a[0], a[1], a[2], a[3], a[4]);
	case SYS_SENDMSG: return sys_sendmsg_fd(a[0], a[1], a[2]);
	case SYS_RECVMSG: return sys_recvmsg_fd(a[0], a[1], a[2]);
	default: return -ENOSYS;	/* recvmmsg, sendmmsg */
	}
}
