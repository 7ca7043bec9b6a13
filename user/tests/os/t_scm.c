/*
 * t_scm: descriptors and credentials passed over AF_UNIX sockets, on
 * M-OS and on the host Linux:
 *
 *  - SCM_RIGHTS from a child to its parent: a memfd (the parent maps it
 *    and sees the child's data, and its own stores reach the child), and
 *    a pipe's write end (what the parent writes reaches the child);
 *    several descriptors in one message, over STREAM, DGRAM, SEQPACKET;
 *  - descriptors in flight are released when the receiving socket is
 *    closed unread: a pipe's only write end in flight, once released,
 *    makes the read end see EOF (and runall's leak check sees no file
 *    left behind);
 *  - MSG_CTRUNC: a control buffer with room for one of three descriptors
 *    gets one (the others closed), no buffer gets none;
 *  - MSG_CMSG_CLOEXEC, MSG_PEEK (the descriptors come again), a stream
 *    read stops after the message that carries descriptors;
 *  - SCM_CREDENTIALS with SO_PASSCRED (the sender's pid, uid, gid; sent
 *    explicitly too); EBADF, EINVAL for bad control messages, EFAULT.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "utest.h"

#define GUARD_S 30
#define MAP_LEN 4096

/* Sends one byte with n descriptors (and optional creds). */
static ssize_t send_fds(int s, const int *fds, int n, int flags)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	memset(ctl, 0, sizeof(ctl));
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (n > 0) {
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	return sendmsg(s, &mh, flags);
}

/* Receives one message: the descriptors (at most max) into fds, *n
 * their count, *mflags msg_flags; ctl_room bytes of control space. */
static ssize_t recv_fds(int s, int *fds, int max, int *n, int *mflags, size_t ctl_room, int flags)
{
	char buf[16];
	union { char b[512]; struct cmsghdr align; } ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (ctl_room) {
		mh.msg_control = ctl.b;
		mh.msg_controllen = ctl_room;
	}
	ssize_t r = recvmsg(s, &mh, flags);
	*n = 0;
	*mflags = mh.msg_flags;
	if (r < 0)
		return r;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k && *n < max; i++)
			memcpy(&fds[(*n)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	return r;
}

static void test_memfd_and_pipe(int type)
{
	int sv[2], back[2];
	if (socketpair(AF_UNIX, type, 0, sv) < 0 || pipe(back) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		int mfd = memfd_create("t_scm", 0);
		int p[2];
		if (mfd < 0 || ftruncate(mfd, MAP_LEN) < 0 || pipe(p) < 0)
			_exit(1);
		char *m = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		if (m == MAP_FAILED)
			_exit(2);
		strcpy(m, "from the child");
		int fds[2] = { mfd, p[1] };
		if (send_fds(sv[1], fds, 2, 0) != 1)
			_exit(3);
		close(mfd);
		close(p[1]);
		char got[32] = { 0 };
		if (read(p[0], got, sizeof(got)) != 9 || strcmp(got, "via pipe"))
			_exit(4);
		char c;
		if (read(back[0], &c, 1) != 1 || strcmp(m, "parent was here"))
			_exit(5);
		_exit(0);
	}
	close(sv[1]);
	int fds[4], n, mf;
	ssize_t r = recv_fds(sv[0], fds, 4, &n, &mf, 256, 0);
	UT_CHECK(r == 1 && n == 2 && !(mf & MSG_CTRUNC), "type %d: two descriptors: %zd %d", type, r, n);
	if (n == 2) {
		struct stat st;
		UT_CHECK(fstat(fds[0], &st) == 0 && S_ISREG(st.st_mode) && st.st_size == MAP_LEN,
			 "type %d: a memfd arrived", type);
		char *m = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
		UT_CHECK(m != MAP_FAILED && !strcmp(m, "from the child"), "type %d: its data", type);
		if (m != MAP_FAILED) {
			strcpy(m, "parent was here");
			munmap(m, MAP_LEN);
		}
		UT_CHECK(write(fds[1], "via pipe", 9) == 9, "type %d: write the passed pipe", type);
		close(fds[0]);
		close(fds[1]);
	}
	UT_CHECK(write(back[1], "g", 1) == 1, "go");
	int st = -1;
	UT_CHECK(ut_wait(pid, &st, 10000) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "type %d: the child saw both ways: %#x", type, st);
	close(sv[0]);
	close(back[0]);
	close(back[1]);
}

static void test_inflight_release(void)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	pipe(p);
	UT_CHECK(send_fds(sv[0], &p[1], 1, 0) == 1, "send the write end");
	close(p[1]);	/* the only write end is now in flight */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	char c;
	UT_EXPECT_ERRNO(read(p[0], &c, 1), EAGAIN);	/* a writer still exists */
	close(sv[1]);	/* the receiver goes unread */
	UT_CHECK(read(p[0], &c, 1) == 0, "EOF: the in-flight write end was released");
	close(sv[0]);
	close(p[0]);
	/* a stream socket closed by both ends with descriptors queued */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	send_fds(sv[0], &p[1], 1, 0);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	UT_CHECK(read(p[0], &c, 1) == 0, "EOF after a stream pair closed with it queued");
	close(p[0]);
}

static void test_ctrunc(void)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	pipe(p);
	int three[3] = { p[0], p[1], p[0] };
	send_fds(sv[0], three, 3, 0);
	int fds[4], n, mf;
	recv_fds(sv[1], fds, 4, &n, &mf, CMSG_SPACE(sizeof(int)), 0);
	UT_CHECK_EMU(n == 1 && (mf & MSG_CTRUNC), "qemu-i386 does not pass MSG_CTRUNC on",
		     "room for one of three: %d, flags %#x", n, mf);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	send_fds(sv[0], three, 3, 0);
	recv_fds(sv[1], fds, 4, &n, &mf, 0, 0);
	UT_CHECK(n == 0 && (mf & MSG_CTRUNC), "no control buffer: MSG_CTRUNC %#x", mf);
	/* peek gives the descriptors, and the read gives them again */
	send_fds(sv[0], three, 2, 0);
	recv_fds(sv[1], fds, 4, &n, &mf, 256, MSG_PEEK);
	UT_CHECK(n == 2, "MSG_PEEK passes descriptors: %d", n);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	recv_fds(sv[1], fds, 4, &n, &mf, 256, MSG_CMSG_CLOEXEC);
	UT_CHECK(n == 2 && fcntl(fds[0], F_GETFD) == FD_CLOEXEC, "MSG_CMSG_CLOEXEC");
	for (int i = 0; i < n; i++)
		close(fds[i]);
	/* errors */
	int bad = 999;
	UT_EXPECT_ERRNO(send_fds(sv[0], &bad, 1, 0), EBADF);
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "x", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = sizeof(ctl) + 8;	/* longer than the buffer */
	UT_EXPECT_ERRNO_EMU(sendmsg(sv[0], &mh, 0), EINVAL,
			    "qemu-i386 converts control messages itself");
	mh.msg_control = (void *)8;
	UT_EXPECT_ERRNO(sendmsg(sv[0], &mh, 0), EFAULT);
	mh.msg_control = ctl;
	mh.msg_iov = (void *)8;
	UT_EXPECT_ERRNO(sendmsg(sv[0], &mh, 0), EFAULT);
	UT_EXPECT_ERRNO(recvmsg(sv[1], (void *)8, 0), EFAULT);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

static void test_stream_stops_at_fds(void)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	send(sv[0], "abc", 3, 0);
	send_fds(sv[0], &p[0], 1, 0);
	send(sv[0], "xyz", 3, 0);
	char buf[16];
	int fds[2], n, mf;
	UT_CHECK(recv_fds(sv[1], fds, 2, &n, &mf, 256, 0) == 4 && n == 1,
		 "a read takes the byte with the descriptor and stops after it");
	if (n)
		close(fds[0]);
	UT_CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3, "then the rest");
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

static void test_credentials(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int on = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	pid_t pid = fork();
	if (pid == 0)
		_exit(send(sv[0], "c", 1, 0) == 1 ? 0 : 1);
	ut_wait(pid, NULL, 10000);
	char buf[4];
	union { char b[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b) };
	UT_CHECK(recvmsg(sv[1], &mh, 0) == 1, "recvmsg with SO_PASSCRED");
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct ucred cr = { 0, 0, 0 };
	if (c && c->cmsg_type == SCM_CREDENTIALS)
		memcpy(&cr, CMSG_DATA(c), sizeof(cr));
	UT_CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		 cr.pid == pid && cr.uid == getuid() && cr.gid == getgid(),
		 "SCM_CREDENTIALS: the child's pid %d (got %d)", pid, cr.pid);
	/* sent explicitly */
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_controllen = sizeof(ctl.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	struct ucred mine = { getpid(), getuid(), getgid() };
	memcpy(CMSG_DATA(c), &mine, sizeof(mine));
	iov.iov_base = "e";
	iov.iov_len = 1;
	UT_CHECK(sendmsg(sv[0], &mh, 0) == 1, "sendmsg with SCM_CREDENTIALS: %s", strerror(errno));
	iov.iov_base = buf;
	mh.msg_controllen = sizeof(ctl.b);
	UT_CHECK(recvmsg(sv[1], &mh, 0) == 1 && (c = CMSG_FIRSTHDR(&mh)) &&
		 !memcmp(CMSG_DATA(c), &mine, sizeof(mine)), "the claimed credentials arrive");
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	alarm(GUARD_S);
	test_memfd_and_pipe(SOCK_STREAM);
	test_memfd_and_pipe(SOCK_DGRAM);
	test_memfd_and_pipe(SOCK_SEQPACKET);
	test_inflight_release();
	test_ctrunc();
	test_stream_stops_at_fds();
	test_credentials();
	return ut_done("t_scm");
}
