/*
 * t_epoll: epoll and eventfd, as Linux behaves.
 *
 *  - epoll_create/epoll_create1: EINVAL for a size <= 0 and unknown
 *    flags, EPOLL_CLOEXEC sets close-on-exec;
 *  - epoll_ctl errors: EBADF, EINVAL (not an epoll descriptor, the
 *    instance itself, an unknown op, EPOLLEXCLUSIVE with MOD or
 *    ONESHOT), EPERM (a regular file, /dev/null), EEXIST, ENOENT, EFAULT,
 *    ELOOP (two instances in each other); DEL ignores its event pointer;
 *  - epoll_wait errors: EINVAL (maxevents <= 0, not epoll), EBADF,
 *    EFAULT (events to NULL with an item ready);
 *  - level-triggered items are reported while ready, edge-triggered ones
 *    once per new write, one-shot ones once until EPOLL_CTL_MOD; MOD
 *    changes the events and data, DEL stops them; EPOLLHUP comes unasked;
 *  - the last close of a watched file removes it (a dup keeps it, as on
 *    Linux, and its item answers only to the old descriptor number);
 *  - nesting: an instance is POLLIN in poll() and EPOLLIN in an outer
 *    instance while an item of its is ready; a child's write 100 ms later
 *    wakes a blocked epoll_wait on the outer one;
 *  - timeouts last at least as asked (epoll_wait, epoll_pwait2);
 *    a signal ends a wait with EINTR; epoll_pwait's mask holds a signal
 *    it blocks off until after the call, and lets a blocked one in;
 *  - 100 pipes: only the written ones are reported, and maxevents 1 goes
 *    round all of them;
 *  - eventfd: counter reads and resets, EFD_SEMAPHORE reads 1 at a time,
 *    EAGAIN with EFD_NONBLOCK, EINVAL for short buffers, unknown flags
 *    and the value 2^64-1, the counter stops at 2^64-2 (POLLOUT goes),
 *    blocked readers and writers in a child woken by the parent, and
 *    edge-triggered epoll on it.
 * An alarm bounds the whole program so a bug cannot hang it.
 */
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "utest.h"

#define WATCHDOG_S 60
#define NPIPES 100
#define SLOW_MS 2000
#define EFD_MAX 0xfffffffffffffffeull

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* epoll_wait through the raw system call (glibc may use epoll_pwait). */
static int raw_wait(int ep, struct epoll_event *ev, int max, int ms)
{
	return (int)syscall(SYS_epoll_wait, ep, ev, max, ms);
}

/* One wait with a 0 timeout: the count; the first event in *ev. */
static int wait0(int ep, struct epoll_event *ev)
{
	struct epoll_event tmp[4];
	int n = epoll_wait(ep, tmp, 4, 0);
	if (n > 0 && ev)
		*ev = tmp[0];
	return n;
}

static void test_create(void)
{
	UT_EXPECT_ERRNO(epoll_create(0), EINVAL);
	UT_EXPECT_ERRNO(epoll_create(-1), EINVAL);
	UT_EXPECT_ERRNO(epoll_create1(1), EINVAL);
	int ep = epoll_create(1);
	UT_CHECK(ep >= 0, "epoll_create(1): %s", strerror(errno));
	UT_CHECK(fcntl(ep, F_GETFD) == 0, "epoll_create: no close-on-exec");
	close(ep);
	ep = epoll_create1(EPOLL_CLOEXEC);
	UT_CHECK(ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC: FD_CLOEXEC set");
	struct stat st;
	UT_CHECK(fstat(ep, &st) == 0, "fstat on an epoll descriptor: %s", strerror(errno));
	close(ep);
}

static void test_ctl_errors(void)
{
	int ep = epoll_create1(0), p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	struct epoll_event ev = { .events = EPOLLIN };
	UT_EXPECT_ERRNO(epoll_ctl(-1, EPOLL_CTL_ADD, p[0], &ev), EBADF);
	UT_EXPECT_ERRNO(epoll_ctl(200, EPOLL_CTL_ADD, p[0], &ev), EBADF);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, 200, &ev), EBADF);
	UT_EXPECT_ERRNO(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	UT_EXPECT_ERRNO(epoll_ctl(ep, 99, p[0], &ev), EINVAL);
	char path[64];
	snprintf(path, sizeof(path), "%s/t_epoll.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 getpid());
	int reg = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	UT_CHECK(reg >= 0, "open %s: %s", path, strerror(errno));
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);
	close(reg);
	unlink(path);
	int null = open("/dev/null", O_RDWR);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, null, &ev), EPERM);
	close(null);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL), EFAULT);
	UT_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "ADD: %s", strerror(errno));
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	UT_CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "DEL with a NULL event: %s",
		 strerror(errno));
	/* EPOLLEXCLUSIVE: only on ADD, not with ONESHOT, never MOD'd. */
	struct epoll_event ex = { .events = EPOLLIN | EPOLLEXCLUSIVE };
	struct epoll_event exo = { .events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT };
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &exo), EINVAL);
	UT_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ex) == 0, "ADD EXCLUSIVE: %s", strerror(errno));
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ex), EINVAL);
	/* Two instances in each other: a loop. */
	int ep2 = epoll_create1(0);
	UT_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev) == 0, "instance in instance: %s",
		 strerror(errno));
	UT_EXPECT_ERRNO(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev), ELOOP);
	close(ep2);
	close(ep);
	close(p[0]);
	close(p[1]);
}

static void test_wait_errors(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	struct epoll_event ev[2];
	UT_EXPECT_ERRNO(epoll_wait(ep, ev, 0, 0), EINVAL);
	UT_EXPECT_ERRNO(raw_wait(ep, ev, -1, 0), EINVAL);
	UT_EXPECT_ERRNO(epoll_wait(200, ev, 2, 0), EBADF);
	UT_EXPECT_ERRNO(epoll_wait(p[0], ev, 2, 0), EINVAL);
	UT_EXPECT_ERRNO(raw_wait(ep, ev, 0, 0), EINVAL);
	add(ep, p[1], EPOLLOUT, 1);
	UT_EXPECT_ERRNO(raw_wait(ep, NULL, 2, 0), EFAULT);
	sigset_t m;
	sigemptyset(&m);
	UT_EXPECT_ERRNO(syscall(SYS_epoll_pwait, ep, ev, 2, 0, &m, 4), EINVAL);
	close(ep);
	close(p[0]);
	close(p[1]);
}

static void test_level_edge_oneshot(void)
{
	int ep = epoll_create1(0), lt[2], et[2], os[2];
	pipe(lt);
	pipe(et);
	pipe(os);
	add(ep, lt[0], EPOLLIN, 11);
	UT_CHECK(wait0(ep, NULL) == 0, "an empty pipe is not ready");
	struct epoll_event ev;
	write(lt[1], "x", 1);
	UT_CHECK(wait0(ep, &ev) == 1 && ev.events == EPOLLIN && ev.data.u64 == 11,
		 "level: EPOLLIN with the data (%#x %llu)", ev.events,
		 (unsigned long long)ev.data.u64);
	UT_CHECK(raw_wait(ep, &ev, 1, 0) == 1, "level: still reported (raw call)");
	char c;
	read(lt[0], &c, 1);
	UT_CHECK(wait0(ep, NULL) == 0, "level: not after the read");
	epoll_ctl(ep, EPOLL_CTL_DEL, lt[0], NULL);

	add(ep, et[0], EPOLLIN | EPOLLET, 22);
	write(et[1], "x", 1);
	UT_CHECK(wait0(ep, &ev) == 1 && ev.data.u64 == 22, "edge: reported once");
	UT_CHECK(wait0(ep, NULL) == 0, "edge: not twice for one write");
	write(et[1], "y", 1);
	UT_CHECK(wait0(ep, NULL) == 1, "edge: a new write reports again (unread data)");
	UT_CHECK(wait0(ep, NULL) == 0, "edge: and once only");
	epoll_ctl(ep, EPOLL_CTL_DEL, et[0], NULL);

	add(ep, os[0], EPOLLIN | EPOLLONESHOT, 33);
	write(os[1], "x", 1);
	UT_CHECK(wait0(ep, &ev) == 1 && ev.data.u64 == 33, "oneshot: reported");
	UT_CHECK(wait0(ep, NULL) == 0, "oneshot: disarmed");
	write(os[1], "y", 1);
	UT_CHECK(wait0(ep, NULL) == 0, "oneshot: disarmed through a new write");
	struct epoll_event mod = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 34 };
	UT_CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, os[0], &mod) == 0, "MOD re-arms");
	UT_CHECK(wait0(ep, &ev) == 1 && ev.data.u64 == 34, "oneshot: MOD re-armed, new data");
	/* MOD to other events: the write end's EPOLLOUT. */
	add(ep, os[1], 0, 44);
	UT_CHECK(wait0(ep, NULL) == 0, "no events wanted, none reported");
	mod.events = EPOLLOUT;
	mod.data.u64 = 45;
	epoll_ctl(ep, EPOLL_CTL_MOD, os[1], &mod);
	UT_CHECK(wait0(ep, &ev) == 1 && ev.events == EPOLLOUT && ev.data.u64 == 45,
		 "MOD to EPOLLOUT: reported with the new data");
	epoll_ctl(ep, EPOLL_CTL_DEL, os[1], NULL);
	UT_CHECK(wait0(ep, NULL) == 0, "DEL: no more");
	/* Hang-up comes unasked. */
	add(ep, lt[0], EPOLLOUT, 55);
	close(lt[1]);
	UT_CHECK(wait0(ep, &ev) == 1 && ev.events == EPOLLHUP, "EPOLLHUP unasked (%#x)",
		 ev.events);
	close(ep);
	close(lt[0]);
	close(et[0]);
	close(et[1]);
	close(os[0]);
	close(os[1]);
}

static void test_close_removal(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	add(ep, p[0], EPOLLIN, 1);
	write(p[1], "x", 1);
	int d = dup(p[0]);
	close(p[0]);
	struct epoll_event ev;
	UT_CHECK(wait0(ep, &ev) == 1 && ev.data.u64 == 1,
		 "a dup keeps the open file, and its item, alive");
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
	UT_EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL), ENOENT);
	close(d);
	UT_CHECK(wait0(ep, NULL) == 0, "the last close removes the item");
	/* The same descriptor number, a new file: a new item is allowed. */
	int q[2];
	pipe(q);
	UT_CHECK(add(ep, q[0], EPOLLIN, 2) == 0, "a new file at an old number: %s",
		 strerror(errno));
	close(q[0]);
	close(q[1]);
	close(p[1]);
	/* Closing an instance with items in it. */
	int ep2 = epoll_create1(0);
	pipe(q);
	add(ep2, q[0], EPOLLIN, 3);
	add(ep2, q[1], EPOLLOUT, 4);
	close(ep2);
	write(q[1], "x", 1);
	close(q[0]);
	close(q[1]);
	close(ep);
}

static void child_write_later(int fd)
{
	struct timespec ts = { 0, 100 * 1000000L };
	nanosleep(&ts, NULL);
	write(fd, "w", 1);
	_exit(0);
}

static void test_nested(void)
{
	int inner = epoll_create1(0), outer = epoll_create1(0), p[2];
	pipe(p);
	add(inner, p[0], EPOLLIN, 1);
	add(outer, inner, EPOLLIN, 2);
	struct pollfd pf = { inner, POLLIN, 0 };
	UT_CHECK(poll(&pf, 1, 0) == 0, "an idle instance is not readable");
	write(p[1], "x", 1);
	UT_CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "a ready instance is POLLIN");
	struct epoll_event ev;
	UT_CHECK(wait0(outer, &ev) == 1 && ev.data.u64 == 2 && ev.events == EPOLLIN,
		 "the outer instance reports the inner one");
	char c;
	read(p[0], &c, 1);
	UT_CHECK(wait0(outer, NULL) == 0, "not once the inner is idle again");
	pid_t pid = fork();
	if (pid == 0)
		child_write_later(p[1]);
	long t0 = now_ms();
	int n = epoll_wait(outer, &ev, 1, SLOW_MS * 2);
	long dt = now_ms() - t0;
	UT_CHECK(n == 1 && ev.data.u64 == 2, "a child's write wakes the outer wait (%d)", n);
	UT_CHECK(dt >= 50 && dt < SLOW_MS, "woken after the write (%ld ms)", dt);
	int status;
	ut_wait(pid, &status, 5000);
	/* A chain too long for Linux's limit of 4 levels below the top. */
	int chain[7] = { -1, -1, -1, -1, -1, -1, -1 };
	chain[0] = epoll_create1(0);
	int rc = 0;
	for (int i = 1; i < 7 && rc == 0; i++) {
		chain[i] = epoll_create1(0);
		rc = add(chain[i], chain[i - 1], EPOLLIN, 0);
	}
	UT_CHECK(rc < 0 && errno == ELOOP, "a chain of 7 instances: ELOOP");
	for (int i = 0; i < 7; i++)
		if (chain[i] >= 0)
			close(chain[i]);
	close(inner);
	close(outer);
	close(p[0]);
	close(p[1]);
}

static void test_timeouts(void)
{
	int ep = epoll_create1(0);
	struct epoll_event ev;
	long t0 = now_ms();
	UT_CHECK(epoll_wait(ep, &ev, 1, 0) == 0 && now_ms() - t0 < 200, "0 returns at once");
	t0 = now_ms();
	int n = raw_wait(ep, &ev, 1, 200);
	long dt = now_ms() - t0;
	UT_CHECK(n == 0 && dt >= 200 && dt < SLOW_MS, "200 ms timeout: %d after %ld ms", n, dt);
	struct { int64_t sec, nsec; } ts = { 0, 150 * 1000000L };	/* __kernel_timespec */
	t0 = now_ms();
	errno = 0;
	n = (int)syscall(441 /* epoll_pwait2 */, ep, &ev, 1, &ts, NULL, 8);
	dt = now_ms() - t0;
	if (n < 0 && errno == ENOSYS)
		UT_NOTE("epoll_pwait2 is not in this kernel");
	else
		UT_CHECK(n == 0 && dt >= 150 && dt < SLOW_MS, "epoll_pwait2 150 ms: %d after %ld ms",
			 n, dt);
	struct { int64_t sec, nsec; } bad = { 0, 1000000000L };
	errno = 0;
	n = (int)syscall(441, ep, &ev, 1, &bad, NULL, 8);
	UT_CHECK(n < 0 && (errno == EINVAL || errno == ENOSYS), "epoll_pwait2: EINVAL for a bad timespec");
	close(ep);
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	int ep = epoll_create1(0);
	struct epoll_event ev;
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	usr1_count = 0;
	long t0 = now_ms();
	errno = 0;
	int n = epoll_wait(ep, &ev, 1, SLOW_MS * 2);
	UT_CHECK(n == -1 && errno == EINTR && usr1_count == 1, "a signal ends the wait: %d %s", n,
		 strerror(errno));
	UT_CHECK(now_ms() - t0 < SLOW_MS, "at once");
	/* epoll_pwait's mask keeps a pending SIGUSR1 out until the call ends. */
	sigset_t block, old, cur;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	usr1_count = 0;
	raise(SIGUSR1);
	n = epoll_pwait(ep, &ev, 1, 100, &block);
	UT_CHECK(n == 0 && usr1_count == 0, "a signal the mask blocks waits (%d, %d)", n,
		 (int)usr1_count);
	sigset_t open_mask;
	sigemptyset(&open_mask);
	errno = 0;
	n = epoll_pwait(ep, &ev, 1, SLOW_MS, &open_mask);
	UT_CHECK(n == -1 && errno == EINTR && usr1_count == 1,
		 "a mask that lets it in: EINTR, the handler ran (%d, %d)", n, (int)usr1_count);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	UT_CHECK(sigismember(&cur, SIGUSR1), "the old mask is back");
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(ep);
	signal(SIGALRM, SIG_DFL);
	alarm(WATCHDOG_S);
}

static void test_many(void)
{
	static int p[NPIPES][2];
	int ep = epoll_create1(0);
	for (int i = 0; i < NPIPES; i++) {
		if (pipe(p[i]) < 0) {
			UT_CHECK(0, "pipe %d: %s", i, strerror(errno));
			return;
		}
		add(ep, p[i][0], EPOLLIN, (uint64_t)i);
	}
	const int written[3] = { 7, 50, 99 };
	for (int k = 0; k < 3; k++)
		write(p[written[k]][1], "x", 1);
	struct epoll_event ev[NPIPES];
	int n = epoll_wait(ep, ev, NPIPES, 0);
	int seen = 0;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			if (ev[i].data.u64 == (uint64_t)written[k])
				seen |= 1 << k;
	UT_CHECK(n == 3 && seen == 7, "3 of %d pipes reported (%d, mask %#x)", NPIPES, n, seen);
	seen = 0;
	for (int i = 0; i < 3; i++) {
		if (epoll_wait(ep, ev, 1, 0) != 1)
			break;
		for (int k = 0; k < 3; k++)
			if (ev[0].data.u64 == (uint64_t)written[k])
				seen |= 1 << k;
	}
	UT_CHECK(seen == 7, "maxevents 1 goes round all ready items (mask %#x)", seen);
	close(ep);
	for (int i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

static uint64_t efd_read(int fd, int *err)
{
	uint64_t v = 0;
	errno = 0;
	ssize_t r = read(fd, &v, sizeof(v));
	*err = r == sizeof(v) ? 0 : errno;
	return v;
}

static int efd_write(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -errno;
}

static void test_eventfd_basics(void)
{
	int err;
	UT_EXPECT_ERRNO(eventfd(0, 8), EINVAL);
	int fd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
	UT_CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "EFD_CLOEXEC");
	UT_CHECK(efd_read(fd, &err) == 5 && !err, "the initial value is read");
	efd_read(fd, &err);
	UT_CHECK(err == EAGAIN, "then EAGAIN (%s)", strerror(err));
	UT_CHECK(efd_write(fd, 3) == 0 && efd_write(fd, 4) == 0, "writes add");
	UT_CHECK(efd_read(fd, &err) == 7, "reads the sum and resets");
	uint32_t small = 1;
	UT_EXPECT_ERRNO(write(fd, &small, sizeof(small)), EINVAL);
	UT_EXPECT_ERRNO(read(fd, &small, sizeof(small)), EINVAL);
	UT_CHECK(efd_write(fd, UINT64_MAX) == -EINVAL, "2^64-1 is EINVAL");
	UT_CHECK(efd_write(fd, EFD_MAX) == 0, "2^64-2 fits");
	UT_CHECK(efd_write(fd, 1) == -EAGAIN, "one more would overflow: EAGAIN");
	struct pollfd pf = { fd, POLLIN | POLLOUT, 0 };
	UT_CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "full: POLLIN, no POLLOUT (%#x)",
		 pf.revents);
	UT_CHECK(efd_read(fd, &err) == EFD_MAX, "reads 2^64-2");
	pf.revents = 0;
	UT_CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT, "empty: POLLOUT only");
	close(fd);

	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t a = efd_read(fd, &err), b = efd_read(fd, &err), c = efd_read(fd, &err);
	UT_CHECK(a == 1 && b == 1 && c == 1, "semaphore: 1 at a time");
	efd_read(fd, &err);
	UT_CHECK(err == EAGAIN, "semaphore: EAGAIN at 0");
	close(fd);

	fd = (int)syscall(SYS_eventfd, 2);
	UT_CHECK(fd >= 0 && efd_read(fd, &err) == 2, "the old eventfd call");
	close(fd);
}

static void test_eventfd_blocking(void)
{
	int fd = eventfd(0, 0), err;
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t v = efd_read(fd, &err);
		_exit(err ? 100 : (int)v);
	}
	struct timespec ts = { 0, 100 * 1000000L };
	nanosleep(&ts, NULL);
	int status = 0;
	UT_CHECK(waitpid(pid, &status, WNOHANG) == 0, "the child's read blocks");
	efd_write(fd, 7);
	UT_CHECK(ut_wait(pid, &status, 5000) == pid && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 7, "a write wakes it with the value (%#x)", status);

	efd_write(fd, EFD_MAX);
	pid = fork();
	if (pid == 0)
		_exit(efd_write(fd, 5) == 0 ? 0 : 1);
	nanosleep(&ts, NULL);
	UT_CHECK(waitpid(pid, &status, WNOHANG) == 0, "the child's overflowing write blocks");
	UT_CHECK(efd_read(fd, &err) == EFD_MAX, "the parent reads");
	UT_CHECK(ut_wait(pid, &status, 5000) == pid && WIFEXITED(status) &&
		 WEXITSTATUS(status) == 0, "the read lets the writer finish");
	UT_CHECK(efd_read(fd, &err) == 5, "with its value");
	close(fd);
}

static void test_eventfd_epoll(void)
{
	int fd = eventfd(0, EFD_NONBLOCK), ep = epoll_create1(0), err;
	add(ep, fd, EPOLLIN | EPOLLET, 9);
	UT_CHECK(wait0(ep, NULL) == 0, "eventfd at 0: not ready");
	efd_write(fd, 1);
	struct epoll_event ev;
	UT_CHECK(wait0(ep, &ev) == 1 && ev.data.u64 == 9, "a write: reported");
	UT_CHECK(wait0(ep, NULL) == 0, "edge: once");
	efd_write(fd, 1);
	UT_CHECK(wait0(ep, NULL) == 1, "another write: again");
	efd_read(fd, &err);
	efd_write(fd, 0);
	UT_CHECK(wait0(ep, NULL) == 0, "read to 0: not ready");
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
		_exit(efd_write(fd, 1) == 0 ? 0 : 1);
	}
	UT_CHECK(epoll_wait(ep, &ev, 1, SLOW_MS * 2) == 1, "a child's write wakes epoll_wait");
	int status;
	ut_wait(pid, &status, 5000);
	close(ep);
	close(fd);
}

int main(void)
{
	alarm(WATCHDOG_S);	/* a hang dies of SIGALRM and fails the test */
	test_create();
	test_ctl_errors();
	test_wait_errors();
	test_level_edge_oneshot();
	test_close_removal();
	test_nested();
	test_timeouts();
	test_signals();
	test_many();
	test_eventfd_basics();
	test_eventfd_blocking();
	test_eventfd_epoll();
	return ut_done("t_epoll");
}
