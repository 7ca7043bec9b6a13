/*
 * AF_UNIX connections (net/unix.h): listen, connect and accept, and a
 * datagram socket's connect (a default destination, not a connection).
 *
 * A stream or seqpacket connect makes the server's end (an embryo) at
 * once and queues it on the listener, as Linux does: the client is
 * connected and may send before the server accepts.  A listener takes
 * its backlog plus one embryos; further connects wait for accept (or are
 * EAGAIN without blocking).  Each end records the other's credentials:
 * the client gets the listener's (from listen), the embryo the client's.
 * Locks: unix_lock for all state; waiters sleep on the listener's wait.
 */
#include "net/unix.h"
#include "util/errno.h"
#include "util/string.h"

int unix_listen(socket_t *so, int backlog)
{
	unix_sock_t *u = unix_of(so);
	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	int rc = 0;
	kmutex_lock(&unix_lock);
	if (!u->addrlen || (u->state != UNIX_UNCONNECTED && u->state != UNIX_LISTENING)) {
		rc = -EINVAL;
	} else {
		u->backlog = backlog;
		u->state = UNIX_LISTENING;
		unix_current_cred(&u->peercred);
		u->has_peercred = true;
		kcond_broadcast(&u->wait);	/* a larger backlog lets connectors in */
	}
	kmutex_unlock(&unix_lock);
	return rc;
}

/* The checks before a stream connect queues (unix_lock held): 0 to go
 * on, 1 to wait for the backlog, or an error. */
static int connect_check(unix_sock_t *u, unix_sock_t *srv)
{
	if (srv->dead || srv->state != UNIX_LISTENING)
		return -ECONNREFUSED;
	if (srv->acceptq_len > srv->backlog)
		return 1;	/* Linux waits (or says EAGAIN) before it looks at u */
	if (u->state == UNIX_CONNECTED)
		return -EISCONN;
	return u->state == UNIX_LISTENING ? -EINVAL : 0;
}

/* Joins u and the new embryo e and queues e on srv (unix_lock held). */
static void connect_locked(unix_sock_t *u, unix_sock_t *srv, unix_sock_t *e)
{
	e->state = UNIX_CONNECTED;
	unix_hold(u);
	e->peer = u;
	unix_current_cred(&e->peercred);
	e->has_peercred = true;
	memcpy(&e->addr, &srv->addr, sizeof(e->addr));
	e->addrlen = srv->addrlen;
	unix_hold(e);
	u->peer = e;
	u->state = UNIX_CONNECTED;
	u->peercred = srv->peercred;
	u->has_peercred = true;
	list_insert_tail(&srv->acceptq, &e->accept_link);	/* the queue's reference */
	srv->acceptq_len++;
	kcond_broadcast(&srv->wait);
	kcond_broadcast(&u->wait);
}

static int stream_connect(unix_sock_t *u, const void *addr, uint32_t len, bool nonblock)
{
	int rc = unix_addr_check(addr, len);
	if (rc < 0)
		return rc;
	unix_sock_t *srv;
	if ((rc = unix_find(addr, len, u->type, &srv)) < 0)
		return rc;
	unix_sock_t *e = unix_sock_new(u->type);
	if (!e) {
		unix_put(srv);
		return -ENOMEM;
	}
	kmutex_lock(&unix_lock);
	while ((rc = connect_check(u, srv)) == 1) {
		if (nonblock) {
			rc = -EAGAIN;
			break;
		}
		if ((rc = unix_wait(srv)) < 0)
			break;
	}
	if (rc == 0)
		connect_locked(u, srv, e);
	kmutex_unlock(&unix_lock);
	unix_put(srv);
	if (rc < 0)
		unix_put(e);	/* else its first reference is the queue's */
	return rc;
}

/* A datagram socket's default destination; AF_UNSPEC drops it. */
static int dgram_connect(unix_sock_t *u, const void *addr, uint32_t len)
{
	const struct linux_sockaddr_un *sun = addr;
	unix_sock_t *other = NULL;
	int rc = 0;
	if (len < sizeof(sun->sun_family) || sun->sun_family != AF_UNSPEC) {
		if ((rc = unix_find(addr, len, SOCK_DGRAM, &other)) < 0)
			return rc;
	}
	kmutex_lock(&unix_lock);
	if (other && other->peer && other->peer != u) {
		rc = -EPERM;	/* it talks to another socket only */
	} else {
		unix_sock_t *old = u->peer;
		u->peer = other;
		u->state = other ? UNIX_CONNECTED : UNIX_UNCONNECTED;
		other = old;	/* dropped below */
		kcond_broadcast(&u->wait);
	}
	kmutex_unlock(&unix_lock);
	unix_put(other);
	return rc;
}

int unix_connect(socket_t *so, const void *addr, uint32_t len, bool nonblock)
{
	unix_sock_t *u = unix_of(so);
	if (u->type == SOCK_DGRAM)
		return dgram_connect(u, addr, len);
	return stream_connect(u, addr, len, nonblock);
}

int unix_accept(socket_t *so, socket_t **out, bool nonblock)
{
	unix_sock_t *u = unix_of(so);
	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	socket_t *nso;
	int rc = sock_alloc(AF_UNIX, u->type, &unix_ops, &nso);
	if (rc < 0)
		return rc;
	kmutex_lock(&unix_lock);
	while (rc == 0 && u->acceptq_len == 0) {
		if (u->state != UNIX_LISTENING)
			rc = -EINVAL;
		else if (nonblock)
			rc = -EAGAIN;
		else
			rc = unix_wait(u);
	}
	if (rc == 0 && u->state != UNIX_LISTENING)
		rc = -EINVAL;
	unix_sock_t *e = NULL;
	if (rc == 0) {
		e = list_entry(list_pop_head(&u->acceptq), unix_sock_t, accept_link);
		u->acceptq_len--;
		e->passcred = u->passcred;
		kcond_broadcast(&u->wait);	/* room for a waiting connect */
	}
	kmutex_unlock(&unix_lock);
	if (rc < 0) {
		sock_destroy(nso);
		return rc;
	}
	nso->so_priv = e;	/* the queue's reference */
	*out = nso;
	return 0;
}
