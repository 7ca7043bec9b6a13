/*
 * AF_UNIX socket objects (net/unix.h has the story and the locks): their
 * creation and reference counts, socketpair, release on the last close,
 * shutdown, poll and the SOL_SOCKET options.
 *
 * Release follows Linux: the end is marked dead and its name leaves the
 * table; a stream or seqpacket peer is shut down both ways, and told
 * ECONNRESET if data we never read was lost (or we were an embryo never
 * accepted); unread messages are freed, their descriptors released;
 * embryos waiting on a listener are released the same way.  A dead end
 * stays allocated while a peer or a queued message still refers to it.
 * Descriptor cycles (a socket sent over itself and closed) are not
 * collected: Linux's garbage collector has no counterpart yet.
 */
#include "net/unix.h"
#include "mm/kmalloc.h"
#include "proc/pollwait.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define UNIX_WMEM_MAX 212992u	/* Linux's wmem_max and rmem_max */
#define ROOT_ID 0

kmutex_t unix_lock;
static spinlock_t unix_ref_lock = SPINLOCK_INIT("AF_UNIX reference counts");

void unix_init(void)
{
	kmutex_init(&unix_lock, "AF_UNIX sockets");
}

unix_sock_t *unix_sock_new(int type)
{
	unix_sock_t *u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->refcount = 1;
	u->type = type;
	u->state = UNIX_UNCONNECTED;
	list_init(&u->name_link);
	list_init(&u->rxq);
	list_init(&u->acceptq);
	list_init(&u->accept_link);
	u->sndbuf = UNIX_SNDBUF_DEFAULT;
	u->rcvbuf = UNIX_SNDBUF_DEFAULT;
	kcond_init(&u->wait, "AF_UNIX socket");
	kmutex_init(&u->rx_mutex, "AF_UNIX receiver");
	kmutex_init(&u->bind_mutex, "AF_UNIX bind");
	return u;
}

void unix_hold(unix_sock_t *u)
{
	spin_lock(&unix_ref_lock);
	KASSERT(u->refcount > 0, "AF_UNIX socket %p held after its end", u);
	u->refcount++;
	spin_unlock(&unix_ref_lock);
}

void unix_put(unix_sock_t *u)
{
	if (!u)
		return;
	spin_lock(&unix_ref_lock);
	KASSERT(u->refcount > 0, "AF_UNIX socket %p put twice", u);
	bool last = --u->refcount == 0;
	spin_unlock(&unix_ref_lock);
	if (!last)
		return;
	KASSERT(list_empty(&u->rxq) && list_empty(&u->acceptq) && !u->peer && !u->name_vn,
		"AF_UNIX socket %p freed while still connected or queued", u);
	kfree(u);
}

void unix_current_cred(struct linux_ucred *c)
{
	c->pid = curproc->pid;
	c->uid = ROOT_ID;
	c->gid = ROOT_ID;
}

int unix_wait(unix_sock_t *u)
{
	return kcond_wait_cancellable(&u->wait, &unix_lock);
}

int unix_create(socket_t *so, int protocol)
{
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	switch (so->so_type) {
	case SOCK_RAW:
		so->so_type = SOCK_DGRAM;	/* as Linux: a raw AF_UNIX socket is a datagram one */
		break;
	case SOCK_STREAM:
	case SOCK_DGRAM:
	case SOCK_SEQPACKET:
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	unix_sock_t *u = unix_sock_new(so->so_type);
	if (!u)
		return -ENOMEM;
	so->so_ops = &unix_ops;
	so->so_priv = u;
	return 0;
}

static int unix_pair(socket_t *a, socket_t *b)
{
	unix_sock_t *ua = unix_of(a), *ub = unix_of(b);
	unix_hold(ua);
	unix_hold(ub);
	kmutex_lock(&unix_lock);
	ua->peer = ub;
	ub->peer = ua;
	ua->state = ub->state = UNIX_CONNECTED;
	unix_current_cred(&ua->peercred);
	ub->peercred = ua->peercred;
	ua->has_peercred = ub->has_peercred = true;
	kmutex_unlock(&unix_lock);
	return 0;
}

static bool connection_based(const unix_sock_t *u)
{
	return u->type != SOCK_DGRAM;
}

/* Ends u (unix_lock held): its unread messages go to dead, its embryos
 * to embryos, its name's node to *name_vn; returns its peer reference. */
static unix_sock_t *end_locked(unix_sock_t *u, bool embryo, list_t *dead, list_t *embryos,
			       vnode_t **name_vn)
{
	u->dead = true;
	u->shutdown = UNIX_SHUTDOWN_BOTH;
	unix_name_remove(u, name_vn);
	unix_sock_t *peer = u->peer;
	u->peer = NULL;
	if (peer && connection_based(u)) {
		peer->shutdown = UNIX_SHUTDOWN_BOTH;
		if (!list_empty(&u->rxq) || embryo)
			peer->err = ECONNRESET;
		kcond_broadcast(&peer->wait);
	}
	unix_rxq_take(u, dead);
	while (!list_empty(&u->acceptq)) {
		list_t *l = list_pop_head(&u->acceptq);
		list_insert_tail(embryos, l);
	}
	u->acceptq_len = 0;
	kcond_broadcast(&u->wait);
	return peer;
}

/* Ends u and drops the reference the caller's holder (a socket, a
 * listener's queue) had. */
static void unix_end(unix_sock_t *u, bool embryo)
{
	list_t dead, embryos;
	list_init(&dead);
	list_init(&embryos);
	vnode_t *name_vn = NULL;
	kmutex_lock(&unix_lock);
	unix_sock_t *peer = end_locked(u, embryo, &dead, &embryos, &name_vn);
	kmutex_unlock(&unix_lock);
	unix_msgs_free(&dead);
	while (!list_empty(&embryos)) {
		unix_sock_t *e = list_entry(list_pop_head(&embryos), unix_sock_t, accept_link);
		unix_end(e, true);
	}
	if (name_vn)
		vput(name_vn);
	unix_put(peer);
	unix_put(u);
}

static void unix_release(socket_t *so)
{
	unix_end(unix_of(so), false);
}

static int unix_shutdown(socket_t *so, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	unix_sock_t *u = unix_of(so);
	int mode = how + 1;	/* SHUT_RD -> RCV, SHUT_WR -> SEND, SHUT_RDWR -> both */
	kmutex_lock(&unix_lock);
	u->shutdown |= mode;
	kcond_broadcast(&u->wait);
	unix_sock_t *peer = u->peer;
	if (peer && connection_based(u)) {
		int peer_mode = (mode & UNIX_RCV_SHUTDOWN ? UNIX_SEND_SHUTDOWN : 0) |
				(mode & UNIX_SEND_SHUTDOWN ? UNIX_RCV_SHUTDOWN : 0);
		peer->shutdown |= peer_mode;
		kcond_broadcast(&peer->wait);
	}
	kmutex_unlock(&unix_lock);
	return 0;
}

/* Whether u may send now as far as its own memory goes (Linux's
 * unix_writable: at most a quarter of sndbuf queued). */
static bool writable_locked(const unix_sock_t *u)
{
	return u->state != UNIX_LISTENING && u->wmem * 4 <= u->sndbuf;
}

static uint32_t unix_poll(socket_t *so, poll_table_t *pt)
{
	unix_sock_t *u = unix_of(so);
	uint32_t ev = 0;
	kmutex_lock(&unix_lock);
	poll_wait(pt, &u->wait.waiters);
	if (u->err)
		ev |= POLLERR;
	if (u->shutdown == UNIX_SHUTDOWN_BOTH)
		ev |= POLLHUP;
	if (u->shutdown & UNIX_RCV_SHUTDOWN)
		ev |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (!list_empty(&u->rxq) || u->acceptq_len > 0)
		ev |= POLLIN | POLLRDNORM;
	if (connection_based(u) && u->state == UNIX_UNCONNECTED)
		ev |= POLLHUP;
	bool writable = writable_locked(u);
	unix_sock_t *peer = u->peer;
	if (writable && peer && peer->peer != u && peer->rxq_len > UNIX_DGRAM_QLEN) {
		writable = false;	/* a datagram receiver full of others' messages */
		poll_wait(pt, &peer->wait.waiters);
	}
	if (writable)
		ev |= POLLOUT | POLLWRNORM | POLLWRBAND;
	kmutex_unlock(&unix_lock);
	return ev;
}

/* SO_SNDBUF/SO_RCVBUF: Linux doubles what is asked, within limits. */
static uint32_t buf_size(uint32_t val, uint32_t min)
{
	val = MIN(val, UNIX_WMEM_MAX);
	return MAX(val * 2, min);
}

static int unix_setsockopt(socket_t *so, int level, int name, const void *val, uint32_t len)
{
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (len < sizeof(int32_t))
		return -EINVAL;
	uint32_t v;
	memcpy(&v, val, sizeof(v));
	unix_sock_t *u = unix_of(so);
	int rc = 0;
	kmutex_lock(&unix_lock);
	switch (name) {
	case SO_SNDBUF:
		u->sndbuf = buf_size(v, UNIX_SNDBUF_MIN);
		kcond_broadcast(&u->wait);
		break;
	case SO_RCVBUF:
		u->rcvbuf = buf_size(v, UNIX_RCVBUF_MIN);
		break;
	case SO_PASSCRED:
		u->passcred = v != 0;
		break;
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_BROADCAST:
		break;		/* accepted; they mean nothing to AF_UNIX */
	default:
		rc = -ENOPROTOOPT;
	}
	kmutex_unlock(&unix_lock);
	return rc;
}

static int unix_getsockopt(socket_t *so, int level, int name, void *val, uint32_t *len)
{
	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	unix_sock_t *u = unix_of(so);
	int32_t v = 0;
	int rc = 0;
	kmutex_lock(&unix_lock);
	switch (name) {
	case SO_TYPE: v = u->type; break;
	case SO_DOMAIN: v = AF_UNIX; break;
	case SO_PROTOCOL: v = 0; break;
	case SO_ERROR: v = u->err; u->err = 0; break;
	case SO_SNDBUF: v = (int32_t)u->sndbuf; break;
	case SO_RCVBUF: v = (int32_t)u->rcvbuf; break;
	case SO_PASSCRED: v = u->passcred; break;
	case SO_ACCEPTCONN: v = u->state == UNIX_LISTENING; break;
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_BROADCAST: v = 0; break;
	case SO_PEERCRED: {
		struct linux_ucred c = { 0, (uint32_t)-1, (uint32_t)-1 };	/* no peer */
		if (u->has_peercred)
			c = u->peercred;
		memcpy(val, &c, sizeof(c));
		*len = sizeof(c);
		kmutex_unlock(&unix_lock);
		return 0;
	}
	default:
		rc = -ENOPROTOOPT;
	}
	kmutex_unlock(&unix_lock);
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return rc;
}

const sock_ops_t unix_ops = {
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.socketpair = unix_pair,
	.accept = unix_accept,
	.getname = unix_getname,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.poll = unix_poll,
};
