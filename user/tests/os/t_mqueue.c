/*
 * t_mqueue: POSIX message queues (mq_open ... mq_getsetattr), as Linux.
 *
 *  - a queue made with the default sizes (10 x 8192) and with given ones;
 *    descriptors are close-on-exec; 40 messages of 8 KiB fit in one queue;
 *  - messages come out highest priority first, FIFO within a priority;
 *  - errors: EEXIST (O_CREAT|O_EXCL), ENOENT, EINVAL (no leading '/',
 *    bad sizes, a bad access mode, priority >= 32768, a bad timeout,
 *    bad flags to mq_setattr, bad sigevents), EACCES (a '/' inside),
 *    ENAMETOOLONG, EMFILE (more than RLIMIT_MSGQUEUE bytes), EBADF (wrong
 *    access mode, a closed descriptor, a pipe), EMSGSIZE both ways,
 *    EAGAIN with O_NONBLOCK (also set by mq_setattr), ETIMEDOUT with
 *    absolute timeouts both ways, EFAULT;
 *  - a receive blocks until a child sends after a delay; a send on a full
 *    queue blocks until a child receives; a signal interrupts a blocked
 *    receive with EINTR, and with SA_RESTART the receive goes on;
 *  - descriptors survive fork; unlink leaves open descriptors working;
 *  - mq_notify: SIGEV_SIGNAL on arrival in an empty queue, once; EBUSY
 *    for a second registration (also from a child); not sent while a
 *    receiver waits; SIGEV_NONE; removal with NULL; the signal's siginfo
 *    (si_code SI_MESGQ, si_value from the registration, si_pid and si_uid
 *    of the sending process);
 *  - the raw calls 279/280 and their time64 versions 418/419;
 *  - M-OS only: the mqueue file system on /dev/mqueue (the status line,
 *    unlink there is mq_unlink, open(O_CREAT) there makes a queue, the
 *    queues outlive umount), and SIGEV_THREAD is ENOSYS (glibc 2.36 builds
 *    it on a netlink socket, which M-OS does not have).
 */
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>

#include "utest.h"

#define MSGSIZE_DEFAULT 8192
#define NR_MQ_TIMEDSEND_TIME64 418
#define NR_MQ_TIMEDRECEIVE_TIME64 419

static char names[16][64];
static int nnames;

/* A queue name unique to this run ("/t_mq.PID.tag"). */
static const char *qname(const char *tag)
{
	char *n = names[nnames++ % 16];
	snprintf(n, 64, "/t_mq.%d.%s", (int)getpid(), tag);
	return n;
}

static mqd_t mkq(const char *name, int flags, long maxmsg, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	return mq_open(name, flags | O_CREAT | O_EXCL, 0600, &a);
}

/* An absolute REALTIME time ms from now. */
static struct timespec abs_in(long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static void test_basic(void)
{
	const char *n = qname("basic");
	mqd_t q = mq_open(n, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	UT_CHECK(q >= 0, "mq_open(O_CREAT, NULL attr): %s", strerror(errno));
	struct mq_attr a;
	UT_CHECK(mq_getattr(q, &a) == 0 && a.mq_maxmsg == 10 && a.mq_msgsize == MSGSIZE_DEFAULT &&
		 a.mq_curmsgs == 0 && a.mq_flags == 0,
		 "default attributes: maxmsg %ld msgsize %ld cur %ld flags %ld", a.mq_maxmsg,
		 a.mq_msgsize, a.mq_curmsgs, a.mq_flags);
	int fdflags = fcntl(q, F_GETFD);
	UT_CHECK(fdflags >= 0 && (fdflags & FD_CLOEXEC), "queue descriptors are close-on-exec");
	UT_CHECK(mq_send(q, "hello", 5, 7) == 0, "mq_send: %s", strerror(errno));
	UT_CHECK(mq_getattr(q, &a) == 0 && a.mq_curmsgs == 1, "curmsgs 1 after a send");
	char buf[MSGSIZE_DEFAULT];
	unsigned prio = 0;
	ssize_t r = mq_receive(q, buf, sizeof(buf), &prio);
	UT_CHECK(r == 5 && memcmp(buf, "hello", 5) == 0 && prio == 7,
		 "mq_receive: %zd bytes, prio %u", r, prio);
	UT_CHECK(mq_send(q, "", 0, 0) == 0, "an empty message");
	UT_CHECK(mq_receive(q, buf, sizeof(buf), NULL) == 0, "receives as 0 bytes");
	/* Opening again by name finds the same queue. */
	mqd_t q2 = mq_open(n, O_WRONLY);
	UT_CHECK(q2 >= 0 && q2 != q, "second open: %s", strerror(errno));
	UT_CHECK(mq_send(q2, "x", 1, 0) == 0, "send through the second descriptor");
	UT_CHECK(mq_receive(q, buf, sizeof(buf), NULL) == 1, "arrives at the first");
	/* O_CREAT without O_EXCL on an existing queue opens it (attr ignored). */
	struct mq_attr bad = { .mq_maxmsg = -1, .mq_msgsize = -1 };
	mqd_t q3 = mq_open(n, O_RDONLY | O_CREAT, 0600, &bad);
	UT_CHECK(q3 >= 0, "O_CREAT on an existing queue ignores attr: %s", strerror(errno));
	mq_close(q3);
	mq_close(q2);
	UT_CHECK(mq_close(q) == 0, "mq_close");
	UT_EXPECT_ERRNO(mq_send(q, "x", 1, 0), EBADF);
	UT_CHECK(mq_unlink(n) == 0, "mq_unlink");
	UT_EXPECT_ERRNO(mq_open(n, O_RDWR), ENOENT);
	UT_EXPECT_ERRNO(mq_unlink(n), ENOENT);
}

static void test_priorities(void)
{
	const char *n = qname("prio");
	mqd_t q = mkq(n, O_RDWR, 10, 16);
	UT_CHECK(q >= 0, "mq_open: %s", strerror(errno));
	static const struct { const char *m; unsigned p; } in[] = {
		{ "a1", 1 }, { "b5", 5 }, { "c3", 3 }, { "d5", 5 }, { "e0", 0 },
		{ "f32767", 32767 }, { "g3", 3 }, { "h0", 0 },
	};
	static const char *out[] = { "f32767", "b5", "d5", "c3", "g3", "a1", "e0", "h0" };
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		UT_CHECK(mq_send(q, in[i].m, strlen(in[i].m), in[i].p) == 0, "send %s", in[i].m);
	UT_EXPECT_ERRNO(mq_send(q, "x", 1, 32768), EINVAL);
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		char buf[16] = { 0 };
		unsigned p;
		ssize_t r = mq_receive(q, buf, sizeof(buf), &p);
		UT_CHECK(r == (ssize_t)strlen(out[i]) && strcmp(buf, out[i]) == 0,
			 "message %zu: expected %s, got %.*s", i, out[i], (int)(r > 0 ? r : 0), buf);
	}
	mq_close(q);
	mq_unlink(n);
}

static void test_errors(void)
{
	const char *n = qname("err");
	char buf[64];
	UT_EXPECT_ERRNO(mq_open("noslash", O_RDWR | O_CREAT, 0600, NULL), EINVAL);
	UT_EXPECT_ERRNO(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	UT_EXPECT_ERRNO(mq_open("/", O_RDWR | O_CREAT, 0600, NULL), ENOENT);
	UT_EXPECT_ERRNO(mq_unlink("noslash"), EINVAL);
	UT_EXPECT_ERRNO(mq_unlink("/a/b"), EACCES);
	char longname[300];
	longname[0] = '/';
	memset(longname + 1, 'x', 256);
	longname[257] = '\0';
	UT_EXPECT_ERRNO(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
	longname[256] = '\0';	/* 255 bytes after the slash: fine */
	mqd_t ql = mq_open(longname, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	UT_CHECK(ql >= 0, "a 255-byte name: %s", strerror(errno));
	mq_close(ql);
	UT_CHECK(mq_unlink(longname) == 0, "unlink the 255-byte name");

	UT_EXPECT_ERRNO(mkq(n, O_RDWR, 0, 16), EINVAL);
	UT_EXPECT_ERRNO(mkq(n, O_RDWR, 4, 0), EINVAL);
	UT_EXPECT_ERRNO(mkq(n, O_RDWR, -1, 16), EINVAL);
	UT_EXPECT_ERRNO(mkq(n, O_RDWR, 4, -5), EINVAL);
	UT_EXPECT_ERRNO(mkq(n, O_RDWR, 65537, 16), EINVAL);
	UT_EXPECT_ERRNO(mkq(n, O_RDWR, 4, 16 * 1024 * 1024 + 1), EINVAL);
	UT_EXPECT_ERRNO(mq_open(n, O_RDWR), ENOENT);	/* none of those made it */
	/* Queues of 10 x 8 KiB: the tenth passes RLIMIT_MSGQUEUE's default
	 * 800 KiB for all queues together. */
	mqd_t many[12];
	int made = 0, err = 0;
	while (made < 12) {
		char tag[16];
		snprintf(tag, sizeof(tag), "many%d", made);
		many[made] = mkq(qname(tag), O_RDWR, 10, 8192);
		if (many[made] < 0) {
			err = errno;
			break;
		}
		made++;
	}
	UT_CHECK(made >= 8 && made <= 9 && err == EMFILE,
		 "800 KiB of queues: %d made, then %s", made, strerror(err));
	for (int i = 0; i < made; i++) {
		mq_close(many[i]);
		mq_unlink(names[(nnames - made - 1 + i) % 16]);
	}

	mqd_t q = mkq(n, O_RDWR, 2, 16);
	UT_CHECK(q >= 0, "mq_open: %s", strerror(errno));
	UT_EXPECT_ERRNO(mkq(n, O_RDWR, 2, 16), EEXIST);
	UT_EXPECT_ERRNO_EMU(mq_open(n, O_RDWR | O_WRONLY), EINVAL,
			    "the emulator turns access mode 3 into O_RDWR");
	UT_EXPECT_ERRNO(mq_send(q, buf, 17, 0), EMSGSIZE);
	UT_CHECK(mq_send(q, buf, 16, 0) == 0, "a message of exactly msgsize");
	UT_EXPECT_ERRNO(mq_receive(q, buf, 15, NULL), EMSGSIZE);
	UT_CHECK(mq_receive(q, buf, 16, NULL) == 16, "receive into exactly msgsize");
	UT_EXPECT_ERRNO(mq_send(q, (const char *)8, 4, 0), EFAULT);
	UT_CHECK(mq_send(q, "ok", 2, 0) == 0, "send after EFAULT");
	unsigned prio;
	UT_EXPECT_ERRNO(mq_receive(q, (char *)8, 16, &prio), EFAULT);

	mqd_t ro = mq_open(n, O_RDONLY), wo = mq_open(n, O_WRONLY);
	UT_CHECK(ro >= 0 && wo >= 0, "open read-only and write-only");
	UT_EXPECT_ERRNO(mq_send(ro, "x", 1, 0), EBADF);
	UT_EXPECT_ERRNO(mq_receive(wo, buf, sizeof(buf), NULL), EBADF);
	UT_EXPECT_ERRNO(mq_send(-1, "x", 1, 0), EBADF);
	UT_EXPECT_ERRNO(mq_receive(1000, buf, sizeof(buf), NULL), EBADF);
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	UT_EXPECT_ERRNO(mq_send(p[1], "x", 1, 0), EBADF);
	struct mq_attr a;
	UT_EXPECT_ERRNO(mq_getattr(p[0], &a), EBADF);
	close(p[0]);
	close(p[1]);
	mq_close(ro);
	mq_close(wo);

	/* Bad timeouts: EINVAL (Linux checks before anything else). */
	struct timespec badts = { 0, 1000000000L };
	UT_EXPECT_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &badts), EINVAL);
	struct timespec negts = { -1, 0 };
	UT_EXPECT_ERRNO(mq_timedsend(q, "x", 1, 0, &negts), EINVAL);

	/* mq_setattr: only O_NONBLOCK. */
	struct mq_attr na = { .mq_flags = O_NONBLOCK | O_APPEND };
	UT_EXPECT_ERRNO(mq_setattr(q, &na, NULL), EINVAL);
	mq_close(q);
	mq_unlink(n);
}

static void test_nonblock_and_limits(void)
{
	const char *n = qname("nb");
	mqd_t q = mkq(n, O_RDWR | O_NONBLOCK, 40, 8192);
	if (q < 0 && errno == EINVAL && !ut_is_mos()) {
		/* Linux without CAP_SYS_RESOURCE: at most fs.mqueue.msg_max (10). */
		UT_NOTE("40-message queue refused (no CAP_SYS_RESOURCE here): using 10");
		q = mkq(n, O_RDWR | O_NONBLOCK, 10, 8192);
		if (q >= 0)
			mq_unlink(n);
		mq_close(q);
		return;
	}
	UT_CHECK(q >= 0, "a queue of 40 x 8 KiB: %s", strerror(errno));
	if (q < 0)
		return;
	static char big[8192];
	char buf[8192];
	UT_EXPECT_ERRNO(mq_receive(q, buf, sizeof(buf), NULL), EAGAIN);
	int sent = 0;
	for (int i = 0; i < 40; i++) {
		memset(big, 'a' + i % 26, sizeof(big));
		sent += mq_send(q, big, sizeof(big), 0) == 0;
	}
	UT_CHECK(sent == 40, "40 messages of 8 KiB sent (%d)", sent);
	UT_EXPECT_ERRNO(mq_send(q, big, 1, 0), EAGAIN);
	struct mq_attr a;
	UT_CHECK(mq_getattr(q, &a) == 0 && a.mq_curmsgs == 40 && a.mq_flags == O_NONBLOCK,
		 "full: curmsgs %ld, flags %#lx", a.mq_curmsgs, a.mq_flags);
	int good = 0;
	for (int i = 0; i < 40; i++)
		good += mq_receive(q, buf, sizeof(buf), NULL) == 8192 && buf[0] == 'a' + i % 26 &&
			buf[8191] == 'a' + i % 26;
	UT_CHECK(good == 40, "40 messages back in order (%d)", good);

	/* mq_setattr switches O_NONBLOCK off and on; the old state comes back. */
	struct mq_attr na = { .mq_flags = 0 }, old;
	UT_CHECK(mq_setattr(q, &na, &old) == 0 && old.mq_flags == O_NONBLOCK &&
		 old.mq_maxmsg == 40 && old.mq_msgsize == 8192, "mq_setattr returns the old attributes");
	UT_CHECK(mq_getattr(q, &a) == 0 && a.mq_flags == 0, "O_NONBLOCK cleared");
	struct timespec soon = abs_in(50);
	UT_EXPECT_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &soon), ETIMEDOUT);
	na.mq_flags = O_NONBLOCK;
	UT_CHECK(mq_setattr(q, &na, NULL) == 0, "set O_NONBLOCK");
	UT_EXPECT_ERRNO(mq_receive(q, buf, sizeof(buf), NULL), EAGAIN);
	mq_close(q);
	mq_unlink(n);
}

static void test_timeouts(void)
{
	const char *n = qname("to");
	mqd_t q = mkq(n, O_RDWR, 1, 8);
	char buf[8];
	struct timespec t = abs_in(200);
	long long t0 = ut_now_ms();
	UT_EXPECT_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &t), ETIMEDOUT);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(dt >= 150 && dt < 3000, "timed receive waited %lld ms (200 asked)", dt);
	UT_CHECK(mq_send(q, "a", 1, 0) == 0, "fill");
	t = abs_in(200);
	t0 = ut_now_ms();
	UT_EXPECT_ERRNO(mq_timedsend(q, "b", 1, 0, &t), ETIMEDOUT);
	dt = ut_now_ms() - t0;
	UT_CHECK(dt >= 150 && dt < 3000, "timed send waited %lld ms (200 asked)", dt);
	/* A timeout in the past does not matter when no wait is needed. */
	struct timespec past = { 1, 0 };
	UT_CHECK(mq_timedreceive(q, buf, sizeof(buf), NULL, &past) == 1,
		 "a past timeout with a message waiting");
	UT_EXPECT_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &past), ETIMEDOUT);
	mq_close(q);
	mq_unlink(n);
}

/* The raw system calls: the 32-bit timespec ones and the time64 ones. */
static void test_raw_calls(void)
{
	const char *n = qname("raw");
	mqd_t q = mkq(n, O_RDWR, 2, 8);
	struct { int32_t s, ns; } t32 = { 1, 0 };
	struct { int64_t s, ns; } t64 = { 1, 0 };
	char buf[8];
	unsigned prio = 0;
	UT_CHECK(syscall(SYS_mq_timedsend, q, "p", 1, 3, &t32) == 0, "mq_timedsend (279)");
	UT_CHECK(syscall(NR_MQ_TIMEDSEND_TIME64, q, "q", 1, 2, &t64) == 0,
		 "mq_timedsend_time64 (418): %s", strerror(errno));
	UT_CHECK(syscall(SYS_mq_timedreceive, q, buf, 8, &prio, &t32) == 1 && buf[0] == 'p' &&
		 prio == 3, "mq_timedreceive (280)");
	UT_CHECK(syscall(NR_MQ_TIMEDRECEIVE_TIME64, q, buf, 8, &prio, &t64) == 1 &&
		 buf[0] == 'q' && prio == 2, "mq_timedreceive_time64 (419): %s", strerror(errno));
	errno = 0;
	UT_CHECK(syscall(NR_MQ_TIMEDRECEIVE_TIME64, q, buf, 8, &prio, &t64) == -1 &&
		 errno == ETIMEDOUT, "time64 receive times out: %s", strerror(errno));
	t64.ns = 1000000000LL;
	errno = 0;
	UT_CHECK(syscall(NR_MQ_TIMEDSEND_TIME64, q, "q", 1, 2, &t64) == -1 && errno == EINVAL,
		 "time64 send with a bad timeout: %s", strerror(errno));
	mq_close(q);
	mq_unlink(n);
}

/* ---- blocking, signals, fork ------------------------------------------ */

static void test_block_receive(void)
{
	const char *n = qname("blkr");
	mqd_t q = mkq(n, O_RDWR, 4, 32);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		ut_sleep_ms(200);
		_exit(mq_send(q, "from child", 10, 1) == 0 ? 0 : 1);	/* inherited */
	}
	char buf[32];
	long long t0 = ut_now_ms();
	ssize_t r = mq_receive(q, buf, sizeof(buf), NULL);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(r == 10 && memcmp(buf, "from child", 10) == 0, "received the child's message");
	UT_CHECK(dt >= 150, "the receive waited for it (%lld ms)", dt);
	int st;
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "sender child");
	/* A timed receive that the sender beats. */
	pid = fork();
	if (pid == 0) {
		ut_sleep_ms(100);
		_exit(mq_send(q, "t", 1, 1) == 0 ? 0 : 1);
	}
	struct timespec t = abs_in(5000);
	UT_CHECK(mq_timedreceive(q, buf, sizeof(buf), NULL, &t) == 1, "timed receive woken by a send");
	ut_wait(pid, &st, 10000);
	mq_close(q);
	mq_unlink(n);
}

static void test_block_send(void)
{
	const char *n = qname("blks");
	mqd_t q = mkq(n, O_RDWR, 2, 8);
	UT_CHECK(mq_send(q, "1", 1, 0) == 0 && mq_send(q, "2", 1, 0) == 0, "fill the queue");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		mqd_t c = mq_open(n, O_RDONLY);	/* by name this time */
		char b[8];
		ut_sleep_ms(200);
		_exit(c >= 0 && mq_receive(c, b, sizeof(b), NULL) == 1 && b[0] == '1' ? 0 : 1);
	}
	long long t0 = ut_now_ms();
	UT_CHECK(mq_send(q, "3", 1, 0) == 0, "the blocked send completes");
	long long dt = ut_now_ms() - t0;
	UT_CHECK(dt >= 150, "the send waited for room (%lld ms)", dt);
	int st;
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "receiver child");
	char b[8];
	UT_CHECK(mq_receive(q, b, 8, NULL) == 1 && b[0] == '2', "then 2");
	UT_CHECK(mq_receive(q, b, 8, NULL) == 1 && b[0] == '3', "then 3");
	mq_close(q);
	mq_unlink(n);
}

static volatile sig_atomic_t got_sig;
static void on_sig(int sig)
{
	got_sig = sig;
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static void test_eintr(void)
{
	const char *n = qname("intr");
	mqd_t q = mkq(n, O_RDWR, 2, 8);
	char buf[8];
	set_handler(SIGUSR1, 0);
	got_sig = 0;
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		ut_sleep_ms(200);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	errno = 0;
	ssize_t r = mq_receive(q, buf, sizeof(buf), NULL);
	UT_CHECK(r == -1 && errno == EINTR && got_sig == SIGUSR1,
		 "a signal interrupts a blocked receive: %zd, %s", r, strerror(errno));
	int st;
	ut_wait(pid, &st, 10000);

	/* With SA_RESTART the receive goes on and gets the later message. */
	set_handler(SIGUSR1, SA_RESTART);
	got_sig = 0;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		ut_sleep_ms(150);
		kill(parent, SIGUSR1);
		ut_sleep_ms(150);
		_exit(mq_send(q, "r", 1, 0) == 0 ? 0 : 1);
	}
	r = mq_receive(q, buf, sizeof(buf), NULL);
	UT_CHECK(r == 1 && buf[0] == 'r' && got_sig == SIGUSR1,
		 "SA_RESTART: the receive restarts: %zd, %s", r, strerror(errno));
	ut_wait(pid, &st, 10000);

	/* A blocked send is interrupted too. */
	set_handler(SIGUSR1, 0);
	UT_CHECK(mq_send(q, "a", 1, 0) == 0 && mq_send(q, "b", 1, 0) == 0, "fill");
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		ut_sleep_ms(200);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	errno = 0;
	UT_CHECK(mq_send(q, "c", 1, 0) == -1 && errno == EINTR, "a signal interrupts a blocked send: %s",
		 strerror(errno));
	ut_wait(pid, &st, 10000);
	signal(SIGUSR1, SIG_DFL);
	mq_close(q);
	mq_unlink(n);
}

static void test_fork_unlink(void)
{
	const char *n = qname("fork");
	mqd_t q = mkq(n, O_RDWR, 4, 8);
	UT_CHECK(mq_unlink(n) == 0, "unlink while open");
	UT_EXPECT_ERRNO(mq_open(n, O_RDWR), ENOENT);
	UT_CHECK(mq_send(q, "still", 5, 0) == 0, "the unlinked queue still works");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char b[8];
		int ok = mq_receive(q, b, 8, NULL) == 5 && mq_send(q, "back", 4, 0) == 0;
		mq_close(q);
		_exit(ok ? 0 : 1);
	}
	int st;
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "child using the inherited descriptor");
	char b[8];
	UT_CHECK(mq_receive(q, b, 8, NULL) == 4 && memcmp(b, "back", 4) == 0,
		 "the child's message, after the child closed its copy");
	/* A new queue of the same name is another queue. */
	mqd_t q2 = mkq(n, O_RDWR | O_NONBLOCK, 4, 8);
	UT_CHECK(q2 >= 0, "recreate the name");
	UT_EXPECT_ERRNO(mq_receive(q2, b, 8, NULL), EAGAIN);
	mq_close(q2);
	mq_unlink(n);
	mq_close(q);
}

/* ---- notification ---------------------------------------------------- */

static void c_notify_busy(void *arg)
{
	mqd_t q = (mqd_t)(intptr_t)arg;
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	_exit(mq_notify(q, &ev) == -1 && errno == EBUSY ? 0 : 1);
}

static void test_notify(void)
{
	const char *n = qname("notify");
	mqd_t q = mkq(n, O_RDWR, 4, 8);
	char b[8];
	if (ut_emulated() && mq_notify(q, NULL) < 0 && errno == ENOSYS) {
		UT_SKIP("mq_notify: the emulator does not implement it");
		mq_close(q);
		mq_unlink(n);
		return;
	}
	set_handler(SIGUSR2, 0);
	got_sig = 0;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	UT_CHECK(mq_notify(q, &ev) == 0, "mq_notify(SIGEV_SIGNAL): %s", strerror(errno));
	UT_EXPECT_ERRNO(mq_notify(q, &ev), EBUSY);
	UT_CHECK_EXITED(ut_run_child(c_notify_busy, (void *)(intptr_t)q), 0,
		       "another process's registration is EBUSY");
	UT_CHECK(mq_send(q, "1", 1, 0) == 0, "send to the empty queue");
	for (int i = 0; i < 100 && !got_sig; i++)
		ut_sleep_ms(10);
	UT_CHECK(got_sig == SIGUSR2, "notified by SIGUSR2");
	got_sig = 0;
	UT_CHECK(mq_send(q, "2", 1, 0) == 0, "a second send");
	ut_sleep_ms(50);
	UT_CHECK(got_sig == 0, "a registration is used once");
	/* Registered again while not empty: no signal until it is empty and
	 * receives again. */
	UT_CHECK(mq_notify(q, &ev) == 0, "register again");
	UT_CHECK(mq_send(q, "3", 1, 0) == 0, "send to a non-empty queue");
	ut_sleep_ms(50);
	UT_CHECK(got_sig == 0, "no signal for a non-empty queue");
	int drained = 0;
	for (int i = 0; i < 3; i++)
		drained += mq_receive(q, b, 8, NULL) == 1;
	UT_CHECK(drained == 3, "drain the three messages");
	UT_CHECK(mq_send(q, "4", 1, 0) == 0, "send to the emptied queue");
	for (int i = 0; i < 100 && !got_sig; i++)
		ut_sleep_ms(10);
	UT_CHECK(got_sig == SIGUSR2, "notified after emptying");
	UT_CHECK(mq_receive(q, b, 8, NULL) == 1, "drain");

	/* Not sent while a receiver is waiting: it gets the message. */
	got_sig = 0;
	UT_CHECK(mq_notify(q, &ev) == 0, "register");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char cb[8];
		_exit(mq_receive(q, cb, 8, NULL) == 1 ? 0 : 1);
	}
	ut_sleep_ms(200);	/* the child is blocked by now */
	UT_CHECK(mq_send(q, "5", 1, 0) == 0, "send with a receiver waiting");
	int st;
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "the waiting receiver got it");
	ut_sleep_ms(50);
	UT_CHECK(got_sig == 0, "no notification while a receiver waits");
	UT_EXPECT_ERRNO(mq_notify(q, &ev), EBUSY);	/* still registered */
	UT_CHECK(mq_notify(q, NULL) == 0, "remove the registration");
	UT_CHECK(mq_send(q, "6", 1, 0) == 0, "send");
	ut_sleep_ms(50);
	UT_CHECK(got_sig == 0, "no signal once removed");
	UT_CHECK(mq_receive(q, b, 8, NULL) == 1, "drain");

	/* SIGEV_NONE holds the registration without a signal. */
	struct sigevent none = { .sigev_notify = SIGEV_NONE };
	UT_CHECK(mq_notify(q, &none) == 0, "SIGEV_NONE");
	UT_EXPECT_ERRNO(mq_notify(q, &ev), EBUSY);
	UT_CHECK(mq_send(q, "7", 1, 0) == 0 && mq_receive(q, b, 8, NULL) == 1, "send/receive");
	UT_CHECK(mq_notify(q, &ev) == 0, "SIGEV_NONE was used up by the arrival");
	UT_CHECK(mq_notify(q, NULL) == 0, "remove");

	/* A registration ends with its process (Linux: at its close). */
	fflush(NULL);
	pid_t rp = fork();
	if (rp == 0) {
		struct sigevent cev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
		_exit(mq_notify(q, &cev) == 0 ? 0 : 1);
	}
	ut_wait(rp, &st, 10000);
	UT_CHECK_EXITED(st, 0, "a child registers");
	UT_CHECK(mq_notify(q, &ev) == 0, "free again once the child is gone: %s", strerror(errno));
	UT_CHECK(mq_notify(q, NULL) == 0, "remove");

	struct sigevent bad = { .sigev_notify = 99 };
	UT_EXPECT_ERRNO(mq_notify(q, &bad), EINVAL);
	struct sigevent badsig = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 100 };
	UT_EXPECT_ERRNO(mq_notify(q, &badsig), EINVAL);
	UT_EXPECT_ERRNO(mq_notify(-1, &ev), EBADF);
	if (ut_is_mos()) {
		/* glibc 2.36's SIGEV_THREAD needs an AF_NETLINK socket
		 * (NETLINK_ROUTE, on which the kernel writes the
		 * notification); M-OS has none, and the kernel says ENOSYS. */
		struct sigevent th = { .sigev_notify = SIGEV_THREAD };
		UT_EXPECT_ERRNO(syscall(SYS_mq_notify, q, &th), ENOSYS);
	}
	signal(SIGUSR2, SIG_DFL);
	mq_close(q);
	mq_unlink(n);
}

/* The notification signal's siginfo, taken with sigtimedwait: sent by a
 * child, so si_pid is the child's. */
static void test_notify_info(void)
{
	const char *n = qname("notinfo");
	mqd_t q = mkq(n, O_RDWR, 4, 8);
	if (ut_emulated() && mq_notify(q, NULL) < 0 && errno == ENOSYS) {
		UT_SKIP("mq_notify siginfo: the emulator does not implement mq_notify");
		mq_close(q);
		mq_unlink(n);
		return;
	}
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, &old);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	ev.sigev_value.sival_int = 4711;
	UT_CHECK(mq_notify(q, &ev) == 0, "mq_notify: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(mq_send(q, "x", 1, 0) == 0 ? 0 : 1);
	int st = 0;
	ut_wait(pid, &st, 10000);
	UT_CHECK_EXITED(st, 0, "the child sent");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	struct timespec ts = { 5, 0 };
	int r = sigtimedwait(&s, &si, &ts);
	UT_CHECK(r == SIGUSR1, "the notification: %d (%s)", r, r < 0 ? strerror(errno) : "");
	UT_CHECK(si.si_code == SI_MESGQ, "si_code %d, expected SI_MESGQ (%d)", si.si_code, SI_MESGQ);
	UT_CHECK(si.si_value.sival_int == 4711, "si_value %d, expected 4711", si.si_value.sival_int);
	UT_CHECK(si.si_pid == pid, "si_pid %d, expected the sender %d", si.si_pid, pid);
	UT_CHECK(si.si_uid == getuid(), "si_uid %d, expected %d", si.si_uid, getuid());
	sigprocmask(SIG_SETMASK, &old, NULL);
	mq_close(q);
	mq_unlink(n);
}

/* ---- the file system (M-OS: mounting needs nothing; Linux: root) ------ */

static int read_status(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	return (int)r;
}

static int dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)))
		found |= strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

static void test_fs(void)
{
	int made_dir = mkdir("/dev/mqueue", 01777) == 0;
	int mounted = mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL) == 0;
	UT_CHECK(mounted || errno == EBUSY, "mount mqueue on /dev/mqueue: %s", strerror(errno));
	if (!mounted)	/* already there (init mounts it): a second mount is EBUSY */
		UT_EXPECT_ERRNO(mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL), EBUSY);
	const char *n = qname("fs");
	char path[128], line[128], expect[128];
	snprintf(path, sizeof(path), "/dev/mqueue%s", n);
	mqd_t q = mkq(n, O_RDWR, 4, 64);
	UT_CHECK(dir_has("/dev/mqueue", n + 1), "the queue shows in /dev/mqueue");
	UT_CHECK(mq_send(q, "12345", 5, 0) == 0 && mq_send(q, "678", 3, 0) == 0, "send 8 bytes");
	struct stat st;
	UT_CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600,
		 "stat: a regular file, mode 0600 (%o)", (unsigned)st.st_mode);
	snprintf(expect, sizeof(expect), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		 8ul, 0, 0, 0);
	UT_CHECK(read_status(path, line, sizeof(line)) > 0 && strcmp(line, expect) == 0,
		 "status line: '%s'", line);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	UT_CHECK(mq_notify(q, &ev) == 0, "register");
	snprintf(expect, sizeof(expect), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		 8ul, SIGEV_SIGNAL, SIGUSR1, (int)getpid());
	UT_CHECK(read_status(path, line, sizeof(line)) > 0 && strcmp(line, expect) == 0,
		 "status line with a registration: '%s'", line);
	UT_CHECK(mq_notify(q, NULL) == 0, "remove");
	/* Unlinking the file is mq_unlink. */
	UT_CHECK(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
	UT_EXPECT_ERRNO(mq_open(n, O_RDWR), ENOENT);
	char b[64];
	UT_CHECK(mq_receive(q, b, 64, NULL) == 5, "the open descriptor still works");
	mq_close(q);
	/* open(O_CREAT) there makes a queue with the default sizes. */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
	UT_CHECK(fd >= 0, "open(O_CREAT) in /dev/mqueue: %s", strerror(errno));
	close(fd);
	q = mq_open(n, O_RDWR);
	struct mq_attr a;
	UT_CHECK(q >= 0 && mq_getattr(q, &a) == 0 && a.mq_maxmsg == 10 && a.mq_msgsize == 8192,
		 "mq_open finds it, with the default sizes");
	mq_close(q);
	/* The queues do not depend on the mount. */
	if (mounted) {
		UT_CHECK(umount("/dev/mqueue") == 0, "umount: %s", strerror(errno));
		q = mq_open(n, O_RDWR);
		UT_CHECK(q >= 0, "the queue outlives the umount");
		UT_CHECK(!dir_has("/dev/mqueue", n + 1), "and is not shown there any more");
		UT_CHECK(mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL) == 0, "mount again");
		UT_CHECK(dir_has("/dev/mqueue", n + 1), "shown again");
		mq_close(q);
	}
	/* A queue has no pages: touching a mapping of one is SIGBUS. */
	q = mq_open(n, O_RDWR);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		volatile char *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, q, 0);
		if (m != MAP_FAILED)
			(void)m[0];
		_exit(m == MAP_FAILED ? 2 : 0);
	}
	int status;
	ut_wait(pid, &status, 10000);
	UT_CHECK_SIGNALED(status, SIGBUS, "touching a mapped queue");
	mq_close(q);
	UT_CHECK(mq_unlink(n) == 0, "unlink");
	UT_CHECK(!dir_has("/dev/mqueue", n + 1), "gone from the directory");
	if (mounted)
		umount("/dev/mqueue");
	if (made_dir)
		rmdir("/dev/mqueue");
}

int main(void)
{
	test_basic();
	test_priorities();
	test_errors();
	test_nonblock_and_limits();
	test_timeouts();
	test_raw_calls();
	test_block_receive();
	test_block_send();
	test_eintr();
	test_fork_unlink();
	test_notify();
	test_notify_info();
	if (ut_is_mos())
		test_fs();
	return ut_done("t_mqueue");
}
