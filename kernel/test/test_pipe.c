/* Suite "pipe": pipe() and pipe2(): data in order, end of file when the
 * last writer closes, EPIPE when no reader is left, O_NONBLOCK's EAGAIN
 * (and partial writes), blocking readers and writers woken by the other
 * end, PIPE_BUF atomicity with several writers at once, cancellation,
 * and the calls that make no sense on a pipe (ESPIPE).  Threads share the
 * test process's descriptor table. */
#include "vfstest.h"
#include "fs/file.h"
#include "fs/pipe.h"
#include "mm/kmalloc.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"

#define PT_WRITERS 4
#define PT_RECORD 1000			/* <= PIPE_BUF: each write is atomic */
#define PT_RECORDS_EACH 60
#define PT_BIG (3 * PIPE_CAPACITY + 123)
#define PT_SETTLE_MS 30

static void test_basic(void)
{
	int fds[2];
	char buf[16];
	struct stat64 st;
	KT_EQ(do_pipe(fds), 0);
	KT_EQ(do_write(fds[1], "hello", 5), 5);
	KT_EQ(do_write(fds[1], "", 0), 0);
	KT_EQ(do_read(fds[0], buf, 2), 2);
	KT_EQ(do_read(fds[0], buf, sizeof(buf)), 3);
	KT_ASSERT(memcmp(buf, "llo", 3) == 0, "data in order");
	KT_EQ(do_read(fds[1], buf, 1), -EBADF);		/* the write end */
	KT_EQ(do_write(fds[0], "x", 1), -EBADF);
	KT_EQ(do_fstat(fds[0], &st), 0);
	KT_ASSERT(S_ISFIFO(st.st_mode), "a pipe is a FIFO: %o", st.st_mode);
	KT_EQ(do_lseek(fds[0], 0, SEEK_SET), -ESPIPE);
	KT_EQ(do_pread(fds[0], buf, 1, 0), -ESPIPE);
	KT_EQ(do_pwrite(fds[1], buf, 1, 0), -ESPIPE);
	KT_EQ(do_fsync(fds[1]), -EINVAL);
	KT_EQ(do_write(fds[1], "bye", 3), 3);
	KT_EQ(do_close(fds[1]), 0);
	KT_EQ(do_read(fds[0], buf, sizeof(buf)), 3);
	KT_EQ(do_read(fds[0], buf, sizeof(buf)), 0);	/* end of file */
	KT_EQ(do_close(fds[0]), 0);

	KT_EQ(do_pipe(fds), 0);
	int dup = do_dup(fds[1]);
	KT_EQ(do_close(fds[0]), 0);
	KT_EQ(do_write(fds[1], "x", 1), -EPIPE);	/* no reader */
	KT_EQ(do_close(fds[1]), 0);
	KT_EQ(do_close(dup), 0);

	KT_EQ(do_pipe2(fds, O_APPEND), -EINVAL);
	KT_EQ(do_pipe2(fds, O_CLOEXEC), 0);
	KT_EQ(do_fcntl(fds[0], F_GETFD, 0), FD_CLOEXEC);
	KT_EQ(do_fcntl(fds[1], F_GETFD, 0), FD_CLOEXEC);
	do_close(fds[0]);
	do_close(fds[1]);
}

static void test_nonblock(void)
{
	int fds[2];
	char *buf = kmalloc(PIPE_CAPACITY + PIPE_BUF);
	KT_EQ(do_pipe2(fds, O_NONBLOCK), 0);
	KT_EQ(do_read(fds[0], buf, 1), -EAGAIN);
	memset(buf, 'a', PIPE_CAPACITY + PIPE_BUF);
	KT_EQ(do_write(fds[1], buf, PIPE_CAPACITY - 10), (ssize_t)(PIPE_CAPACITY - 10));
	KT_EQ(do_write(fds[1], buf, 20), -EAGAIN);	/* atomic: all or nothing */
	KT_EQ(do_write(fds[1], buf, PIPE_BUF + 1), 10);	/* large: partial */
	KT_EQ(do_write(fds[1], buf, 1), -EAGAIN);
	KT_EQ(do_read(fds[0], buf, PIPE_CAPACITY + PIPE_BUF), (ssize_t)PIPE_CAPACITY);
	KT_EQ(do_read(fds[0], buf, 1), -EAGAIN);
	/* F_SETFL turns blocking back on for both ends' shared file */
	KT_EQ(do_fcntl(fds[0], F_SETFL, 0), 0);
	KT_EQ(do_fcntl(fds[0], F_GETFL, 0) & O_NONBLOCK, 0);
	KT_EQ(do_close(fds[1]), 0);
	KT_EQ(do_read(fds[0], buf, 1), 0);
	KT_EQ(do_close(fds[0]), 0);
	kfree(buf);
}

static void *slow_writer(long fd, void *data)
{
	sched_sleep_ms(PT_SETTLE_MS);
	ssize_t w = do_write((int)fd, data, PT_BIG);
	do_close((int)fd);
	return (void *)(intptr_t)w;
}

/* A write larger than the pipe blocks until the reader drains it; the
 * reader blocks until the writer has written. */
static void test_blocking(void)
{
	int fds[2];
	uint8_t *src = kmalloc(PT_BIG), *dst = kmalloc(PT_BIG);
	vt_pattern(src, PT_BIG, 0, 7);
	KT_EQ(do_pipe(fds), 0);
	kthread_t *t = kthread_create(curproc, slow_writer, fds[1], src);
	sched_make_runnable(t);
	size_t got = 0;
	ssize_t r;
	while ((r = do_read(fds[0], dst + got, PT_BIG - got + 1)) > 0)
		got += (size_t)r;
	KT_EQ(r, 0);
	KT_EQ(got, PT_BIG);
	KT_ASSERT(vt_pattern_ok(dst, PT_BIG, 0, 7), "bytes arrive in order");
	void *ret;
	kthread_join(t, &ret);
	KT_EQ((intptr_t)ret, PT_BIG);
	do_close(fds[0]);
	kfree(src);
	kfree(dst);
}

static void *record_writer(long fd, void *arg)
{
	uint8_t rec[PT_RECORD];
	memset(rec, (int)(intptr_t)arg, sizeof(rec));
	for (int i = 0; i < PT_RECORDS_EACH; i++) {
		if (do_write((int)fd, rec, sizeof(rec)) != sizeof(rec))
			return (void *)1;
		if (i % 8 == 0)
			sched_yield();
	}
	return NULL;
}

/* Several writers at once: every PT_RECORD-byte write arrives whole. */
static void test_atomic(void)
{
	int fds[2];
	KT_EQ(do_pipe(fds), 0);
	kthread_t *w[PT_WRITERS];
	for (int i = 0; i < PT_WRITERS; i++) {
		w[i] = kthread_create(curproc, record_writer, fds[1], (void *)(intptr_t)('A' + i));
		sched_make_runnable(w[i]);
	}
	uint8_t *rec = kmalloc(PT_RECORD), buf[PIPE_BUF / 3];
	size_t fill = 0, records = 0, torn = 0;
	while (records < PT_WRITERS * PT_RECORDS_EACH) {
		ssize_t r = do_read(fds[0], buf, sizeof(buf));
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++) {
			rec[fill++] = buf[i];
			if (fill < PT_RECORD)
				continue;
			for (size_t j = 1; j < PT_RECORD; j++)
				torn += rec[j] != rec[0];
			records++;
			fill = 0;
		}
	}
	KT_EQ(records, PT_WRITERS * PT_RECORDS_EACH);
	KT_EQ(torn, 0);
	for (int i = 0; i < PT_WRITERS; i++) {
		void *ret;
		kthread_join(w[i], &ret);
		KT_ASSERT(ret == NULL, "writer %d wrote every record", i);
	}
	do_close(fds[1]);
	char c;
	KT_EQ(do_read(fds[0], &c, 1), 0);
	do_close(fds[0]);
	kfree(rec);
}

static void *blocked_reader(long fd, void *arg)
{
	char c;
	return (void *)(intptr_t)do_read((int)fd, &c, 1);
}

static void *blocked_writer(long fd, void *arg)
{
	return (void *)(intptr_t)do_write((int)fd, arg, PIPE_CAPACITY + 1);
}

/* Cancelling a blocked reader or writer ends its wait with EINTR (or the
 * bytes already written); closing the other end wakes them too. */
static void test_wakeups(void)
{
	int fds[2];
	void *ret;
	KT_EQ(do_pipe(fds), 0);
	kthread_t *t = kthread_create(curproc, blocked_reader, fds[0], NULL);
	sched_make_runnable(t);
	sched_sleep_ms(PT_SETTLE_MS);
	kthread_cancel(t, NULL);
	kthread_join(t, &ret);
	KT_EQ((intptr_t)ret, -EINTR);

	t = kthread_create(curproc, blocked_reader, fds[0], NULL);
	sched_make_runnable(t);
	sched_sleep_ms(PT_SETTLE_MS);
	do_close(fds[1]);			/* the last writer: EOF */
	kthread_join(t, &ret);
	KT_EQ((intptr_t)ret, 0);
	do_close(fds[0]);

	char *big = kzalloc(PIPE_CAPACITY + 1);
	KT_EQ(do_pipe(fds), 0);
	t = kthread_create(curproc, blocked_writer, fds[1], big);
	sched_make_runnable(t);
	sched_sleep_ms(PT_SETTLE_MS);
	do_close(fds[0]);			/* the last reader: EPIPE */
	kthread_join(t, &ret);
	KT_EQ((intptr_t)ret, PIPE_CAPACITY);	/* what fitted before */
	do_close(fds[1]);
	kfree(big);
}

static void pipe_main(void)
{
	vt_counts_t before;
	vt_counts_take(&before);
	test_basic();
	test_nonblock();
	test_blocking();
	test_atomic();
	test_wakeups();
	vt_counts_check(&before, "pipes");
}
KTEST_SUITE("pipe", pipe_main);
