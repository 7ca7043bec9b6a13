/*
 * t_fifo: named pipes (mkfifo), on the root file system's temporary
 * directory ($TMPDIR or /tmp: S5FS on M-OS) and on /dev/shm (ramfs on
 * M-OS), each rule checked in both:
 *
 *  - mkfifo and mknod(S_IFIFO) make a node that stat shows as S_IFIFO
 *    with the mode asked for; mkfifo over an existing name is EEXIST;
 *  - O_RDONLY|O_NONBLOCK opens at once with no writer (and reads EOF);
 *    O_WRONLY|O_NONBLOCK with no reader is ENXIO; O_RDWR does not wait;
 *  - O_RDONLY waits until a writer opens, O_WRONLY until a reader opens
 *    (each in a child that reports through a status pipe when its open
 *    returns); the data the parent writes reaches the child, which then
 *    reads EOF once the writer has closed (and the reverse direction);
 *  - a signal interrupts a waiting open (EINTR, no SA_RESTART), and the
 *    interrupted open leaves no reader behind (a later O_WRONLY|
 *    O_NONBLOCK is still ENXIO; and, interrupted while another reader
 *    waits too, a write after that reader has gone is EPIPE);
 *  - write with no reader left: EPIPE with SIGPIPE ignored, death by
 *    SIGPIPE by default;
 *  - all openers share one pipe: two opens in one process, write on one,
 *    read on the other; fstat shows the node's own inode; lseek ESPIPE;
 *  - after the last close the name stays (still a FIFO) and the data
 *    written before it is gone.
 *
 * Every wait is bounded: children by ut_wait, the parent by alarm().
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include "utest.h"

#define WAIT_MS 10000		/* the longest a child may take */
#define BLOCKED_MS 200		/* how long a waiting open must stay waiting */
#define GUARD_S 20		/* the parent's own blocking calls */

static char path[PATH_MAX];

static void make_fifo(void)
{
	unlink(path);
	if (mkfifo(path, 0640) != 0)
		UT_CHECK(0, "mkfifo %s: %s", path, strerror(errno));
}

static void test_create(const char *dir)
{
	make_fifo();
	struct stat st = { 0 };
	UT_CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == 0640 &&
		 st.st_size == 0, "%s: stat mode %o size %lld, wanted a FIFO 0640 of size 0", dir,
		 st.st_mode, (long long)st.st_size);
	UT_EXPECT_ERRNO(mkfifo(path, 0600), EEXIST);
	char other[PATH_MAX + 8];
	snprintf(other, sizeof(other), "%s.mknod", path);
	unlink(other);
	int rc = mknod(other, S_IFIFO | 0600, 0);
	UT_CHECK(rc == 0, "%s: mknod S_IFIFO: %s", dir, strerror(errno));
	st.st_mode = 0;
	UT_CHECK(lstat(other, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == 0600,
		 "%s: mknod'd FIFO mode %o", dir, st.st_mode);
	unlink(other);
}

static void test_nonblock_opens(const char *dir)
{
	make_fifo();
	alarm(GUARD_S);
	int r = open(path, O_RDONLY | O_NONBLOCK);
	int err = errno;
	UT_CHECK(r >= 0, "%s: O_RDONLY|O_NONBLOCK with no writer: %s", dir, strerror(err));
	char c;
	UT_CHECK(read(r, &c, 1) == 0, "%s: read with no writer ever is EOF", dir);
	close(r);
	UT_EXPECT_ERRNO(open(path, O_WRONLY | O_NONBLOCK), ENXIO);
	int rw = open(path, O_RDWR);
	err = errno;
	UT_CHECK(rw >= 0, "%s: O_RDWR opens without waiting: %s", dir, strerror(err));
	UT_CHECK(write(rw, "x", 1) == 1 && read(rw, &c, 1) == 1 && c == 'x',
		 "%s: O_RDWR end reads back its own byte", dir);
	close(rw);
	alarm(0);
}

/* The child of test_wait_for_peer: opens the FIFO with its flags (the
 * waiting end), says so on the status pipe, then reads or writes. */
struct peer {
	int flags;		/* O_RDONLY or O_WRONLY */
	int status_fd;		/* write end of the status pipe */
};

static void peer_child(void *arg)
{
	struct peer *p = arg;
	alarm(GUARD_S);
	int fd = open(path, p->flags);
	if (fd < 0)
		_exit(10);
	if (write(p->status_fd, "o", 1) != 1)
		_exit(11);
	char buf[16];
	if (p->flags == O_RDONLY) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n != 5 || memcmp(buf, "hello", 5) != 0)
			_exit(12);
		if (read(fd, buf, sizeof(buf)) != 0)	/* writer closed: EOF */
			_exit(13);
	} else if (write(fd, "world", 5) != 5) {
		_exit(14);
	}
	close(fd);
}

static void test_wait_for_peer(const char *dir, int child_flags)
{
	const char *what = child_flags == O_RDONLY ? "O_RDONLY" : "O_WRONLY";
	make_fifo();
	int sp[2];
	if (pipe2(sp, O_NONBLOCK) != 0) {	/* set-up, not a check */
		UT_CHECK(0, "pipe2: %s", strerror(errno));
		return;
	}
	struct peer p = { child_flags, sp[1] };
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		peer_child(&p);
		_exit(0);
	}
	close(sp[1]);
	ut_sleep_ms(BLOCKED_MS);
	char c;
	int st;
	UT_CHECK(read(sp[0], &c, 1) < 0 && errno == EAGAIN && waitpid(pid, &st, WNOHANG) == 0,
		 "%s: %s open returned (or the child ended) with no peer", dir, what);
	alarm(GUARD_S);
	int fd = open(path, child_flags == O_RDONLY ? O_WRONLY : O_RDONLY);
	UT_CHECK(fd >= 0, "%s: the peer's open: %s", dir, strerror(errno));
	alarm(0);
	long long end = ut_now_ms() + WAIT_MS;
	ssize_t got;
	while ((got = read(sp[0], &c, 1)) < 0 && ut_now_ms() < end)
		ut_sleep_ms(5);
	UT_CHECK(got == 1, "%s: %s open still waiting after the peer opened", dir, what);
	if (fd >= 0) {
		alarm(GUARD_S);
		if (child_flags == O_RDONLY) {
			UT_CHECK(write(fd, "hello", 5) == 5, "%s: write to the reader", dir);
		} else {
			char buf[16];
			UT_CHECK(read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "world", 5) == 0,
				 "%s: read what the writer child wrote", dir);
			UT_CHECK(read(fd, buf, sizeof(buf)) == 0, "%s: EOF after the writer closed", dir);
		}
		alarm(0);
		close(fd);
	}
	close(sp[0]);
	UT_CHECK(ut_wait(pid, &st, WAIT_MS) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "%s: %s child %s", dir, what, ut_status_str(st));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Opens with flags and no peer; a timer signal (no SA_RESTART) must end
 * the wait with EINTR.  Exit status 0 when it does. */
static void eintr_child(void *arg)
{
	int flags = *(int *)arg;
	struct sigaction sa = { .sa_handler = on_alarm };	/* sa_flags 0 */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { .it_value = { 0, BLOCKED_MS * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	int fd = open(path, flags);
	_exit(fd < 0 && errno == EINTR ? 0 : 1);
}

static void test_eintr(const char *dir)
{
	make_fifo();
	int flags[] = { O_RDONLY, O_WRONLY };
	for (int i = 0; i < 2; i++) {
		int st = ut_run_child(eintr_child, &flags[i]);
		UT_CHECK(st == 0, "%s: %s open interrupted by a signal: child %s", dir,
			 flags[i] == O_RDONLY ? "O_RDONLY" : "O_WRONLY", ut_status_str(st));
	}
	/* The interrupted reader must not count as a reader still. */
	UT_EXPECT_ERRNO(open(path, O_WRONLY | O_NONBLOCK), ENXIO);
}

static void open_close_child(void *arg)
{
	alarm(GUARD_S);
	int fd = open(path, *(int *)arg);
	_exit(fd < 0 ? 10 : 0);
}

/* While another reader waits too (so the pipe stays), an interrupted
 * reader's count must go: once the other one has gone, a write is EPIPE. */
static void test_eintr_rollback(const char *dir)
{
	make_fifo();
	int rd = O_RDONLY;
	fflush(NULL);
	pid_t other = fork();
	if (other == 0)
		open_close_child(&rd);
	ut_sleep_ms(BLOCKED_MS / 2);
	int st = ut_run_child(eintr_child, &rd);
	UT_CHECK(st == 0, "%s: O_RDONLY open interrupted beside another reader: child %s", dir,
		 ut_status_str(st));
	alarm(GUARD_S);
	int w = open(path, O_WRONLY);
	int err = errno;
	alarm(0);
	UT_CHECK(w >= 0, "%s: writer open with a reader waiting: %s", dir, strerror(err));
	st = -1;
	UT_CHECK(ut_wait(other, &st, WAIT_MS) == other && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "%s: the waiting reader: %s", dir, ut_status_str(st));
	signal(SIGPIPE, SIG_IGN);
	UT_EXPECT_ERRNO(write(w, "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(w);
}

static void sigpipe_child(void *arg)
{
	(void)arg;
	int r = open(path, O_RDONLY | O_NONBLOCK);
	int w = open(path, O_WRONLY | O_NONBLOCK);
	if (r < 0 || w < 0)
		_exit(10);
	close(r);
	ssize_t n = write(w, "x", 1);
	(void)n;
	_exit(11);		/* SIGPIPE should have killed us */
}

static void test_epipe(const char *dir)
{
	make_fifo();
	int r = open(path, O_RDONLY | O_NONBLOCK);
	int w = open(path, O_WRONLY | O_NONBLOCK);
	int err = errno;
	UT_CHECK(r >= 0 && w >= 0, "%s: nonblocking opens: %s", dir, strerror(err));
	close(r);
	signal(SIGPIPE, SIG_IGN);
	UT_EXPECT_ERRNO(write(w, "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(w);
	int st = ut_run_child(sigpipe_child, NULL);
	UT_CHECK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
		 "%s: write with no reader: child %s, wanted SIGPIPE", dir, ut_status_str(st));
}

static void test_shared_and_lifetime(const char *dir)
{
	make_fifo();
	alarm(GUARD_S);
	int r = open(path, O_RDONLY | O_NONBLOCK);
	int w = open(path, O_WRONLY);
	int err = errno;
	UT_CHECK(r >= 0 && w >= 0, "%s: two opens: %s", dir, strerror(err));
	UT_CHECK(write(w, "shared", 6) == 6, "%s: write", dir);
	char buf[16];
	UT_CHECK(read(r, buf, sizeof(buf)) == 6 && memcmp(buf, "shared", 6) == 0,
		 "%s: the other open file reads what one wrote", dir);
	struct stat fst, pst;
	UT_CHECK(fstat(r, &fst) == 0 && stat(path, &pst) == 0 && S_ISFIFO(fst.st_mode) &&
		 fst.st_ino == pst.st_ino && fst.st_dev == pst.st_dev,
		 "%s: fstat shows the node (ino %llu, stat says %llu)", dir,
		 (unsigned long long)fst.st_ino, (unsigned long long)pst.st_ino);
	UT_EXPECT_ERRNO(lseek(r, 0, SEEK_SET), ESPIPE);
	UT_CHECK(write(w, "stale", 5) == 5, "%s: write before the last close", dir);
	close(w);
	close(r);
	UT_CHECK(stat(path, &pst) == 0 && S_ISFIFO(pst.st_mode), "%s: the name outlives its openers", dir);
	r = open(path, O_RDONLY | O_NONBLOCK);
	UT_CHECK(r >= 0 && read(r, buf, sizeof(buf)) == 0,
		 "%s: the data written before the last close is gone", dir);
	close(r);
	alarm(0);
}

static void run_in(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		UT_NOTE("no directory %s: skipped", dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/t_fifo.%d", dir, (int)getpid());
	test_create(dir);
	test_nonblock_opens(dir);
	test_wait_for_peer(dir, O_RDONLY);
	test_wait_for_peer(dir, O_WRONLY);
	test_eintr(dir);
	test_eintr_rollback(dir);
	test_epipe(dir);
	test_shared_and_lifetime(dir);
	int rc = unlink(path);
	UT_CHECK(rc == 0, "%s: unlink the FIFO: %s", dir, strerror(errno));
}

int main(void)
{
	umask(0);
	const char *tmp = getenv("TMPDIR");
	run_in(tmp && *tmp ? tmp : "/tmp");
	run_in("/dev/shm");
	return ut_done("t_fifo");
}
