/*
 * t_poll: poll, ppoll, select and pselect.
 *
 *  - pipes: an empty read end is not readable, a write end with room is
 *    writable; data makes the read end POLLIN; closing the writers adds
 *    POLLHUP (and POLLIN stays while data is left); closing the readers
 *    gives the write end POLLERR;
 *  - /dev/null and a regular file are always readable and writable;
 *  - timeouts: a 0 timeout returns at once; poll's, select's, ppoll's
 *    timeout lasts at least as long as asked (and not absurdly longer);
 *    select writes the time left back into its timeval (0 after a
 *    timeout, less than given after an early wakeup);
 *  - a child writing after 100 ms wakes a blocked poll, select (no
 *    timeout) and ppoll;
 *  - a descriptor that is not open: POLLNVAL from poll, EBADF from
 *    select; a negative fd is ignored; EINVAL for nfds above
 *    RLIMIT_NOFILE (poll) or negative (select); EFAULT for bad pointers;
 *  - select's fd_sets come back holding only the ready descriptors, and
 *    its result counts bits (an fd in both sets counts twice);
 *  - signals: a signal ends a blocked poll with EINTR; ppoll and pselect
 *    with a mask that blocks a pending signal wait out their timeout (the
 *    signal is delivered after), with a mask that lets a blocked signal
 *    in they fail with EINTR at once, the handler runs, and the old mask
 *    is back afterwards;
 *  - many descriptors: of 60 pipes, only the one written is reported.
 *
 * The raw system calls (poll, _newselect, ppoll, pselect6) are called
 * directly as well as through glibc (which on i386 uses the time64
 * forms).  An alarm bounds the whole program so a bug cannot hang it.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>

#include "utest.h"

#define WATCHDOG_S 60
#define NPIPES 60
#define SLOW_MS 2000	/* the loose upper bound of a timed wait */
#define QEMU_LATE_SIGNAL "qemu-i386 keeps a signal that arrived during ppoll/pselect " \
	"pending past the call"

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

/* poll of one descriptor with a 0 timeout: its revents, or -1. */
static int poll1(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };
	int rc = poll(&p, 1, 0);
	return rc < 0 ? -1 : p.revents;
}

static void test_pipe_events(void)
{
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	UT_CHECK(poll1(p[0], POLLIN) == 0, "empty read end: revents %#x, expected 0", poll1(p[0], POLLIN));
	UT_CHECK(poll1(p[1], POLLOUT) == POLLOUT, "write end: revents %#x, expected POLLOUT",
		 poll1(p[1], POLLOUT));
	UT_CHECK(write(p[1], "x", 1) == 1, "write");
	UT_CHECK(poll1(p[0], POLLIN | POLLOUT) == POLLIN,
		 "read end with data: revents %#x, expected POLLIN", poll1(p[0], POLLIN | POLLOUT));
	close(p[1]);
	int ev = poll1(p[0], POLLIN);
	UT_CHECK(ev == (POLLIN | POLLHUP), "data and no writer: revents %#x, expected POLLIN|POLLHUP", ev);
	char c;
	UT_CHECK(read(p[0], &c, 1) == 1, "read");
	ev = poll1(p[0], POLLIN);
	UT_CHECK(ev == POLLHUP, "drained, no writer: revents %#x, expected POLLHUP", ev);
	ev = poll1(p[0], 0);
	UT_CHECK(ev == POLLHUP, "POLLHUP even when not asked for: revents %#x", ev);
	close(p[0]);

	UT_CHECK(pipe(p) == 0, "pipe");
	close(p[0]);
	ev = poll1(p[1], POLLOUT);
	UT_CHECK(ev & POLLERR, "no reader: revents %#x, expected POLLERR", ev);
	close(p[1]);
}

/* A named FIFO polls as the pipe behind it. */
static void test_named_fifo(void)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/fifo", ut_scratch_dir("t_poll"));
	if (!UT_CHECK(mkfifo(path, 0600) == 0, "mkfifo %s: %s", path, strerror(errno)))
		return;
	int r = open(path, O_RDONLY | O_NONBLOCK), w = open(path, O_WRONLY | O_NONBLOCK);
	UT_CHECK(r >= 0 && w >= 0, "open both ends of the FIFO: %s", strerror(errno));
	int ev = poll1(r, POLLIN);
	UT_CHECK(ev == 0, "empty FIFO: revents %#x, expected 0", ev);
	UT_CHECK(write(w, "x", 1) == 1, "write to the FIFO");
	ev = poll1(r, POLLIN);
	UT_CHECK(ev == POLLIN, "FIFO with data: revents %#x, expected POLLIN", ev);
	close(w);
	ev = poll1(r, POLLIN);
	UT_CHECK(ev == (POLLIN | POLLHUP), "FIFO with data, no writer: revents %#x", ev);
	close(r);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

static void test_always_ready(const char *self)
{
	int fd = open("/dev/null", O_RDWR);
	UT_CHECK(fd >= 0, "open /dev/null");
	int ev = poll1(fd, POLLIN | POLLOUT);
	UT_CHECK(ev == (POLLIN | POLLOUT), "/dev/null: revents %#x, expected POLLIN|POLLOUT", ev);
	close(fd);
	fd = open(self, O_RDONLY);
	UT_CHECK(fd >= 0, "open %s", self);
	ev = poll1(fd, POLLIN);
	UT_CHECK(ev == POLLIN, "regular file: revents %#x, expected POLLIN", ev);
	close(fd);
}

static void test_timeouts(void)
{
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	struct pollfd pf = { p[0], POLLIN, 0 };

	long long t0 = ut_now_ms();
	int rc = poll(&pf, 1, 0);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(rc == 0 && dt < 100, "0 timeout: rc %d after %lld ms, expected 0 at once", rc, dt);

	t0 = ut_now_ms();
	rc = syscall(SYS_poll, &pf, 1, 150);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == 0, "poll timeout: rc %d (%s), expected 0", rc, rc < 0 ? strerror(errno) : "");
	UT_CHECK(dt >= 150 && dt < SLOW_MS, "poll(150 ms) took %lld ms", dt);

	struct timespec ts = { 0, 120 * 1000000L };
	t0 = ut_now_ms();
	rc = ppoll(&pf, 1, &ts, NULL);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == 0 && dt >= 120 && dt < SLOW_MS, "ppoll(120 ms): rc %d after %lld ms", rc, dt);

	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = { 0, 130000 };
	t0 = ut_now_ms();
	rc = syscall(SYS__newselect, p[0] + 1, &r, NULL, NULL, &tv);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == 0, "select timeout: rc %d (%s), expected 0", rc, rc < 0 ? strerror(errno) : "");
	UT_CHECK(dt >= 130 && dt < SLOW_MS, "select(130 ms) took %lld ms", dt);
	UT_CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "timeval after a timeout: %ld.%06ld, expected 0",
		 (long)tv.tv_sec, (long)tv.tv_usec);
	UT_CHECK(!FD_ISSET(p[0], &r), "select cleared the set after a timeout");

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 0 };
	t0 = ut_now_ms();
	rc = select(p[0] + 1, &r, NULL, NULL, &tv);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == 0 && dt < 100, "select 0 timeout: rc %d after %lld ms", rc, dt);
	close(p[0]);
	close(p[1]);
}

/* A child that writes one byte to fd after ms milliseconds. */
static pid_t late_writer(int fd, long ms)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		ut_sleep_ms(ms);
		_exit(write(fd, "w", 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status = 0;
	UT_CHECK(ut_wait(pid, &status, 10000) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "helper child: %s", ut_status_str(status));
}

static void test_wakeup(void)
{
	int p[2];
	char c;
	UT_CHECK(pipe(p) == 0, "pipe");
	struct pollfd pf = { p[0], POLLIN, 0 };

	pid_t pid = late_writer(p[1], 100);
	long long t0 = ut_now_ms();
	int rc = poll(&pf, 1, 10000);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(rc == 1 && pf.revents == POLLIN, "woken poll: rc %d revents %#x", rc, pf.revents);
	UT_CHECK(dt >= 50 && dt < 5000, "poll woke after %lld ms, expected about 100", dt);
	reap(pid);
	UT_CHECK(read(p[0], &c, 1) == 1, "read");

	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	pid = late_writer(p[1], 100);
	t0 = ut_now_ms();
	rc = select(p[0] + 1, &r, NULL, NULL, NULL);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == 1 && FD_ISSET(p[0], &r), "woken select (no timeout): rc %d", rc);
	UT_CHECK(dt >= 50 && dt < 5000, "select woke after %lld ms", dt);
	reap(pid);
	UT_CHECK(read(p[0], &c, 1) == 1, "read");

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = { 5, 0 };
	pid = late_writer(p[1], 100);
	rc = syscall(SYS__newselect, p[0] + 1, &r, NULL, NULL, &tv);
	UT_CHECK(rc == 1 && FD_ISSET(p[0], &r), "woken select (5 s): rc %d", rc);
	long left_ms = tv.tv_sec * 1000 + tv.tv_usec / 1000;
	UT_CHECK(left_ms > 0 && left_ms < 4990, "time left %ld ms, expected below 5 s less 100 ms", left_ms);
	reap(pid);
	UT_CHECK(read(p[0], &c, 1) == 1, "read");

	struct timespec ts = { 5, 0 };
	pid = late_writer(p[1], 100);
	rc = syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8);
	UT_CHECK(rc == 1 && pf.revents == POLLIN, "woken ppoll: rc %d revents %#x", rc, pf.revents);
	reap(pid);
	close(p[0]);
	close(p[1]);
}

static void test_errors(void)
{
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	/* A closed descriptor inside the table: Linux's select ignores bits
	 * past the end of the process's descriptor table, so a large number
	 * could say nothing about EBADF. */
	int bad = dup(p[0]);
	UT_CHECK(bad >= 0, "dup");
	close(bad);
	struct pollfd pf[3] = { { bad, POLLIN, 0 }, { -1, POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	int rc = poll(pf, 3, 0);
	UT_CHECK(rc == 2, "poll with a closed fd: rc %d, expected 2", rc);
	UT_CHECK(pf[0].revents == POLLNVAL, "closed fd: revents %#x, expected POLLNVAL", pf[0].revents);
	UT_CHECK(pf[1].revents == 0, "negative fd: revents %#x, expected 0", pf[1].revents);
	UT_CHECK(pf[2].revents == POLLOUT, "pipe: revents %#x", pf[2].revents);

	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	FD_SET(bad, &r);
	struct timeval tv = { 0, 0 };
	UT_EXPECT_ERRNO(select(bad + 1, &r, NULL, NULL, &tv), EBADF);
	tv = (struct timeval){ 0, 0 };
	UT_EXPECT_ERRNO(syscall(SYS__newselect, -1, NULL, NULL, NULL, &tv), EINVAL);
	tv = (struct timeval){ -1, 0 };
	UT_EXPECT_ERRNO(syscall(SYS__newselect, 1, NULL, NULL, NULL, &tv), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS__newselect, 1, (void *)8, NULL, NULL, NULL), EFAULT);

	struct rlimit rl;
	UT_CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0, "getrlimit");
	if (rl.rlim_cur < (1u << 20))
		UT_EXPECT_ERRNO_EMU(poll(pf, rl.rlim_cur + 1, 0), EINVAL,
				    "qemu-i386 copies the array in before checking nfds");
	UT_EXPECT_ERRNO(syscall(SYS_poll, 8, 1, 0), EFAULT);
	struct timespec ts = { 0, 1000000000L };
	UT_EXPECT_ERRNO(syscall(SYS_ppoll, pf, 1, &ts, NULL, 8), EINVAL);
	sigset_t none;
	sigemptyset(&none);
	ts = (struct timespec){ 0, 0 };
	UT_EXPECT_ERRNO(syscall(SYS_ppoll, pf, 1, &ts, &none, 4), EINVAL);
	close(p[0]);
	close(p[1]);
}

static void test_select_sets(void)
{
	int a[2], b[2];
	UT_CHECK(pipe(a) == 0 && pipe(b) == 0, "pipes");
	UT_CHECK(write(a[1], "x", 1) == 1, "write");
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(a[0], &r);
	FD_SET(b[0], &r);
	FD_SET(a[1], &w);
	FD_SET(b[1], &w);
	int n = (a[1] > b[1] ? a[1] : b[1]) + 1;
	struct timeval tv = { 1, 0 };
	int rc = syscall(SYS__newselect, n, &r, &w, NULL, &tv);
	UT_CHECK(rc == 3, "select: rc %d, expected 3 (one readable, two writable)", rc);
	UT_CHECK(FD_ISSET(a[0], &r) && !FD_ISSET(b[0], &r), "read set: a %d b %d, expected 1 0",
		 FD_ISSET(a[0], &r), FD_ISSET(b[0], &r));
	UT_CHECK(FD_ISSET(a[1], &w) && FD_ISSET(b[1], &w), "write set");

	/* No writer: readable (EOF), as Linux's select says. */
	close(b[1]);
	FD_ZERO(&r);
	FD_SET(b[0], &r);
	tv = (struct timeval){ 0, 0 };
	rc = select(b[0] + 1, &r, NULL, NULL, &tv);
	UT_CHECK(rc == 1 && FD_ISSET(b[0], &r), "read end with no writer: rc %d", rc);
	close(a[0]);
	close(a[1]);
	close(b[0]);
}

static pid_t late_signal(long ms)
{
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		ut_sleep_ms(ms);
		_exit(kill(parent, SIGUSR1) == 0 ? 0 : 1);
	}
	return pid;
}

static int usr1_blocked(void)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, SIGUSR1);
}

static void test_signals(void)
{
	int p[2];
	UT_CHECK(pipe(p) == 0, "pipe");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;	/* poll and select fail with EINTR all the same */
	sigaction(SIGUSR1, &sa, NULL);
	struct pollfd pf = { p[0], POLLIN, 0 };
	sigset_t usr1, none;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);

	/* A signal ends a blocked poll. */
	usr1_count = 0;
	pid_t pid = late_signal(100);
	long long t0 = ut_now_ms();
	int rc = poll(&pf, 1, 10000);
	int e = errno;
	long long dt = ut_now_ms() - t0;
	UT_CHECK(rc == -1 && e == EINTR && usr1_count == 1, "poll with a signal: rc %d errno %s count %d",
		 rc, ut_errname(e), (int)usr1_count);
	UT_CHECK(dt < 5000, "poll interrupted after %lld ms", dt);
	reap(pid);

	/* ppoll's mask blocks the signal: the timeout runs out, then the
	 * handler runs. */
	usr1_count = 0;
	pid = late_signal(50);
	struct timespec ts = { 0, 300 * 1000000L };
	t0 = ut_now_ms();
	rc = ppoll(&pf, 1, &ts, &usr1);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == 0, "ppoll, signal blocked by its mask: rc %d (%s), expected 0", rc,
		 rc < 0 ? strerror(errno) : "");
	UT_CHECK(dt >= 300, "ppoll returned after %lld ms, expected 300", dt);
	reap(pid);
	for (int i = 0; i < 100 && usr1_count == 0; i++)
		ut_sleep_ms(1);
	UT_CHECK_EMU(usr1_count == 1, QEMU_LATE_SIGNAL, "signal delivered after ppoll: count %d",
		     (int)usr1_count);
	UT_CHECK(!usr1_blocked(), "ppoll left its mask in place");

	/* Blocked outside, let in by ppoll's mask: EINTR at once. */
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	usr1_count = 0;
	ut_raise(SIGUSR1);
	ts = (struct timespec){ 5, 0 };
	t0 = ut_now_ms();
	rc = ppoll(&pf, 1, &ts, &none);
	e = errno;
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == -1 && e == EINTR, "ppoll, pending signal let in: rc %d errno %s", rc, ut_errname(e));
	UT_CHECK(usr1_count == 1 && dt < 2500, "handler ran (count %d) at once (%lld ms)", (int)usr1_count, dt);
	UT_CHECK(usr1_blocked(), "the old mask (SIGUSR1 blocked) is back after ppoll");

	/* The same through pselect6 (raw, with its {sigset, size} pair). */
	usr1_count = 0;
	ut_raise(SIGUSR1);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	ts = (struct timespec){ 5, 0 };
	struct { const sigset_t *ss; size_t len; } arg6 = { &none, 8 };
	rc = syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, &arg6);
	e = errno;
	UT_CHECK(rc == -1 && e == EINTR && usr1_count == 1, "pselect6, pending signal let in: rc %d errno %s count %d",
		 rc, ut_errname(e), (int)usr1_count);
	UT_CHECK(usr1_blocked(), "the old mask is back after pselect6");

	/* pselect with a mask that blocks it: times out; delivered after. */
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	usr1_count = 0;
	pid = late_signal(50);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	ts = (struct timespec){ 0, 250 * 1000000L };
	t0 = ut_now_ms();
	rc = pselect(p[0] + 1, &r, NULL, NULL, &ts, &usr1);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == 0 && dt >= 250, "pselect, signal blocked by its mask: rc %d after %lld ms", rc, dt);
	reap(pid);
	for (int i = 0; i < 100 && usr1_count == 0; i++)
		ut_sleep_ms(1);
	UT_CHECK_EMU(usr1_count == 1, QEMU_LATE_SIGNAL, "signal delivered after pselect: count %d",
		     (int)usr1_count);
	signal(SIGUSR1, SIG_IGN);	/* under qemu-i386 it may still come */
	close(p[0]);
	close(p[1]);
}

static void test_many(void)
{
	int p[NPIPES][2];
	struct pollfd pf[NPIPES];
	fd_set r;
	FD_ZERO(&r);
	int maxfd = 0;
	for (int i = 0; i < NPIPES; i++) {
		if (pipe(p[i]) != 0) {
			UT_CHECK(0, "pipe %d: %s", i, strerror(errno));
			return;
		}
		pf[i] = (struct pollfd){ p[i][0], POLLIN, 0 };
		FD_SET(p[i][0], &r);
		if (p[i][0] > maxfd)
			maxfd = p[i][0];
	}
	pid_t pid = late_writer(p[37][1], 50);
	int rc = poll(pf, NPIPES, 10000);
	UT_CHECK(rc == 1, "poll of %d pipes: rc %d, expected 1", NPIPES, rc);
	int which = -1;
	for (int i = 0; i < NPIPES; i++)
		if (pf[i].revents)
			which = which == -1 ? i : -2;
	UT_CHECK(which == 37, "the written pipe reported: %d, expected 37", which);
	reap(pid);
	struct timeval tv = { 1, 0 };
	rc = select(maxfd + 1, &r, NULL, NULL, &tv);
	UT_CHECK(rc == 1 && FD_ISSET(p[37][0], &r), "select of %d pipes: rc %d", NPIPES, rc);
	for (int i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	alarm(WATCHDOG_S);	/* a hang dies of SIGALRM and fails the test */
	test_pipe_events();
	test_always_ready(argv[0]);
	test_named_fifo();
	test_timeouts();
	test_wakeup();
	test_errors();
	test_select_sets();
	test_signals();
	test_many();
	return ut_done("t_poll");
}
