/*
 * AF_UNIX data (net/unix.h): messages queued from sender to receiver.
 *
 * A stream write is cut into pieces of at most half the sender's
 * SO_SNDBUF; descriptors ride on the first piece.  A read gathers pieces
 * until the request is met (MSG_WAITALL) or something was read, and, as
 * Linux, stops after a piece that carried descriptors (one read never
 * hands out two messages' descriptors); it returns 0 at end of file (the
 * peer shut down or gone), ECONNRESET once if the peer closed with our
 * data unread.
 * A datagram or seqpacket message is one piece, read whole or cut
 * (MSG_TRUNC), the rest dropped.  A sender's queued bytes (wmem) are
 * bounded by its SO_SNDBUF.
 *
 * Message data is copied from user space before unix_lock is taken and
 * to user space with only the receiver's rx_mutex held; messages are
 * freed (their descriptors and their sender's reference dropped) outside
 * unix_lock.
 */
#include "net/unix.h"
#include "mm/kmalloc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

static unix_msg_t *msg_new(size_t len)
{
	unix_msg_t *msg = kmalloc(sizeof(*msg) + len);
	if (!msg)
		return NULL;
	list_init(&msg->link);
	msg->owner = NULL;
	msg->len = len;
	msg->off = 0;
	scm_init(&msg->scm);
	msg->fromlen = 0;
	return msg;
}

void unix_msg_free(unix_msg_t *msg)
{
	scm_release(&msg->scm);
	unix_put(msg->owner);
	kfree(msg);
}

void unix_msgs_free(list_t *dead)
{
	list_t *l;
	while ((l = list_pop_head(dead)))
		unix_msg_free(list_entry(l, unix_msg_t, link));
}

/* Queues msg from u on to's rxq (unix_lock held). */
static void enqueue_locked(unix_sock_t *u, unix_sock_t *to, unix_msg_t *msg)
{
	unix_hold(u);
	msg->owner = u;
	memcpy(&msg->from, &u->addr, sizeof(msg->from));
	msg->fromlen = u->addrlen;
	u->wmem += msg->len;
	list_insert_tail(&to->rxq, &msg->link);
	to->rxq_len++;
	kcond_broadcast(&to->wait);
}

/* Takes msg off u's rxq (unix_lock held): its sender gets the room back. */
static void dequeue_locked(unix_sock_t *u, unix_msg_t *msg)
{
	list_remove(&msg->link);
	u->rxq_len--;
	KASSERT(msg->owner->wmem >= msg->len, "AF_UNIX sender %p charged less than it sent",
		msg->owner);
	msg->owner->wmem -= msg->len;
	kcond_broadcast(&msg->owner->wait);
	kcond_broadcast(&u->wait);
}

void unix_rxq_take(unix_sock_t *u, list_t *dead)
{
	while (!list_empty(&u->rxq)) {
		unix_msg_t *msg = list_entry(u->rxq.next, unix_msg_t, link);
		dequeue_locked(u, msg);
		list_insert_tail(dead, &msg->link);
	}
}

/* Moves the call's control data (descriptors, credentials) onto msg. */
static void scm_attach(unix_msg_t *msg, sock_msg_t *m)
{
	msg->scm = m->scm;
	m->scm.files = NULL;
	m->scm.nfiles = 0;
}

/* Waits for the sender's memory to have room (unix_lock held). */
static int wait_sndbuf(unix_sock_t *u, bool nonblock)
{
	if (u->wmem < u->sndbuf)
		return 0;
	return nonblock ? -EAGAIN : unix_wait(u) < 0 ? -EINTR : 1;
}

/* One piece of a stream write (unix_lock held): 0 when queued, 1 to
 * wait and try again, or an error. */
static int stream_queue_locked(unix_sock_t *u, unix_sock_t *peer, unix_msg_t *msg, bool nonblock)
{
	if ((u->shutdown & UNIX_SEND_SHUTDOWN) || peer->dead ||
	    (peer->shutdown & UNIX_RCV_SHUTDOWN))
		return -EPIPE;
	int rc = wait_sndbuf(u, nonblock);
	if (rc == 0)
		enqueue_locked(u, peer, msg);
	return rc;
}

static ssize_t stream_send(unix_sock_t *u, sock_msg_t *m)
{
	if (m->namelen) {
		kmutex_lock(&unix_lock);
		int rc = u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
		kmutex_unlock(&unix_lock);
		return rc;
	}
	kmutex_lock(&unix_lock);
	unix_sock_t *peer = u->peer;	/* stays until our own release */
	int rc = !peer ? -ENOTCONN : (u->shutdown & UNIX_SEND_SHUTDOWN) ? -EPIPE : 0;
	size_t sndbuf = u->sndbuf;
	kmutex_unlock(&unix_lock);
	ssize_t sent = 0;
	while (rc == 0 && m->iter.left > 0) {
		size_t size = MIN(m->iter.left, MIN(sndbuf / 2, UNIX_STREAM_CHUNK));
		unix_msg_t *msg = msg_new(size);
		if (!msg) {
			rc = -ENOMEM;
			break;
		}
		if (sock_iter_from_user(&m->iter, msg->data, size) < 0) {
			unix_msg_free(msg);
			rc = -EFAULT;
			break;
		}
		scm_attach(msg, m);
		kmutex_lock(&unix_lock);
		while ((rc = stream_queue_locked(u, peer, msg, m->nonblock)) == 1)
			;
		kmutex_unlock(&unix_lock);
		if (rc < 0) {
			unix_msg_free(msg);
			break;
		}
		sent += size;
	}
	if (rc == -EPIPE && sent == 0)
		sock_sigpipe(m->flags);
	return sent ? sent : rc;
}

/* Where a datagram goes: the named socket or the peer, referenced. */
static int dgram_target(unix_sock_t *u, sock_msg_t *m, unix_sock_t **out)
{
	if (m->namelen && u->type == SOCK_DGRAM)
		return unix_find(m->name, m->namelen, SOCK_DGRAM, out);
	kmutex_lock(&unix_lock);
	int rc = 0;
	if (u->type == SOCK_SEQPACKET && u->err) {
		rc = -u->err;
		u->err = 0;
	} else if (u->type == SOCK_SEQPACKET && u->state != UNIX_CONNECTED) {
		rc = -ENOTCONN;
	} else if (!u->peer) {
		rc = -ENOTCONN;
	} else {
		unix_hold(u->peer);
		*out = u->peer;
	}
	kmutex_unlock(&unix_lock);
	return rc;
}

/* Queues one datagram (unix_lock held): 0, 1 to wait and retry, or an
 * error; *gone gets a dead peer this socket must drop. */
static int dgram_queue_locked(unix_sock_t *u, unix_sock_t *to, unix_msg_t *msg, bool nonblock,
			      unix_sock_t **gone)
{
	if (u->shutdown & UNIX_SEND_SHUTDOWN)
		return -EPIPE;
	if (to->dead) {
		if (u->type == SOCK_SEQPACKET)
			return -EPIPE;
		if (u->peer == to) {	/* Linux: the first send after is refused, then ENOTCONN */
			*gone = to;
			u->peer = NULL;
			u->state = UNIX_UNCONNECTED;
		}
		return -ECONNREFUSED;
	}
	if (u->type == SOCK_DGRAM && to->peer && to->peer != u)
		return -EPERM;
	if (to->shutdown & UNIX_RCV_SHUTDOWN)
		return -EPIPE;
	int rc = wait_sndbuf(u, nonblock);
	if (rc != 0)
		return rc;
	if (to->peer != u && to->rxq_len > UNIX_DGRAM_QLEN) {
		if (nonblock)
			return -EAGAIN;
		return unix_wait(to) < 0 ? -EINTR : 1;
	}
	enqueue_locked(u, to, msg);
	return 0;
}

static ssize_t dgram_send(unix_sock_t *u, sock_msg_t *m)
{
	size_t len = m->iter.left;
	if (len + UNIX_MSG_OVERHEAD > u->sndbuf)
		return -EMSGSIZE;
	unix_sock_t *to, *gone = NULL;
	int rc = dgram_target(u, m, &to);
	if (rc < 0)
		return rc;
	unix_msg_t *msg = msg_new(len);
	if (!msg) {
		rc = -ENOMEM;
	} else if (sock_iter_from_user(&m->iter, msg->data, len) < 0) {
		rc = -EFAULT;
	} else {
		scm_attach(msg, m);
		kmutex_lock(&unix_lock);
		while ((rc = dgram_queue_locked(u, to, msg, m->nonblock, &gone)) == 1)
			;
		kmutex_unlock(&unix_lock);
	}
	if (rc < 0 && msg)
		unix_msg_free(msg);
	unix_put(gone);
	unix_put(to);
	return rc < 0 ? rc : (ssize_t)len;
}

ssize_t unix_sendmsg(socket_t *so, sock_msg_t *m)
{
	unix_sock_t *u = unix_of(so);
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	return u->type == SOCK_STREAM ? stream_send(u, m) : dgram_send(u, m);
}

/* What ends a wait for data (unix_lock held): 1 to wait, or the result
 * (0 at end of file, a pending error, -EAGAIN). */
static int rx_wait_locked(unix_sock_t *u, bool nonblock)
{
	if (u->err) {
		int err = u->err;
		u->err = 0;
		return -err;
	}
	if (u->shutdown & UNIX_RCV_SHUTDOWN)
		return 0;
	if (nonblock)
		return -EAGAIN;
	return unix_wait(u) < 0 ? -EINTR : 1;
}

/* The source name of msg into the call. */
static void take_name(sock_msg_t *m, const unix_msg_t *msg)
{
	m->namelen = msg->fromlen;
	memcpy(m->name, &msg->from, msg->fromlen);
}

/* The control data of msg into the call: moved, or copied (peeking). */
static int take_scm(sock_msg_t *m, unix_msg_t *msg, bool peek)
{
	if (!peek) {
		m->scm = msg->scm;
		msg->scm.files = NULL;
		msg->scm.nfiles = 0;
		return 0;
	}
	return scm_dup(&m->scm, &msg->scm);
}

/* One step of a stream read: copies from msg (the next piece to read or
 * peek) with unix_lock dropped; the bytes copied or -EFAULT. */
static ssize_t stream_copy(unix_sock_t *u, sock_msg_t *m, unix_msg_t *msg, size_t off)
{
	size_t chunk = MIN(msg->len - off, m->iter.left);
	kmutex_unlock(&unix_lock);
	int rc = sock_iter_to_user(&m->iter, msg->data + off, chunk);
	kmutex_lock(&unix_lock);
	return rc < 0 ? rc : (ssize_t)chunk;
}

static ssize_t stream_recv(unix_sock_t *u, sock_msg_t *m)
{
	bool peek = m->flags & MSG_PEEK;
	size_t target = (m->flags & MSG_WAITALL) ? m->iter.left : 1;
	list_t dead;
	list_init(&dead);
	if (kmutex_lock_cancellable(&u->rx_mutex) < 0)
		return -EINTR;
	kmutex_lock(&unix_lock);
	ssize_t copied = 0, rc = 0;
	list_t *pos = &u->rxq;	/* the next piece is pos->next: peeking walks on */
	if (u->state != UNIX_CONNECTED)
		rc = -EINVAL;
	while (rc == 0 && m->iter.left > 0) {
		if (pos->next == &u->rxq) {
			if ((size_t)copied >= target)
				break;
			if ((rc = rx_wait_locked(u, m->nonblock)) == 1) {
				rc = 0;
				continue;
			}
			break;
		}
		unix_msg_t *msg = list_entry(pos->next, unix_msg_t, link);
		ssize_t n = stream_copy(u, m, msg, msg->off);
		if (n < 0) {
			rc = n;
			break;
		}
		if (copied == 0)
			take_name(m, msg);
		bool had_files = msg->scm.nfiles > 0;
		if (had_files && (rc = take_scm(m, msg, peek)) < 0)
			break;
		copied += n;
		if (peek) {
			pos = &msg->link;
		} else if ((msg->off += n) == msg->len) {
			dequeue_locked(u, msg);
			list_insert_tail(&dead, &msg->link);
		}
		if (had_files)
			break;
	}
	m->creds = u->passcred;
	kmutex_unlock(&unix_lock);
	kmutex_unlock(&u->rx_mutex);
	unix_msgs_free(&dead);
	return copied ? copied : rc;
}

static ssize_t dgram_recv(unix_sock_t *u, sock_msg_t *m)
{
	bool peek = m->flags & MSG_PEEK;
	unix_msg_t *msg = NULL;
	ssize_t rc = 0;
	if (kmutex_lock_cancellable(&u->rx_mutex) < 0)
		return -EINTR;
	kmutex_lock(&unix_lock);
	if (u->type == SOCK_SEQPACKET && u->state != UNIX_CONNECTED)
		rc = -ENOTCONN;
	while (rc == 0 && list_empty(&u->rxq)) {
		if ((rc = rx_wait_locked(u, m->nonblock)) != 1)
			break;
		rc = 0;
	}
	if (rc == 0 && !list_empty(&u->rxq)) {
		msg = list_entry(u->rxq.next, unix_msg_t, link);
		size_t n = MIN(msg->len, m->iter.left);
		kmutex_unlock(&unix_lock);
		rc = sock_iter_to_user(&m->iter, msg->data, n);
		kmutex_lock(&unix_lock);
		if (rc == 0) {
			if (n < msg->len)
				m->msg_flags |= MSG_TRUNC;
			take_name(m, msg);
			rc = take_scm(m, msg, peek);
		}
		if (rc == 0)
			rc = (m->flags & MSG_TRUNC) ? (ssize_t)msg->len : (ssize_t)n;
		if (!peek)
			dequeue_locked(u, msg);
		else
			msg = NULL;
	}
	m->creds = u->passcred;
	kmutex_unlock(&unix_lock);
	kmutex_unlock(&u->rx_mutex);
	if (msg)
		unix_msg_free(msg);
	return rc;
}

ssize_t unix_recvmsg(socket_t *so, sock_msg_t *m)
{
	unix_sock_t *u = unix_of(so);
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	return u->type == SOCK_STREAM ? stream_recv(u, m) : dgram_recv(u, m);
}
