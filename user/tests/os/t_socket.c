/*
 * t_socket: AF_UNIX sockets as Linux has them (descriptor passing is
 * t_scm's).  Each rule is checked on M-OS and on the host Linux:
 *
 *  - both system-call paths: every call through socketcall(102) with its
 *    argument array and through the direct i386 calls (359..373);
 *  - socket/socketpair: the three types, SOCK_NONBLOCK/SOCK_CLOEXEC,
 *    fstat S_IFSOCK, F_GETFL O_RDWR, lseek/pread ESPIPE, EINVAL (flags,
 *    type), EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EFAULT;
 *  - names: bind makes an S_IFSOCK node (mode 0777 less umask) in
 *    $TMPDIR (S5FS on M-OS) and /dev/shm (ramfs), EADDRINUSE, EINVAL
 *    (bound twice, bad family or length), ENOENT; connect ENOENT,
 *    ECONNREFUSED (no listener, a non-socket file, a closed socket's
 *    name), EPROTOTYPE; unlink removes the name; abstract names (every
 *    byte counts, gone with the socket), autobind; getsockname/
 *    getpeername with truncation and ENOTCONN;
 *  - connections: listen (EOPNOTSUPP on DGRAM, EINVAL unbound), backlog
 *    (non-blocking connect EAGAIN when full, a blocked connect proceeds
 *    after accept), accept/accept4 (flags, EAGAIN, EINVAL, address of
 *    the client), EISCONN, ENOTCONN, EINVAL recv on unconnected stream;
 *  - data: read/write/readv/writev, MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL,
 *    MSG_TRUNC, message boundaries (DGRAM, SEQPACKET), EMSGSIZE,
 *    sendto/recvfrom addresses, EPIPE+SIGPIPE and MSG_NOSIGNAL, EOF,
 *    ECONNRESET, shutdown SHUT_RD/SHUT_WR/SHUT_RDWR, EAGAIN when full;
 *  - options: SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR, SO_SNDBUF/
 *    SO_RCVBUF (doubled), SO_PEERCRED, SO_PASSCRED, SO_ACCEPTCONN,
 *    ENOPROTOOPT, EINVAL, EFAULT; ENOTSOCK and EBADF for every call;
 *  - poll/select: POLLIN, POLLOUT, POLLHUP, POLLRDHUP, a listener's
 *    POLLIN, a child's write wakes a sleeping poll;
 *  - a stress: 4 children x 3 socket types send checksummed records
 *    through one server, all received intact.
 *
 * Every wait is bounded by alarm().
 */
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "utest.h"

#define GUARD_S 30
#define SC_SOCKET 1
#define SC_BIND 2
#define SC_CONNECT 3
#define SC_LISTEN 4
#define SC_ACCEPT 5
#define SC_GETSOCKNAME 6
#define SC_GETPEERNAME 7
#define SC_SOCKETPAIR 8
#define SC_SEND 9
#define SC_RECV 10
#define SC_SENDTO 11
#define SC_RECVFROM 12
#define SC_SHUTDOWN 13
#define SC_SETSOCKOPT 14
#define SC_GETSOCKOPT 15
#define SC_SENDMSG 16
#define SC_RECVMSG 17
#define SC_ACCEPT4 18
#define NR_SOCKETCALL 102
#define NR_SOCKET 359
#define NR_SOCKETPAIR 360
#define NR_BIND 361
#define NR_CONNECT 362
#define NR_LISTEN 363
#define NR_ACCEPT4 364
#define NR_GETSOCKOPT 365
#define NR_SETSOCKOPT 366
#define NR_GETSOCKNAME 367
#define NR_GETPEERNAME 368
#define NR_SENDTO 369
#define NR_SENDMSG 370
#define NR_RECVFROM 371
#define NR_RECVMSG 372
#define NR_SHUTDOWN 373
#define BAD_PTR ((void *)8)

static char dir_tmp[PATH_MAX];

/* socketcall with its argument array. */
static long sc(int call, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long args[6] = { a0, a1, a2, a3, a4, a5 };
	return syscall(NR_SOCKETCALL, call, args);
}

static socklen_t sun_set(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

/* An abstract name: NUL then name. */
static socklen_t sun_abstract(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* A listening stream (or seqpacket) socket on path. */
static int listener(int type, const char *path, int backlog)
{
	struct sockaddr_un a;
	socklen_t len = sun_set(&a, path);
	unlink(path);
	int fd = socket(AF_UNIX, type, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, backlog) < 0) {
		UT_CHECK(0, "listener on %s: %s", path, strerror(errno));
		return -1;
	}
	return fd;
}

static int connect_to(int type, const char *path, int flags)
{
	struct sockaddr_un a;
	socklen_t len = sun_set(&a, path);
	int fd = socket(AF_UNIX, type | flags, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void tmp_path(char *buf, size_t n, const char *dir, const char *tag)
{
	snprintf(buf, n, "%s/t_socket.%d.%s", dir, (int)getpid(), tag);
}

/* ---- both system-call paths ------------------------------------------- */

static void test_paths(bool via_socketcall)
{
	const char *how = via_socketcall ? "socketcall" : "direct";
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), dir_tmp, via_socketcall ? "sc" : "direct");
	unlink(path);
	struct sockaddr_un a, got;
	socklen_t alen = sun_set(&a, path), glen;
#define CALL(scn, nr, ...) (via_socketcall ? sc(scn, __VA_ARGS__) : syscall(nr, __VA_ARGS__))
	long srv = via_socketcall ? sc(SC_SOCKET, AF_UNIX, SOCK_STREAM, 0, 0, 0, 0)
				  : syscall(NR_SOCKET, AF_UNIX, SOCK_STREAM, 0);
	UT_CHECK(srv >= 0, "%s: socket: %s", how, strerror(errno));
	long rc = CALL(SC_BIND, NR_BIND, srv, (long)&a, alen, 0, 0, 0);
	UT_CHECK(rc == 0, "%s: bind: %s", how, strerror(errno));
	rc = CALL(SC_LISTEN, NR_LISTEN, srv, 4, 0, 0, 0, 0);
	UT_CHECK(rc == 0, "%s: listen: %s", how, strerror(errno));
	long cli = CALL(SC_SOCKET, NR_SOCKET, AF_UNIX, SOCK_STREAM, 0, 0, 0, 0);
	rc = CALL(SC_CONNECT, NR_CONNECT, cli, (long)&a, alen, 0, 0, 0);
	UT_CHECK(rc == 0, "%s: connect: %s", how, strerror(errno));
	glen = sizeof(got);
	long acc = via_socketcall ? sc(SC_ACCEPT, srv, (long)&got, (long)&glen, 0, 0, 0)
				  : syscall(NR_ACCEPT4, srv, &got, &glen, 0);
	UT_CHECK(acc >= 0 && glen == offsetof(struct sockaddr_un, sun_path) &&
		 got.sun_family == AF_UNIX, "%s: accept: %ld (%s), addrlen %u", how, acc,
		 strerror(errno), glen);
	glen = sizeof(got);
	rc = CALL(SC_GETSOCKNAME, NR_GETSOCKNAME, srv, (long)&got, (long)&glen, 0, 0, 0);
	UT_CHECK(rc == 0 && glen == alen && !strcmp(got.sun_path, path),
		 "%s: getsockname: %ld len %u %s", how, rc, glen, got.sun_path);
	glen = sizeof(got);
	rc = CALL(SC_GETPEERNAME, NR_GETPEERNAME, cli, (long)&got, (long)&glen, 0, 0, 0);
	UT_CHECK(rc == 0 && glen == alen && !strcmp(got.sun_path, path),
		 "%s: getpeername: %ld len %u", how, rc, glen);
	rc = via_socketcall ? sc(SC_SEND, cli, (long)"abc", 3, 0, 0, 0)
			    : syscall(NR_SENDTO, cli, "abc", 3, 0, NULL, 0);
	UT_CHECK(rc == 3, "%s: send: %ld %s", how, rc, strerror(errno));
	char buf[16] = { 0 };
	rc = via_socketcall ? sc(SC_RECV, acc, (long)buf, sizeof(buf), 0, 0, 0)
			    : syscall(NR_RECVFROM, acc, buf, sizeof(buf), 0, NULL, NULL);
	UT_CHECK(rc == 3 && !memcmp(buf, "abc", 3), "%s: recv: %ld", how, rc);
	rc = CALL(SC_SENDTO, NR_SENDTO, acc, (long)"xy", 2, 0, 0, 0);
	UT_CHECK(rc == 2, "%s: sendto: %ld %s", how, rc, strerror(errno));
	glen = sizeof(got);
	rc = CALL(SC_RECVFROM, NR_RECVFROM, cli, (long)buf, sizeof(buf), 0, (long)&got, (long)&glen);
	UT_CHECK(rc == 2 && !memcmp(buf, "xy", 2), "%s: recvfrom: %ld", how, rc);
	struct iovec iov[2] = { { "12", 2 }, { "345", 3 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	rc = CALL(SC_SENDMSG, NR_SENDMSG, cli, (long)&mh, 0, 0, 0, 0);
	UT_CHECK(rc == 5, "%s: sendmsg: %ld %s", how, rc, strerror(errno));
	struct iovec riov = { buf, 5 };
	struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1 };
	rc = CALL(SC_RECVMSG, NR_RECVMSG, acc, (long)&rh, MSG_WAITALL, 0, 0, 0);
	UT_CHECK(rc == 5 && !memcmp(buf, "12345", 5), "%s: recvmsg: %ld", how, rc);
	int v = 4096;
	rc = CALL(SC_SETSOCKOPT, NR_SETSOCKOPT, cli, SOL_SOCKET, SO_SNDBUF, (long)&v, sizeof(v), 0);
	UT_CHECK(rc == 0, "%s: setsockopt: %s", how, strerror(errno));
	socklen_t vl = sizeof(v);
	rc = CALL(SC_GETSOCKOPT, NR_GETSOCKOPT, cli, SOL_SOCKET, SO_TYPE, (long)&v, (long)&vl, 0);
	UT_CHECK(rc == 0 && v == SOCK_STREAM && vl == sizeof(int), "%s: getsockopt: %ld %d", how, rc, v);
	rc = CALL(SC_SHUTDOWN, NR_SHUTDOWN, cli, SHUT_WR, 0, 0, 0, 0);
	UT_CHECK(rc == 0, "%s: shutdown: %s", how, strerror(errno));
	rc = read((int)acc, buf, sizeof(buf));
	UT_CHECK(rc == 0, "%s: EOF after shutdown: %ld", how, rc);
	int sv[2] = { -1, -1 };
	rc = CALL(SC_SOCKETPAIR, NR_SOCKETPAIR, AF_UNIX, SOCK_DGRAM, 0, (long)sv, 0, 0);
	UT_CHECK(rc == 0 && sv[0] >= 0 && sv[1] >= 0, "%s: socketpair: %s", how, strerror(errno));
	fcntl((int)srv, F_SETFL, O_NONBLOCK);
	long nfd = via_socketcall ? sc(SC_ACCEPT4, srv, 0, 0, SOCK_NONBLOCK, 0, 0)
				  : syscall(NR_ACCEPT4, srv, NULL, NULL, SOCK_NONBLOCK);
	UT_CHECK(nfd < 0 && errno == EAGAIN, "%s: accept4 on an empty non-blocking queue: %ld %s",
		 how, nfd, strerror(errno));
	close(sv[0]);
	close(sv[1]);
	close((int)acc);
	close((int)cli);
	close((int)srv);
	unlink(path);
	if (via_socketcall) {
		UT_EXPECT_ERRNO(syscall(NR_SOCKETCALL, 0, NULL), EINVAL);
		UT_EXPECT_ERRNO(syscall(NR_SOCKETCALL, 21, NULL), EINVAL);
		UT_EXPECT_ERRNO(syscall(NR_SOCKETCALL, SC_SOCKET, BAD_PTR), EFAULT);
	}
#undef CALL
}

/* ---- creation ---------------------------------------------------------- */

static void test_create(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int fd = socket(AF_UNIX, types[i], 0);
		struct stat st;
		UT_CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode),
			 "type %d: socket and fstat S_IFSOCK", types[i]);
		UT_CHECK(fcntl(fd, F_GETFL) == O_RDWR, "type %d: F_GETFL %#x", types[i],
			 fcntl(fd, F_GETFL));
		UT_CHECK(fcntl(fd, F_GETFD) == 0, "type %d: not close-on-exec", types[i]);
		int v = -1;
		socklen_t vl = sizeof(v);
		UT_CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == types[i],
			 "SO_TYPE %d for %d", v, types[i]);
		vl = sizeof(v);
		UT_CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0 && v == AF_UNIX,
			 "SO_DOMAIN %d", v);
		vl = sizeof(v);
		UT_CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == 0,
			 "SO_PROTOCOL %d", v);
		UT_EXPECT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE);
		char c;
		UT_EXPECT_ERRNO(pread(fd, &c, 1, 0), ESPIPE);
		close(fd);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	UT_CHECK(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK) && fcntl(fd, F_GETFD) == FD_CLOEXEC,
		 "SOCK_NONBLOCK|SOCK_CLOEXEC: flags %#x fd flags %d", fcntl(fd, F_GETFL),
		 fcntl(fd, F_GETFD));
	close(fd);
	UT_EXPECT_ERRNO_EMU(socket(AF_UNIX, SOCK_STREAM | 0x1000, 0), EINVAL,
			    "qemu-i386 drops unknown type flags");
	UT_EXPECT_ERRNO(socket(AF_UNIX, 11, 0), EINVAL);
	UT_EXPECT_ERRNO(socket(AF_UNIX, 4, 0), ESOCKTNOSUPPORT);	/* SOCK_RDM */
	UT_EXPECT_ERRNO(socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
	UT_EXPECT_ERRNO(socket(200, SOCK_STREAM, 0), EAFNOSUPPORT);
	int sv[2];
	UT_EXPECT_ERRNO(syscall(NR_SOCKETPAIR, AF_UNIX, SOCK_STREAM, 0, BAD_PTR), EFAULT);
	UT_EXPECT_ERRNO_EMU(socketpair(AF_UNIX, SOCK_STREAM | 0x1000, 0, sv), EINVAL,
			    "qemu-i386 drops unknown type flags");
	UT_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0 &&
		 fcntl(sv[0], F_GETFD) == FD_CLOEXEC && fcntl(sv[1], F_GETFD) == FD_CLOEXEC,
		 "socketpair SOCK_CLOEXEC");
	close(sv[0]);
	close(sv[1]);
}

/* ENOTSOCK and EBADF for every call. */
static void test_not_socket(void)
{
	int p[2];
	if (pipe(p) < 0)
		return;
	struct sockaddr_un a;
	socklen_t len = sun_set(&a, "x"), al = sizeof(a);
	int v = 1;
	socklen_t vl = sizeof(v);
	char c = 0;
	struct msghdr mh = { 0 };
	int fds[2] = { p[0], 99 };
	for (int i = 0; i < 2; i++) {
		int fd = fds[i], e = i == 0 ? ENOTSOCK : EBADF;
		UT_EXPECT_ERRNO(bind(fd, (struct sockaddr *)&a, len), e);
		UT_EXPECT_ERRNO(connect(fd, (struct sockaddr *)&a, len), e);
		UT_EXPECT_ERRNO(listen(fd, 1), e);
		UT_EXPECT_ERRNO(accept(fd, NULL, NULL), e);
		UT_EXPECT_ERRNO(getsockname(fd, (struct sockaddr *)&a, &al), e);
		UT_EXPECT_ERRNO(getpeername(fd, (struct sockaddr *)&a, &al), e);
		UT_EXPECT_ERRNO(send(fd, &c, 1, 0), e);
		UT_EXPECT_ERRNO(recv(fd, &c, 1, MSG_DONTWAIT), e);
		UT_EXPECT_ERRNO_EMU(sendmsg(fd, &mh, 0), e,
				    "qemu-i386 answers an empty msghdr itself");
		UT_EXPECT_ERRNO_EMU(recvmsg(fd, &mh, MSG_DONTWAIT), e,
				    "qemu-i386 answers an empty msghdr itself");
		UT_EXPECT_ERRNO(shutdown(fd, SHUT_RD), e);
		UT_EXPECT_ERRNO(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)), e);
		UT_EXPECT_ERRNO(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl), e);
	}
	close(p[0]);
	close(p[1]);
}

/* ---- names ------------------------------------------------------------- */

static void test_path_names(const char *dir)
{
	char path[PATH_MAX], other[PATH_MAX];
	tmp_path(path, sizeof(path), dir, "name");
	tmp_path(other, sizeof(other), dir, "file");
	unlink(path);
	struct sockaddr_un a, got;
	socklen_t len = sun_set(&a, path), glen = sizeof(got);
	mode_t old = umask(022);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_CHECK(bind(s, (struct sockaddr *)&a, len) == 0, "%s: bind: %s", dir, strerror(errno));
	umask(old);
	struct stat st;
	UT_CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0755,
		 "%s: the name is an S_IFSOCK node 0755: %o", dir, st.st_mode);
	UT_CHECK(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
		 !strcmp(got.sun_path, path), "%s: getsockname %u %s", dir, glen, got.sun_path);
	glen = 4;	/* truncated, full length reported */
	memset(&got, 0x55, sizeof(got));
	UT_CHECK(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
		 got.sun_path[2] == 0x55, "%s: truncated getsockname: %u", dir, glen);
	UT_EXPECT_ERRNO(bind(s, (struct sockaddr *)&a, len), EADDRINUSE);	/* the name exists */
	struct sockaddr_un a2;
	UT_EXPECT_ERRNO(bind(s, (struct sockaddr *)&a2, sun_set(&a2, other)), EINVAL);	/* bound already */
	UT_EXPECT_ERRNO(access(other, F_OK), ENOENT);	/* and that name is not left behind */
	int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_EXPECT_ERRNO(bind(s2, (struct sockaddr *)&a, len), EADDRINUSE);
	UT_EXPECT_ERRNO(connect(s2, (struct sockaddr *)&a, len), ECONNREFUSED);	/* no listener */
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	UT_EXPECT_ERRNO(connect(d, (struct sockaddr *)&a, len), EPROTOTYPE);
	UT_EXPECT_ERRNO(sendto(d, "x", 1, 0, (struct sockaddr *)&a, len), EPROTOTYPE);
	close(d);
	UT_CHECK(listen(s, 2) == 0, "%s: listen", dir);
	int c = connect_to(SOCK_STREAM, path, 0);
	UT_CHECK(c >= 0, "%s: connect to the name: %s", dir, strerror(errno));
	close(c);
	close(s);
	UT_CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode), "%s: the name outlives the socket",
		 dir);
	UT_EXPECT_ERRNO(connect(s2, (struct sockaddr *)&a, len), ECONNREFUSED);
	UT_CHECK(unlink(path) == 0, "%s: unlink the name", dir);
	UT_EXPECT_ERRNO(connect(s2, (struct sockaddr *)&a, len), ENOENT);
	int f = open(other, O_CREAT | O_WRONLY, 0600);
	close(f);
	socklen_t olen = sun_set(&a, other);
	UT_EXPECT_ERRNO(connect(s2, (struct sockaddr *)&a, olen), ECONNREFUSED);
	UT_EXPECT_ERRNO(bind(s2, (struct sockaddr *)&a, olen), EADDRINUSE);
	unlink(other);
	char nodir[PATH_MAX];
	snprintf(nodir, sizeof(nodir), "%s/t_socket.nodir/x", dir);
	UT_EXPECT_ERRNO(bind(s2, (struct sockaddr *)&a, sun_set(&a, nodir)), ENOENT);
	close(s2);
}

static void test_bad_addresses(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a;
	socklen_t len = sun_set(&a, "t_socket.bad");
	UT_EXPECT_ERRNO(bind(s, (struct sockaddr *)&a, 1), EINVAL);
	UT_EXPECT_ERRNO(bind(s, (struct sockaddr *)&a, sizeof(a) + 1), EINVAL);
	UT_EXPECT_ERRNO_EMU(bind(s, (struct sockaddr *)&a, 4096), EINVAL,
			    "qemu-i386 copies the address before the kernel sees its length");
	UT_EXPECT_ERRNO(bind(s, BAD_PTR, len), EFAULT);
	UT_EXPECT_ERRNO(connect(s, BAD_PTR, len), EFAULT);
	a.sun_family = AF_INET;
	UT_EXPECT_ERRNO(bind(s, (struct sockaddr *)&a, len), EINVAL);
	UT_EXPECT_ERRNO(connect(s, (struct sockaddr *)&a, len), EINVAL);
	socklen_t gl = sizeof(a);
	UT_EXPECT_ERRNO(getsockname(s, BAD_PTR, &gl), EFAULT);
	UT_EXPECT_ERRNO(getsockname(s, (struct sockaddr *)&a, BAD_PTR), EFAULT);
	gl = (socklen_t)-1;
	UT_EXPECT_ERRNO(getsockname(s, (struct sockaddr *)&a, &gl), EINVAL);
	gl = sizeof(a);
	UT_CHECK(getsockname(s, (struct sockaddr *)&a, &gl) == 0 && gl == sizeof(sa_family_t) &&
		 a.sun_family == AF_UNIX, "an unbound socket's name: len %u", gl);
	UT_EXPECT_ERRNO(getpeername(s, (struct sockaddr *)&a, &gl), ENOTCONN);
	close(s);
}

static void test_abstract(void)
{
	char name[64];
	snprintf(name, sizeof(name), "t_socket.%d", (int)getpid());
	struct sockaddr_un a, got;
	socklen_t len = sun_abstract(&a, name), glen = sizeof(got);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_CHECK(bind(s, (struct sockaddr *)&a, len) == 0 && listen(s, 1) == 0,
		 "abstract bind: %s", strerror(errno));
	UT_CHECK(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
		 !memcmp(&got, &a, len), "abstract getsockname: %u", glen);
	int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_EXPECT_ERRNO(bind(s2, (struct sockaddr *)&a, len), EADDRINUSE);
	UT_EXPECT_ERRNO(connect(s2, (struct sockaddr *)&a, len - 1), ECONNREFUSED);	/* every byte counts */
	UT_CHECK(connect(s2, (struct sockaddr *)&a, len) == 0, "abstract connect: %s", strerror(errno));
	close(s2);
	close(s);
	s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_EXPECT_ERRNO(connect(s2, (struct sockaddr *)&a, len), ECONNREFUSED);	/* gone with it */
	close(s2);
	/* autobind: only the family */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un fam = { .sun_family = AF_UNIX };
	UT_CHECK(bind(s, (struct sockaddr *)&fam, sizeof(sa_family_t)) == 0, "autobind: %s",
		 strerror(errno));
	glen = sizeof(got);
	UT_CHECK(getsockname(s, (struct sockaddr *)&got, &glen) == 0 &&
		 glen == offsetof(struct sockaddr_un, sun_path) + 6 && got.sun_path[0] == 0,
		 "autobind name: len %u", glen);
	UT_CHECK(bind(s, (struct sockaddr *)&fam, sizeof(sa_family_t)) == 0,
		 "autobind again keeps the name");
	close(s);
}

/* ---- connections ------------------------------------------------------- */

static void test_connections(void)
{
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), dir_tmp, "conn");
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	UT_EXPECT_ERRNO(listen(d, 1), EOPNOTSUPP);
	UT_EXPECT_ERRNO(accept(d, NULL, NULL), EOPNOTSUPP);
	close(d);
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_EXPECT_ERRNO(listen(u, 1), EINVAL);	/* unbound */
	UT_EXPECT_ERRNO(accept(u, NULL, NULL), EINVAL);
	char c;
	UT_EXPECT_ERRNO(recv(u, &c, 1, 0), EINVAL);
	UT_EXPECT_ERRNO(send(u, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	close(u);
	int l = listener(SOCK_STREAM, path, 1);
	int v = 0;
	socklen_t vl = sizeof(v);
	UT_CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1, "SO_ACCEPTCONN");
	fcntl(l, F_SETFL, O_NONBLOCK);
	UT_EXPECT_ERRNO(accept(l, NULL, NULL), EAGAIN);
	UT_EXPECT_ERRNO(accept4(l, NULL, NULL, 0x1000), EINVAL);
	/* backlog 1: two connections wait, the third is EAGAIN */
	int c1 = connect_to(SOCK_STREAM, path, SOCK_NONBLOCK);
	int c2 = connect_to(SOCK_STREAM, path, SOCK_NONBLOCK);
	UT_CHECK(c1 >= 0 && c2 >= 0, "two connects within the backlog: %s", strerror(errno));
	int c3 = connect_to(SOCK_STREAM, path, SOCK_NONBLOCK);
	UT_CHECK(c3 < 0 && errno == EAGAIN, "a third is EAGAIN: %d %s", c3, strerror(errno));
	UT_CHECK(send(c1, "hi", 2, 0) == 2, "send before accept");
	struct sockaddr_un a;
	UT_EXPECT_ERRNO(connect(c1, (struct sockaddr *)&a, sun_set(&a, path)), EAGAIN);	/* the queue first */
	UT_EXPECT_ERRNO(listen(c1, 1), EINVAL);
	UT_EXPECT_ERRNO(sendto(c1, "x", 1, 0, (struct sockaddr *)&a, sun_set(&a, path)), EISCONN);
	/* a blocked connect goes on after an accept makes room */
	pid_t pid = fork();
	if (pid == 0) {
		int fd = connect_to(SOCK_STREAM, path, 0);
		_exit(fd >= 0 && send(fd, "z", 1, 0) == 1 ? 0 : 1);
	}
	usleep(100000);
	int a1 = accept4(l, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	UT_CHECK(a1 >= 0 && fcntl(a1, F_GETFD) == FD_CLOEXEC && (fcntl(a1, F_GETFL) & O_NONBLOCK),
		 "accept4 flags");
	char buf[8] = { 0 };
	UT_CHECK(recv(a1, buf, sizeof(buf), 0) == 2 && !memcmp(buf, "hi", 2),
		 "data sent before accept arrives");
	int st = -1;
	UT_CHECK(ut_wait(pid, &st, 10000) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the blocked connect completed: %#x", st);
	int a2 = accept(l, NULL, NULL), a3 = accept(l, NULL, NULL);
	UT_CHECK(a2 >= 0 && a3 >= 0, "accept the others");
	UT_EXPECT_ERRNO(connect(c1, (struct sockaddr *)&a, sun_set(&a, path)), EISCONN);
	/* SO_PEERCRED both ways */
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	UT_CHECK(getsockopt(c1, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0 && cr.pid == getpid() &&
		 cr.uid == getuid() && cr.gid == getgid() && cl == sizeof(cr), "client's SO_PEERCRED");
	cl = sizeof(cr);
	UT_CHECK(getsockopt(a3, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0 && cr.pid == pid,
		 "server's SO_PEERCRED is the child's: %d %d", cr.pid, pid);
	close(a1);
	close(a2);
	close(a3);
	close(c1);
	close(c2);
	/* closing a listener resets waiting connections */
	c1 = connect_to(SOCK_STREAM, path, 0);
	close(l);
	UT_EXPECT_ERRNO(recv(c1, buf, 1, 0), ECONNRESET);
	UT_CHECK(recv(c1, buf, 1, 0) == 0, "then EOF");
	close(c1);
	unlink(path);
}

/* ---- data -------------------------------------------------------------- */

static int got_sigpipe;
static void on_sigpipe(int sig) { got_sigpipe = sig; }

static void test_stream_data(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	UT_CHECK(write(sv[0], "hello", 5) == 5, "write");
	struct iovec iov[2] = { { " wor", 4 }, { "ld", 2 } };
	UT_CHECK(writev(sv[0], iov, 2) == 6, "writev");
	char buf[64] = { 0 };
	UT_CHECK(recv(sv[1], buf, 3, MSG_PEEK) == 3 && !memcmp(buf, "hel", 3), "MSG_PEEK");
	UT_CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 11, "peek across writes");
	char r1[4] = { 0 }, r2[16] = { 0 };
	struct iovec riov[2] = { { r1, 3 }, { r2, sizeof(r2) } };
	UT_CHECK(readv(sv[1], riov, 2) == 11 && !memcmp(r1, "hel", 3) &&
		 !memcmp(r2, "lo world", 8), "readv gathers both writes");
	UT_EXPECT_ERRNO(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
	/* MSG_WAITALL waits for the whole request */
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 4; i++) {
			usleep(20000);
			if (write(sv[0], "abcd", 4) != 4)
				_exit(1);
		}
		_exit(0);
	}
	UT_CHECK(recv(sv[1], buf, 16, MSG_WAITALL) == 16, "MSG_WAITALL got 16 bytes");
	ut_wait(pid, NULL, 10000);
	UT_EXPECT_ERRNO(send(sv[0], BAD_PTR, 4, 0), EFAULT);
	UT_EXPECT_ERRNO_EMU(recv(sv[1], BAD_PTR, 4, MSG_DONTWAIT), EAGAIN,
			    "qemu-i386 checks the buffer before the kernel");
	send(sv[0], "q", 1, 0);
	UT_EXPECT_ERRNO(recv(sv[1], BAD_PTR, 4, 0), EFAULT);
	/* shutdown */
	UT_CHECK(shutdown(sv[0], SHUT_WR) == 0, "SHUT_WR");
	UT_CHECK(recv(sv[1], buf, sizeof(buf), 0) == 1, "the byte left");
	UT_CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0, "EOF after the peer's SHUT_WR");
	UT_EXPECT_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	UT_CHECK(send(sv[1], "back", 4, 0) == 4 && recv(sv[0], buf, 4, 0) == 4,
		 "the other direction still works");
	UT_EXPECT_ERRNO(shutdown(sv[0], 3), EINVAL);
	UT_CHECK(shutdown(sv[1], SHUT_RD) == 0, "SHUT_RD");
	UT_CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0, "read after SHUT_RD is EOF");
	close(sv[0]);
	close(sv[1]);
	/* EPIPE and SIGPIPE on a closed peer */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	struct sigaction sa = { .sa_handler = on_sigpipe }, old;
	sigaction(SIGPIPE, &sa, &old);
	got_sigpipe = 0;
	UT_EXPECT_ERRNO(write(sv[0], "x", 1), EPIPE);
	UT_CHECK(got_sigpipe == SIGPIPE, "SIGPIPE with EPIPE");
	got_sigpipe = 0;
	UT_EXPECT_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	UT_CHECK(got_sigpipe == 0, "no SIGPIPE with MSG_NOSIGNAL");
	sigaction(SIGPIPE, &old, NULL);
	UT_CHECK(read(sv[0], buf, 1) == 0, "EOF from a closed peer");
	close(sv[0]);
	/* ECONNRESET: the peer closed with our data unread */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send(sv[0], "lost", 4, 0);
	close(sv[1]);
	UT_EXPECT_ERRNO(recv(sv[0], buf, 4, 0), ECONNRESET);
	UT_CHECK(recv(sv[0], buf, 4, 0) == 0, "EOF after ECONNRESET");
	close(sv[0]);
	/* a full socket: EAGAIN, then room after a read */
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	static char big[4096];
	size_t total = 0;
	ssize_t n;
	while ((n = send(sv[0], big, sizeof(big), 0)) > 0 && total < (64u << 20))
		total += (size_t)n;
	UT_CHECK(n < 0 && errno == EAGAIN && total > 0, "fills up with EAGAIN after %zu", total);
	size_t drained = 0;
	while ((n = recv(sv[1], big, sizeof(big), 0)) > 0)
		drained += (size_t)n;
	UT_CHECK(drained == total, "every byte read back: %zu of %zu", drained, total);
	UT_CHECK(send(sv[0], big, 10, 0) == 10, "room again");
	close(sv[0]);
	close(sv[1]);
}

static void test_dgram_data(int type)
{
	int sv[2];
	socketpair(AF_UNIX, type, 0, sv);
	UT_CHECK(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "", 0, 0) == 0 &&
		 send(sv[0], "three!", 6, 0) == 6, "type %d: three messages", type);
	char buf[16];
	UT_CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 3, "type %d: peek one", type);
	UT_CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3, "type %d: one whole", type);
	UT_CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0, "type %d: the empty message", type);
	struct iovec iov = { buf, 2 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	UT_CHECK(recvmsg(sv[1], &mh, 0) == 2 && (mh.msg_flags & MSG_TRUNC), "type %d: MSG_TRUNC flag",
		 type);
	UT_EXPECT_ERRNO(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);	/* rest dropped */
	send(sv[0], "abcdef", 6, 0);
	UT_CHECK(recv(sv[1], buf, 2, MSG_TRUNC) == 6, "type %d: MSG_TRUNC gives the real length", type);
	struct iovec w[3] = { { "a", 1 }, { "bc", 2 }, { "def", 3 } };
	UT_CHECK(writev(sv[0], w, 3) == 6 && read(sv[1], buf, sizeof(buf)) == 6, "type %d: writev is one message", type);
	int v = 0;
	socklen_t vl = sizeof(v);
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &vl);
	char *huge = calloc(1, (size_t)v + 1);
	UT_EXPECT_ERRNO(send(sv[0], huge, (size_t)v + 1, 0), EMSGSIZE);
	free(huge);
	close(sv[1]);
	if (type == SOCK_SEQPACKET) {
		UT_EXPECT_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
		UT_CHECK(recv(sv[0], buf, 1, 0) == 0, "seqpacket: EOF from a closed peer");
	}
	close(sv[0]);
}

static void test_dgram_names(void)
{
	char p1[PATH_MAX], p2[PATH_MAX];
	tmp_path(p1, sizeof(p1), dir_tmp, "d1");
	tmp_path(p2, sizeof(p2), dir_tmp, "d2");
	unlink(p1);
	unlink(p2);
	struct sockaddr_un a1, a2, got;
	socklen_t l1 = sun_set(&a1, p1), l2 = sun_set(&a2, p2), gl = sizeof(got);
	int s1 = socket(AF_UNIX, SOCK_DGRAM, 0), s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	int s3 = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(s1, (struct sockaddr *)&a1, l1);
	bind(s2, (struct sockaddr *)&a2, l2);
	UT_EXPECT_ERRNO(send(s3, "x", 1, 0), ENOTCONN);
	UT_CHECK(sendto(s2, "from2", 5, 0, (struct sockaddr *)&a1, l1) == 5, "sendto a name");
	char buf[16];
	UT_CHECK(recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&got, &gl) == 5 &&
		 gl == l2 && !strcmp(got.sun_path, p2), "recvfrom tells the sender: %u", gl);
	gl = sizeof(got);
	sendto(s3, "anon", 4, 0, (struct sockaddr *)&a1, l1);
	UT_CHECK(recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&got, &gl) == 4 && gl == 0,
		 "an unnamed sender: addrlen %u", gl);
	UT_CHECK(connect(s1, (struct sockaddr *)&a2, l2) == 0, "dgram connect");
	UT_CHECK(send(s1, "c", 1, 0) == 1 && recv(s2, buf, 1, 0) == 1, "send to the default");
	UT_EXPECT_ERRNO(sendto(s3, "x", 1, 0, (struct sockaddr *)&a1, l1), EPERM);	/* s1 talks to s2 only */
	struct sockaddr_un unspec = { .sun_family = AF_UNSPEC };
	UT_CHECK(connect(s1, (struct sockaddr *)&unspec, sizeof(unspec)) == 0, "AF_UNSPEC disconnects");
	UT_EXPECT_ERRNO(send(s1, "x", 1, 0), ENOTCONN);
	UT_CHECK(connect(s3, (struct sockaddr *)&a2, l2) == 0, "connect s3 to s2");
	close(s2);
	UT_EXPECT_ERRNO(send(s3, "x", 1, 0), ECONNREFUSED);
	UT_EXPECT_ERRNO(send(s3, "x", 1, 0), ENOTCONN);
	close(s1);
	close(s3);
	unlink(p1);
	unlink(p2);
}

/* ---- options ----------------------------------------------------------- */

static void test_options(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	int v = 16384, g = 0;
	socklen_t gl = sizeof(g);
	UT_CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0 &&
		 getsockopt(s, SOL_SOCKET, SO_SNDBUF, &g, &gl) == 0 && g == 2 * v,
		 "SO_SNDBUF doubled: %d", g);
	gl = sizeof(g);
	UT_CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0 &&
		 getsockopt(s, SOL_SOCKET, SO_RCVBUF, &g, &gl) == 0 && g == 2 * v,
		 "SO_RCVBUF doubled: %d", g);
	v = 1;
	gl = sizeof(g);
	UT_CHECK(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)) == 0 &&
		 getsockopt(s, SOL_SOCKET, SO_PASSCRED, &g, &gl) == 0 && g == 1, "SO_PASSCRED");
	gl = sizeof(g);
	UT_CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &g, &gl) == 0 && g == 0, "SO_ERROR 0");
	short half = 0;
	gl = sizeof(half);
	UT_CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &half, &gl) == 0 && gl == sizeof(half) &&
		 half == SOCK_STREAM, "a short option buffer: %u", gl);
	UT_EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 2), EINVAL);
	UT_EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, SO_SNDBUF, BAD_PTR, sizeof(v)), EFAULT);
	UT_EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT);
	UT_EXPECT_ERRNO(setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof(v)), ENOPROTOOPT);
	gl = sizeof(g);
	UT_EXPECT_ERRNO(getsockopt(s, SOL_SOCKET, 9999, &g, &gl), ENOPROTOOPT);
	UT_EXPECT_ERRNO(getsockopt(s, SOL_SOCKET, SO_TYPE, &g, BAD_PTR), EFAULT);
	UT_EXPECT_ERRNO(getsockopt(s, SOL_SOCKET, SO_TYPE, BAD_PTR, &gl), EFAULT);
	gl = (socklen_t)-1;
	UT_EXPECT_ERRNO(getsockopt(s, SOL_SOCKET, SO_TYPE, &g, &gl), EINVAL);
	close(s);
	/* SO_ERROR reports ECONNRESET once */
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send(sv[0], "x", 1, 0);
	close(sv[1]);
	gl = sizeof(g);
	UT_CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &g, &gl) == 0 && g == ECONNRESET,
		 "SO_ERROR ECONNRESET: %d", g);
	gl = sizeof(g);
	UT_CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &g, &gl) == 0 && g == 0, "then cleared");
	close(sv[0]);
}

/* ---- poll -------------------------------------------------------------- */

static short poll1(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };
	return poll(&p, 1, ms) < 0 ? -1 : p.revents;
}

static void test_poll(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	short all = POLLIN | POLLOUT | POLLRDHUP;
	UT_CHECK(poll1(sv[0], all, 0) == POLLOUT, "idle: POLLOUT only: %#x", poll1(sv[0], all, 0));
	send(sv[1], "x", 1, 0);
	UT_CHECK(poll1(sv[0], all, 0) == (POLLIN | POLLOUT), "data: POLLIN|POLLOUT");
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(sv[0], &rs);
	struct timeval tv = { 0, 0 };
	UT_CHECK(select(sv[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(sv[0], &rs), "select");
	shutdown(sv[1], SHUT_WR);
	UT_CHECK(poll1(sv[0], all, 0) == (POLLIN | POLLOUT | POLLRDHUP), "peer SHUT_WR: POLLRDHUP %#x",
		 poll1(sv[0], all, 0));
	close(sv[1]);
	UT_CHECK(poll1(sv[0], all, 0) == (POLLIN | POLLOUT | POLLRDHUP | POLLHUP),
		 "peer closed: POLLHUP %#x", poll1(sv[0], all, 0));
	close(sv[0]);
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_CHECK(poll1(u, all, 0) == (POLLOUT | POLLHUP), "unconnected stream: %#x", poll1(u, all, 0));
	close(u);
	/* a listener is readable with a connection waiting */
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), dir_tmp, "poll");
	int l = listener(SOCK_STREAM, path, 2);
	UT_CHECK(poll1(l, all, 0) == 0, "empty listener: %#x", poll1(l, all, 0));
	int c = connect_to(SOCK_STREAM, path, 0);
	UT_CHECK(poll1(l, all, 0) == POLLIN, "listener with a connection: %#x", poll1(l, all, 0));
	close(c);
	close(l);
	unlink(path);
	/* a child's write wakes a sleeping poll */
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(100000);
		_exit(send(sv[1], "w", 1, 0) == 1 ? 0 : 1);
	}
	UT_CHECK(poll1(sv[0], POLLIN, 5000) == POLLIN, "woken by the child's send");
	ut_wait(pid, NULL, 10000);
	close(sv[0]);
	close(sv[1]);
}

/* ---- stress ------------------------------------------------------------ */

#define STRESS_KIDS 4
#define STRESS_RECS 200
#define REC_WORDS 64

/* Record: child, sequence, words, checksum of the words. */
static void make_rec(uint32_t *r, int kid, int seq)
{
	uint32_t sum = 0;
	r[0] = (uint32_t)kid;
	r[1] = (uint32_t)seq;
	for (int i = 2; i < REC_WORDS - 1; i++) {
		r[i] = (uint32_t)(kid * 2654435761u + seq * 40503u + i * 97u);
		sum += r[i] ^ (uint32_t)i;
	}
	r[REC_WORDS - 1] = sum;
}

static bool rec_ok(const uint32_t *r)
{
	uint32_t want[REC_WORDS];
	if (r[0] >= STRESS_KIDS || r[1] >= STRESS_RECS)
		return false;
	make_rec(want, (int)r[0], (int)r[1]);
	return !memcmp(want, r, sizeof(want));
}

static bool read_full(int fd, void *buf, size_t n)
{
	return recv(fd, buf, n, MSG_WAITALL) == (ssize_t)n;
}

static void test_stress(int type)
{
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), dir_tmp, "stress");
	int l = listener(type, path, STRESS_KIDS);
	pid_t kids[STRESS_KIDS];
	for (int k = 0; k < STRESS_KIDS; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int fd = connect_to(type, path, 0);
			uint32_t r[REC_WORDS];
			for (int i = 0; fd >= 0 && i < STRESS_RECS; i++) {
				make_rec(r, k, i);
				if (send(fd, r, sizeof(r), 0) != sizeof(r))
					_exit(1);
			}
			_exit(fd >= 0 ? 0 : 2);
		}
	}
	int conns[STRESS_KIDS];
	for (int k = 0; k < STRESS_KIDS; k++)
		conns[k] = accept(l, NULL, NULL);
	int good = 0, bad = 0, next[STRESS_KIDS] = { 0 };
	for (int k = 0; k < STRESS_KIDS; k++) {
		uint32_t r[REC_WORDS];
		while (conns[k] >= 0 && read_full(conns[k], r, sizeof(r))) {
			if (rec_ok(r) && (int)r[1] == next[r[0]]) {
				next[r[0]]++;
				good++;
			} else {
				bad++;
			}
		}
		close(conns[k]);
	}
	for (int k = 0; k < STRESS_KIDS; k++) {
		int st = -1;
		UT_CHECK(ut_wait(kids[k], &st, 20000) == kids[k] && WIFEXITED(st) &&
			 WEXITSTATUS(st) == 0, "stress %d: child %d: %#x", type, k, st);
	}
	UT_CHECK(good == STRESS_KIDS * STRESS_RECS && bad == 0,
		 "stress type %d: %d records intact, %d bad", type, good, bad);
	close(l);
	unlink(path);
}

int main(void)
{
	alarm(GUARD_S * 4);
	const char *tmp = getenv("TMPDIR");
	snprintf(dir_tmp, sizeof(dir_tmp), "%s", tmp && *tmp ? tmp : "/tmp");
	test_paths(true);
	test_paths(false);
	test_create();
	test_not_socket();
	test_path_names(dir_tmp);
	struct stat st;
	if (stat("/dev/shm", &st) == 0)
		test_path_names("/dev/shm");
	test_bad_addresses();
	test_abstract();
	test_connections();
	test_stream_data();
	test_dgram_data(SOCK_DGRAM);
	test_dgram_data(SOCK_SEQPACKET);
	test_dgram_names();
	test_options();
	test_poll();
	test_stress(SOCK_STREAM);
	test_stress(SOCK_SEQPACKET);
	return ut_done("t_socket");
}
