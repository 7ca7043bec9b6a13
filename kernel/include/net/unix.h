/* AF_UNIX sockets (kernel/net/unix*.c), as Linux has them: SOCK_STREAM,
 * SOCK_DGRAM and SOCK_SEQPACKET; names in directories (an S_IFSOCK node)
 * or abstract (a leading NUL); connections queued on a listener until
 * accepted; descriptors and credentials passed with the data.
 *
 * Objects.  A unix_sock_t is one end.  A connection is two of them
 * pointing at each other (`peer`, referenced).  connect makes the
 * server's end at once (an embryo, on the listener's `acceptq`), so the
 * client may send before accept.  Data travels as unix_msg_t on the
 * receiver's `rxq`; each message is charged to its sender's `wmem`
 * (bytes still queued), which SO_SNDBUF bounds: a sender blocks, or gets
 * EAGAIN, until the receiver reads.  A datagram receiver also refuses
 * more than UNIX_DGRAM_QLEN messages from senders other than its peer.
 *
 * Locks.  unix_lock (a kmutex) protects every unix_sock_t field except
 * the reference count, the names table and the queues; it is held only
 * for queue and state changes, never across a copy to or from user
 * space, nor while files are released (a queued descriptor may be a
 * socket whose release takes unix_lock).  Each socket's `wait`
 * (a kcond over unix_lock) is broadcast on every change a sleeper or
 * poller of that socket may await.  `rx_mutex` lets one receiver at a
 * time take messages off the queue's head, and is held across its copy
 * out, so the head message stays while unix_lock is dropped.
 * `bind_mutex` serialises bind and autobind.  unix_ref_lock (a spinlock)
 * protects every reference count.  Order: bind_mutex -> rx_mutex ->
 * unix_lock -> unix_ref_lock. */
#pragma once
#include "util/list.h"
#include "net/socket.h"
#include "proc/kcond.h"
#include "proc/kmutex.h"

#define UNIX_DGRAM_QLEN 10		/* Linux's max_dgram_qlen */
#define UNIX_SNDBUF_DEFAULT 212992	/* Linux's wmem_default and wmem_max */
#define UNIX_SNDBUF_MIN 4608		/* Linux's SOCK_MIN_SNDBUF */
#define UNIX_RCVBUF_MIN 2304		/* Linux's SOCK_MIN_RCVBUF */
#define UNIX_MSG_OVERHEAD 32		/* a datagram larger than sndbuf less this is EMSGSIZE */
#define UNIX_STREAM_CHUNK 65536u	/* the largest piece of a stream write */

/* state */
#define UNIX_UNCONNECTED 0
#define UNIX_LISTENING 1
#define UNIX_CONNECTED 2

/* shutdown bits: Linux's RCV_SHUTDOWN and SEND_SHUTDOWN */
#define UNIX_RCV_SHUTDOWN 1
#define UNIX_SEND_SHUTDOWN 2
#define UNIX_SHUTDOWN_BOTH 3

typedef struct unix_sock {
	int refcount;			/* unix_ref_lock */
	int type;
	int state;
	int shutdown;			/* UNIX_*_SHUTDOWN */
	bool dead;			/* released: no file left */
	int err;			/* pending error for SO_ERROR, positive */
	struct unix_sock *peer;		/* referenced */
	/* the name: addrlen 0 if none; on the names table (name_link) if
	 * this socket bound it, copied from the listener if accepted */
	uint32_t addrlen;
	struct linux_sockaddr_un addr;
	vnode_t *name_vn;		/* a path's S_IFSOCK node, referenced */
	list_t name_link;
	list_t rxq;			/* unix_msg_t */
	size_t rxq_len;			/* messages on rxq */
	size_t wmem;			/* bytes sent by us still queued */
	list_t acceptq;			/* listening: embryos (unix_sock_t.accept_link) */
	list_t accept_link;
	int acceptq_len, backlog;
	uint32_t sndbuf, rcvbuf;
	bool passcred;
	bool has_peercred;
	struct linux_ucred peercred;	/* the peer's at connect, listen or socketpair */
	kcond_t wait;
	kmutex_t rx_mutex;
	kmutex_t bind_mutex;
} unix_sock_t;

/* One message (a datagram, or a piece of a stream). */
typedef struct unix_msg {
	list_t link;			/* on the receiver's rxq */
	unix_sock_t *owner;		/* the sender, referenced; its wmem counts len */
	size_t len, off;		/* bytes, bytes already read (stream) */
	scm_t scm;
	uint32_t fromlen;		/* the sender's name (0: none) */
	struct linux_sockaddr_un from;
	uint8_t data[];
} unix_msg_t;

extern kmutex_t unix_lock;
extern const sock_ops_t unix_ops;

/* unix_sock.c: objects, options, poll, shutdown, release */
void unix_init(void);
int unix_create(socket_t *so, int protocol);
/* A new end of type (referenced once), or NULL. */
unix_sock_t *unix_sock_new(int type);
void unix_hold(unix_sock_t *u);
/* Drops a reference; the last frees.  Not under unix_lock. */
void unix_put(unix_sock_t *u);
/* A unix_sock_t's socket end. */
static inline unix_sock_t *unix_of(socket_t *so) { return so->so_priv; }
/* The caller's credentials as a ucred. */
void unix_current_cred(struct linux_ucred *c);
/* Sleeps on u's wait (unix_lock held): 0, or -EINTR. */
int unix_wait(unix_sock_t *u);

/* unix_name.c: addresses and the names table */
/* Checks a user address: 0 or -EINVAL. */
int unix_addr_check(const void *addr, uint32_t len);
int unix_bind(socket_t *so, const void *addr, uint32_t len);
/* The bound socket of type that addr names, referenced: -ENOENT (no
 * such path), -ECONNREFUSED (no socket there), -EPROTOTYPE, ... */
int unix_find(const void *addr, uint32_t len, int type, unix_sock_t **out);
int unix_getname(socket_t *so, void *addr, uint32_t *len, bool peer);
/* Takes u's name off the table (unix_lock held); the node's reference
 * moves to *vn_out for the caller to drop outside the lock. */
void unix_name_remove(unix_sock_t *u, vnode_t **vn_out);

/* unix_conn.c: connections */
int unix_listen(socket_t *so, int backlog);
int unix_connect(socket_t *so, const void *addr, uint32_t len, bool nonblock);
int unix_accept(socket_t *so, socket_t **out, bool nonblock);

/* unix_io.c: messages */
ssize_t unix_sendmsg(socket_t *so, sock_msg_t *m);
ssize_t unix_recvmsg(socket_t *so, sock_msg_t *m);
/* Frees a message no longer queued (not under unix_lock). */
void unix_msg_free(unix_msg_t *msg);
/* Moves every message of u's rxq to dead (unix_lock held). */
void unix_rxq_take(unix_sock_t *u, list_t *dead);
/* Frees the messages on dead (not under unix_lock). */
void unix_msgs_free(list_t *dead);
