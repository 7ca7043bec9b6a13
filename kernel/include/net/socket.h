/* Sockets (kernel/net/): the socket layer that the system calls use.
 *
 * A socket is an open file on a vnode of sockfs, a file system that is
 * never mounted (as pipefs is for pipes): fstat shows S_IFSOCK, close
 * releases it, poll asks it.  The vnode's socket_t says which family
 * implements it through a table of operations (sock_ops_t); AF_UNIX is
 * the one family (net/unix.h).  The system-call side
 * (kernel/api/sys_socket.c) copies addresses, option values and the
 * msghdr in and out; data moves between user memory and the family's
 * buffers through a sock_iter_t, so a datagram of any shape (sendmsg's
 * iovecs, write's one buffer) is one message.  Control messages travel
 * as an scm_t (net/scm.h).
 *
 * Layering: net sits between api and vm (api -> net -> vm -> fs ...):
 * it uses the VFS (sockfs, names in directories, descriptor tables) and
 * proc (locks, signals); nothing below calls it except through sockfs's
 * vnode operations. */
#pragma once
#include "util/types.h"
#include "fs/file.h"
#include "net/abi.h"
#include "net/scm.h"
#include "net/sock_iter.h"

struct socket;
struct poll_table;

/* One send or receive.  Send: name/namelen the destination (a kernel
 * copy; namelen 0 for none), scm what the control messages carried.
 * Receive: name receives the source (namelen its length, 0 if none),
 * scm what came with the data, msg_flags MSG_TRUNC/MSG_CTRUNC/MSG_EOR. */
typedef struct sock_msg {
	sock_iter_t iter;
	uint8_t name[SOCK_ADDR_MAX];
	uint32_t namelen;
	scm_t scm;
	uint32_t flags;		/* MSG_* of the call */
	uint32_t msg_flags;	/* receive: what happened */
	bool nonblock;		/* O_NONBLOCK or MSG_DONTWAIT */
	bool creds;		/* receive: deliver scm.creds (SO_PASSCRED) */
} sock_msg_t;

/* A family's operations; addresses are kernel copies with their length.
 * Each returns a negative errno on failure. */
typedef struct sock_ops {
	void (*release)(struct socket *so);
	int (*bind)(struct socket *so, const void *addr, uint32_t len);
	int (*connect)(struct socket *so, const void *addr, uint32_t len, bool nonblock);
	int (*listen)(struct socket *so, int backlog);
	/* socketpair: connects two new sockets of the family. */
	int (*socketpair)(struct socket *a, struct socket *b);
	/* *out: the new connection's socket, made by the family. */
	int (*accept)(struct socket *so, struct socket **out, bool nonblock);
	/* The local (peer false) or remote name: its length in addr. */
	int (*getname)(struct socket *so, void *addr, uint32_t *len, bool peer);
	ssize_t (*sendmsg)(struct socket *so, sock_msg_t *m);
	ssize_t (*recvmsg)(struct socket *so, sock_msg_t *m);
	int (*shutdown)(struct socket *so, int how);
	/* SOL_SOCKET options; val holds len bytes (get: room for len, *len set). */
	int (*setsockopt)(struct socket *so, int level, int name, const void *val, uint32_t len);
	int (*getsockopt)(struct socket *so, int level, int name, void *val, uint32_t *len);
	uint32_t (*poll)(struct socket *so, struct poll_table *pt);
} sock_ops_t;

typedef struct socket {
	vnode_t *so_vnode;	/* sockfs's; vn_i points back here */
	int so_family, so_type;
	const sock_ops_t *so_ops;
	void *so_priv;		/* the family's */
} socket_t;

void net_init(void);

/* A new socket of family/type (flags stripped) with the family's state
 * made: 0 or -EAFNOSUPPORT, -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -ENOMEM.
 * The caller opens it (sock_open) or drops it (sock_destroy). */
int sock_create(int family, int type, int protocol, socket_t **out);
/* For a family making a connection's socket: an empty socket_t on a new
 * vnode (so_priv to be filled). */
int sock_alloc(int family, int type, const sock_ops_t *ops, socket_t **out);
/* Drops a socket never opened. */
void sock_destroy(socket_t *so);
/* Opens so as a file (O_RDWR plus O_NONBLOCK from flags) and installs
 * it (SOCK_CLOEXEC from flags): the descriptor; on failure so is gone. */
int sock_install(socket_t *so, uint32_t flags);
/* The socket behind fd, with the file referenced in *fp (fput it):
 * -EBADF, -ENOTSOCK. */
int sock_from_fd(int fd, socket_t **out, file_t **fp);
bool sock_is_socket(const vnode_t *vn);
/* Sends SIGPIPE to the caller unless MSG_NOSIGNAL (stream EPIPE). */
void sock_sigpipe(uint32_t flags);
