/*
 * t_futex: futex(2) and futex_time64(2), between processes.
 *
 *  - errors, as Linux: the word differs (EAGAIN), an unaligned word
 *    (EINVAL), a kernel or unmapped address (EFAULT), a bad timeout
 *    (EINVAL) or timeout pointer (EFAULT), a zero bitset (EINVAL), an
 *    unknown op or CLOCK_REALTIME with WAKE (ENOSYS);
 *  - timeouts: FUTEX_WAIT's relative one, FUTEX_WAIT_BITSET's absolute
 *    MONOTONIC and REALTIME ones, and futex_time64: ETIMEDOUT after about
 *    the time asked; a deadline already past times out at once;
 *  - forked children sleeping on a MAP_SHARED anonymous word: WAKE wakes
 *    exactly n; bitsets select; REQUEUE and CMP_REQUEUE move waiters
 *    (CMP_REQUEUE with a stale value is EAGAIN); WAKE_OP applies each
 *    operation to the second word and wakes on the comparison;
 *  - a file mapped separately by two processes, at different offsets, is
 *    one futex (the key is the page of the file, not the address);
 *  - private futexes: a forked child's copy (COW, or a private key on
 *    shared memory) is not woken by the parent;
 *  - signals: a handler without SA_RESTART makes WAIT fail with EINTR;
 *    with SA_RESTART an untimed WAIT restarts, a timed one fails with
 *    EINTR (Linux's rule);
 *  - POSIX semaphores over it: sem_init(pshared) in shared memory with a
 *    parent/child ping-pong, sem_timedwait's timeout, sem_open/sem_unlink
 *    named semaphores (in /dev/shm) between two processes;
 *  - a stress: four processes take a three-state futex lock 2000 times
 *    each; no increment and no wake is lost.
 */
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <sched.h>
#include <sys/mman.h>
#include <linux/futex.h>

#include "utest.h"

#define NR_FUTEX 240
#define NR_FUTEX_TIME64 422
#define KBAD ((uint32_t *)0xC0000000u)
#define CHILD_WAIT_S 5		/* a child never sleeps longer than this */
#define SETTLE_MS 150		/* time for ready children to reach the kernel */
#define NCHILD 4
#define PINGPONG 500
#define NLOCKERS 4
#define LOCK_ROUNDS 2000

struct ts32 { int32_t tv_sec, tv_nsec; };
struct ts64 { int64_t tv_sec, tv_nsec; };

/* The shared page every test uses. */
struct shared {
	uint32_t word, word2;
	volatile int ready;		/* children about to sleep */
	volatile int handled;		/* signal handlers that ran */
	sem_t sem_a, sem_b;
	volatile int count;
	int slept;			/* lock stress: waits that slept */
};
static struct shared *sh;

static long fx(uint32_t *uaddr, int op, uint32_t val, const void *ts_or_val2,
	       uint32_t *uaddr2, uint32_t val3)
{
	return syscall(NR_FUTEX, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

static long fx_wait_ms(uint32_t *uaddr, int op, uint32_t val, long ms)
{
	struct ts32 ts = { ms / 1000, (ms % 1000) * 1000000 };
	return fx(uaddr, op, val, &ts, NULL, 0);
}

static long long now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct ts32 abs_ts(clockid_t c, long ms)
{
	long long t = now_ns(c) + ms * 1000000LL;
	struct ts32 ts = { (int32_t)(t / 1000000000LL), (int32_t)(t % 1000000000LL) };
	return ts;
}

/* ---- children that sleep on a futex ---- */

/* A child that waits on uaddr (expected value val, bitset) and exits 0
 * if woken, 1 if it timed out, 2 + errno otherwise. */
static pid_t spawn_waiter(uint32_t *uaddr, int op, uint32_t val, uint32_t bitset)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	struct ts32 ts = abs_ts(CLOCK_MONOTONIC, CHILD_WAIT_S * 1000);
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	long r = (op & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET
		? fx(uaddr, op, val, &ts, NULL, bitset)
		: fx_wait_ms(uaddr, op, val, CHILD_WAIT_S * 1000);
	_exit(r == 0 ? 0 : errno == ETIMEDOUT ? 1 : 2 + errno);
}

/* Waits until n children are about to sleep, then lets them get there. */
static void await_ready(int n)
{
	long long end = ut_now_ms() + 5000;
	while (sh->ready < n && ut_now_ms() < end)
		ut_sleep_ms(5);
	ut_sleep_ms(SETTLE_MS);
}

static void reset(void)
{
	sh->word = sh->word2 = 0;
	sh->ready = sh->handled = 0;
}

/* How many of pids have exited with status 0 by now (reaping them;
 * the others are left, their slots set to 0 when reaped). */
static int reap_exited(pid_t *pids, int n, int *bad)
{
	int done = 0;
	for (int i = 0; i < n; i++) {
		int st;
		if (pids[i] > 0 && waitpid(pids[i], &st, WNOHANG) == pids[i]) {
			pids[i] = 0;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				done++;
			else
				(*bad)++;
		}
	}
	return done;
}

/* Reaps pids until `want` have exited 0 (for at most a few seconds),
 * then gives the others time to show they would exit too; returns how
 * many exited 0 in all. */
static int reap_woken(pid_t *pids, int n, int want, int *bad)
{
	long long end = ut_now_ms() + CHILD_WAIT_S * 1000 / 2;
	int done = reap_exited(pids, n, bad);
	while (done < want && ut_now_ms() < end) {
		ut_sleep_ms(5);
		done += reap_exited(pids, n, bad);
	}
	ut_sleep_ms(SETTLE_MS);
	return done + reap_exited(pids, n, bad);
}

/* Reaps the rest, counting those that did not exit 0. */
static int reap_all(pid_t *pids, int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int st;
		if (pids[i] > 0 && (ut_wait(pids[i], &st, (CHILD_WAIT_S + 2) * 1000) < 0 ||
				    !WIFEXITED(st) || WEXITSTATUS(st) != 0))
			bad++;
		pids[i] = 0;
	}
	return bad;
}

/* ---- the tests ---- */

static void test_errors(void)
{
	struct ts32 bad_ns = { 0, 1000000000 }, neg = { -1, 0 };
	reset();
	sh->word = 1;
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAIT, 0, NULL, NULL, 0), EAGAIN);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EAGAIN);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAIT_BITSET, 0, NULL, NULL, 1), EAGAIN);
	UT_EXPECT_ERRNO(fx((uint32_t *)((char *)&sh->word + 1), FUTEX_WAIT, 1, NULL, NULL, 0), EINVAL);
	UT_EXPECT_ERRNO(fx((uint32_t *)((char *)&sh->word + 2), FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL);
	UT_EXPECT_ERRNO(fx(KBAD, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	UT_EXPECT_ERRNO(fx(KBAD, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);

	uint32_t *hole = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 4096);
	UT_EXPECT_ERRNO(fx(hole, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
	UT_EXPECT_ERRNO(fx(hole, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	UT_EXPECT_ERRNO(fx(hole, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	UT_CHECK(fx(hole, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0,
		 "a private WAKE on an unmapped word wakes nobody (0)");

	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAIT, 1, &bad_ns, NULL, 0), EINVAL);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAIT, 1, &neg, NULL, 0), EINVAL);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAIT, 1, KBAD, NULL, 0), EFAULT);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0), EINVAL);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
	UT_EXPECT_ERRNO(fx(&sh->word, 99, 1, NULL, NULL, 0), ENOSYS);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_REQUEUE, (uint32_t)-1, NULL, &sh->word2, 0), EINVAL);
	UT_CHECK(fx(&sh->word, FUTEX_WAKE, 5, NULL, NULL, 0) == 0, "WAKE without waiters returns 0");
}

/* Times one wait that must end in ETIMEDOUT after about ms. */
static void check_timeout(const char *what, long ms, long (*wait)(long ms))
{
	long long t0 = ut_now_ms();
	errno = 0;
	long r = wait(ms);
	int e = errno;
	long long dt = ut_now_ms() - t0;
	UT_CHECK(r == -1 && e == ETIMEDOUT, "%s: ETIMEDOUT expected, got %ld/%s", what, r,
		 ut_errname(e));
	UT_CHECK(dt >= ms - 10 && dt < ms + 1000, "%s of %ld ms took %lld ms", what, ms, dt);
}

static long wait_rel(long ms) { return fx_wait_ms(&sh->word, FUTEX_WAIT, 0, ms); }
static long wait_rel_private(long ms) { return fx_wait_ms(&sh->word, FUTEX_WAIT_PRIVATE, 0, ms); }

static long wait_abs_mono(long ms)
{
	struct ts32 ts = abs_ts(CLOCK_MONOTONIC, ms);
	return fx(&sh->word, FUTEX_WAIT_BITSET, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
}

static long wait_abs_real(long ms)
{
	struct ts32 ts = abs_ts(CLOCK_REALTIME, ms);
	return fx(&sh->word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &ts, NULL,
		  FUTEX_BITSET_MATCH_ANY);
}

static long wait_time64(long ms)
{
	struct ts64 ts = { ms / 1000, (ms % 1000) * 1000000 };
	return syscall(NR_FUTEX_TIME64, &sh->word, FUTEX_WAIT, 0, &ts, NULL, 0);
}

static long wait_past(long ms)
{
	(void)ms;
	struct ts32 ts = abs_ts(CLOCK_MONOTONIC, -1000);
	return fx(&sh->word, FUTEX_WAIT_BITSET, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
}

static void test_timeouts(void)
{
	reset();
	check_timeout("relative WAIT", 200, wait_rel);
	check_timeout("relative WAIT_PRIVATE", 100, wait_rel_private);
	check_timeout("absolute MONOTONIC WAIT_BITSET", 200, wait_abs_mono);
	check_timeout("absolute REALTIME WAIT_BITSET", 150, wait_abs_real);
	check_timeout("futex_time64 WAIT", 100, wait_time64);
	check_timeout("WAIT_BITSET with a past deadline", 0, wait_past);
	check_timeout("WAIT with a zero timeout", 0, wait_rel);
}

static void test_wake_n(void)
{
	pid_t pids[NCHILD];
	int bad = 0;
	reset();
	for (int i = 0; i < NCHILD; i++)
		pids[i] = spawn_waiter(&sh->word, FUTEX_WAIT, 0, 0);
	await_ready(NCHILD);
	long r = fx(&sh->word, FUTEX_WAKE, 2, NULL, NULL, 0);
	UT_CHECK(r == 2, "WAKE 2 of %d sleepers returned %ld", NCHILD, r);
	int done = reap_woken(pids, NCHILD, 2, &bad);
	UT_CHECK(done == 2 && bad == 0, "exactly 2 children woke (%d woke, %d failed)", done, bad);
	r = fx(&sh->word, FUTEX_WAKE, 100, NULL, NULL, 0);
	UT_CHECK(r == NCHILD - 2, "WAKE 100 woke the %d left: %ld", NCHILD - 2, r);
	UT_CHECK(reap_all(pids, NCHILD) == 0, "every waiter woke with 0");
}

static void test_bitset(void)
{
	pid_t pids[2];
	reset();
	pids[0] = spawn_waiter(&sh->word, FUTEX_WAIT_BITSET, 0, 0x1);
	pids[1] = spawn_waiter(&sh->word, FUTEX_WAIT_BITSET, 0, 0x6);
	await_ready(2);
	long r = fx(&sh->word, FUTEX_WAKE_BITSET, 10, NULL, NULL, 0x4);
	UT_CHECK(r == 1, "WAKE_BITSET 0x4 wakes only the 0x6 waiter: %ld", r);
	int st;
	UT_CHECK(ut_wait(pids[1], &st, 2000) == pids[1] && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the 0x6 waiter woke");
	UT_CHECK(waitpid(pids[0], &st, WNOHANG) == 0, "the 0x1 waiter still sleeps");
	r = fx(&sh->word, FUTEX_WAKE_BITSET, 10, NULL, NULL, 0x2);
	UT_CHECK(r == 0, "WAKE_BITSET 0x2 matches nobody: %ld", r);
	r = fx(&sh->word, FUTEX_WAKE, 10, NULL, NULL, 0);
	UT_CHECK(r == 1, "a plain WAKE matches any bitset: %ld", r);
	UT_CHECK(ut_wait(pids[0], &st, 2000) == pids[0] && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the 0x1 waiter woke");
}

static void test_requeue(void)
{
	pid_t pids[3];
	int bad = 0;
	reset();
	for (int i = 0; i < 3; i++)
		pids[i] = spawn_waiter(&sh->word, FUTEX_WAIT, 0, 0);
	await_ready(3);
	long r = fx(&sh->word, FUTEX_REQUEUE, 1, (void *)1, &sh->word2, 0);
	UT_CHECK(r == 2, "REQUEUE wake 1, move 1: returned %ld (woken + moved)", r);
	UT_CHECK(reap_woken(pids, 3, 1, &bad) == 1 && bad == 0, "one waiter woke");
	r = fx(&sh->word2, FUTEX_WAKE, 10, NULL, NULL, 0);
	UT_CHECK(r == 1, "one waiter moved to the second word: %ld", r);
	r = fx(&sh->word, FUTEX_WAKE, 10, NULL, NULL, 0);
	UT_CHECK(r == 1, "one waiter left on the first word: %ld", r);
	UT_CHECK(reap_all(pids, 3) == 0, "the requeued waiters woke with 0");

	reset();
	for (int i = 0; i < 2; i++)
		pids[i] = spawn_waiter(&sh->word, FUTEX_WAIT, 0, 0);
	await_ready(2);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_CMP_REQUEUE, 0, (void *)2, &sh->word2, 7), EAGAIN);
	r = fx(&sh->word, FUTEX_CMP_REQUEUE, 0, (void *)2, &sh->word2, 0);
	UT_CHECK(r == 2, "CMP_REQUEUE moved both: %ld", r);
	r = fx(&sh->word, FUTEX_WAKE, 10, NULL, NULL, 0);
	UT_CHECK(r == 0, "nobody left on the first word: %ld", r);
	r = fx(&sh->word2, FUTEX_WAKE, 10, NULL, NULL, 0);
	UT_CHECK(r == 2, "both sleep on the second word: %ld", r);
	UT_CHECK(reap_all(pids, 2) == 0, "the requeued waiters woke with 0");
}

static void check_op(int op, int oparg, uint32_t before, uint32_t after)
{
	sh->word2 = before;
	long r = fx(&sh->word, FUTEX_WAKE_OP, 1, (void *)1, &sh->word2,
		    FUTEX_OP(op, oparg, FUTEX_OP_CMP_EQ, 0));
	UT_CHECK(r == 0 && sh->word2 == after, "WAKE_OP op %#x arg %d on %#x: %ld, word %#x (want %#x)",
		 op, oparg, before, r, sh->word2, after);
}

static void test_wake_op(void)
{
	reset();
	check_op(FUTEX_OP_SET, 5, 1, 5);
	check_op(FUTEX_OP_ADD, 3, 5, 8);
	check_op(FUTEX_OP_ADD, -1, 5, 4);
	check_op(FUTEX_OP_OR, 0x30, 0x3, 0x33);
	check_op(FUTEX_OP_ANDN, 0x1, 0x3, 0x2);
	check_op(FUTEX_OP_XOR, 0xf, 0x5, 0xa);
	check_op(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 4, 0x1, 0x11);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAKE_OP, 1, (void *)1, &sh->word2,
			   FUTEX_OP(7, 0, FUTEX_OP_CMP_EQ, 0)), ENOSYS);
	UT_EXPECT_ERRNO(fx(&sh->word, FUTEX_WAKE_OP, 1, (void *)1, KBAD,
			   FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 0)), EFAULT);

	/* One sleeper on each word; the comparison decides the second. */
	pid_t pids[2];
	reset();
	pids[0] = spawn_waiter(&sh->word, FUTEX_WAIT, 0, 0);
	pids[1] = spawn_waiter(&sh->word2, FUTEX_WAIT, 0, 0);
	await_ready(2);
	long r = fx(&sh->word, FUTEX_WAKE_OP, 0, (void *)1, &sh->word2,
		    FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 0));
	UT_CHECK(r == 1, "WAKE_OP, comparison 0 > 0 false: only the first word's waiter (%ld)", r);
	int st;
	UT_CHECK(ut_wait(pids[0], &st, 2000) == pids[0] && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the first word's waiter woke");
	UT_CHECK(waitpid(pids[1], &st, WNOHANG) == 0, "the second word's waiter still sleeps");
	r = fx(&sh->word, FUTEX_WAKE_OP, 1, (void *)1, &sh->word2,
	       FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_GE, -1 & 0xfff));
	UT_CHECK(r == 1, "WAKE_OP, comparison 0 >= -1 true: wakes the second word's waiter (%ld)", r);
	UT_CHECK(ut_wait(pids[1], &st, 2000) == pids[1] && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the second word's waiter woke");
}

/* Two processes map one file independently, at different offsets. */
static void test_file_mapping(void)
{
	char path[] = "/dev/shm/t_futex.XXXXXX";
	int fd = mkstemp(path);
	if (!UT_CHECK(fd >= 0, "mkstemp in /dev/shm: %s", strerror(errno)))
		return;
	UT_CHECK(ftruncate(fd, 8192) == 0, "ftruncate");
	reset();
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		if (cfd < 0 || m == MAP_FAILED)
			_exit(90);
		__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
		long r = fx_wait_ms((uint32_t *)(m + 4096 + 64), FUTEX_WAIT, 0, CHILD_WAIT_S * 1000);
		_exit(r == 0 ? 0 : errno == ETIMEDOUT ? 1 : 2 + errno);
	}
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	UT_CHECK(m != MAP_FAILED, "mmap the file's second page");
	await_ready(1);
	long r = fx((uint32_t *)(m + 64), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	UT_CHECK(r == 0, "a private WAKE does not reach the other process: %ld", r);
	r = fx((uint32_t *)(m + 68), FUTEX_WAKE, 1, NULL, NULL, 0);
	UT_CHECK(r == 0, "the next word is another futex: %ld", r);
	r = fx((uint32_t *)(m + 64), FUTEX_WAKE, 1, NULL, NULL, 0);
	UT_CHECK(r == 1, "the same word of the file, mapped elsewhere, wakes the child: %ld", r);
	int st;
	UT_CHECK(ut_wait(pid, &st, 3000) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the child woke (status %#x)", st);
	munmap(m, 4096);
	close(fd);
	unlink(path);
}

static uint32_t private_word;

/* A child sleeping on its own copy is not woken by the parent's wake. */
static void test_private(void)
{
	uint32_t *words[2] = { &private_word, &sh->word };
	const char *what[2] = { "a COW copy (shared op)", "a private key on shared memory" };
	int ops[2] = { FUTEX_WAKE, FUTEX_WAKE_PRIVATE };
	for (int i = 0; i < 2; i++) {
		reset();
		private_word = 0;
		pid_t pid = fork();
		if (pid == 0) {
			__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
			long r = fx_wait_ms(words[i], FUTEX_WAIT_PRIVATE, 0, 600);
			_exit(r < 0 && errno == ETIMEDOUT ? 0 : 3);
		}
		await_ready(1);
		long r = fx(words[i], ops[i], 1, NULL, NULL, 0);
		UT_CHECK(r == 0, "%s: the parent's wake found nobody: %ld", what[i], r);
		int st;
		UT_CHECK(ut_wait(pid, &st, 3000) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
			 "%s: the child slept until its timeout (status %#x)", what[i], st);
	}
}

static void on_usr1(int sig)
{
	(void)sig;
	sh->handled++;
}

/* A child waits (with or without a timeout, with or without SA_RESTART);
 * the parent signals it, then wakes the word.  The child reports what
 * its wait returned. */
static void signal_case(bool restart, bool timed, const char *what)
{
	reset();
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction sa = { 0 };
		sa.sa_handler = on_usr1;
		sa.sa_flags = restart ? SA_RESTART : 0;
		sigaction(SIGUSR1, &sa, NULL);
		__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
		long r = timed ? fx_wait_ms(&sh->word, FUTEX_WAIT, 0, CHILD_WAIT_S * 1000)
			       : fx(&sh->word, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(r == 0 ? 0 : errno == EINTR ? 4 : errno == ETIMEDOUT ? 1 : 5);
	}
	await_ready(1);
	kill(pid, SIGUSR1);
	ut_sleep_ms(SETTLE_MS);
	long woke = fx(&sh->word, FUTEX_WAKE, 1, NULL, NULL, 0);
	int st;
	pid_t w = ut_wait(pid, &st, 3000);
	int code = (w == pid && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
	bool want_eintr = !restart || timed;
	UT_CHECK(sh->handled == 1, "%s: the handler ran", what);
	UT_CHECK(want_eintr ? code == 4 && woke == 0 : code == 0 && woke == 1,
		 "%s: %s expected; the child's wait ended with code %d, the wake returned %ld",
		 what, want_eintr ? "EINTR" : "a restart, then a wake", code, woke);
}

static void test_signals(void)
{
	signal_case(false, false, "no SA_RESTART, untimed");
	signal_case(false, true, "no SA_RESTART, timed");
	signal_case(true, false, "SA_RESTART, untimed");
	signal_case(true, true, "SA_RESTART, timed");
}

static void test_sem_pshared(void)
{
	reset();
	sh->count = 0;
	UT_CHECK(sem_init(&sh->sem_a, 1, 0) == 0 && sem_init(&sh->sem_b, 1, 0) == 0,
		 "sem_init pshared");
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < PINGPONG; i++) {
			if (sem_wait(&sh->sem_a) != 0)
				_exit(6);
			sh->count++;
			sem_post(&sh->sem_b);
		}
		_exit(0);
	}
	int ok = 1;
	for (int i = 0; i < PINGPONG && ok; i++) {
		sem_post(&sh->sem_a);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += CHILD_WAIT_S;
		ok = sem_timedwait(&sh->sem_b, &ts) == 0 && sh->count == i + 1;
	}
	UT_CHECK(ok && sh->count == PINGPONG, "%d handoffs parent -> child -> parent (count %d)",
		 PINGPONG, sh->count);
	int st;
	UT_CHECK(ut_wait(pid, &st, 5000) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the child made its %d handoffs", PINGPONG);

	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 200 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	long long t0 = ut_now_ms();
	errno = 0;
	int r = sem_timedwait(&sh->sem_a, &ts);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(r == -1 && errno == ETIMEDOUT, "sem_timedwait on 0 times out (%d/%s)", r,
		 ut_errname(errno));
	UT_CHECK(dt >= 190 && dt < 1200, "sem_timedwait of 200 ms took %lld ms", dt);
	sem_destroy(&sh->sem_a);
	sem_destroy(&sh->sem_b);
}

static void test_sem_named(void)
{
	const char *name = "/t_futex_sem";
	sem_unlink(name);
	sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	if (!UT_CHECK(s != SEM_FAILED, "sem_open O_CREAT: %s", strerror(errno)))
		return;
	reset();
	sh->count = 0;
	pid_t pid = fork();
	if (pid == 0) {
		/* A separate open: its own mapping of the semaphore's file. */
		sem_t *c = sem_open(name, 0);
		if (c == SEM_FAILED)
			_exit(7);
		__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
		ut_sleep_ms(SETTLE_MS);
		sem_post(c);		/* wakes the parent, asleep in sem_wait */
		long long end = ut_now_ms() + CHILD_WAIT_S * 1000;
		while (!sh->count && ut_now_ms() < end)	/* the parent took it */
			ut_sleep_ms(5);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += CHILD_WAIT_S;
		_exit(sem_timedwait(c, &ts) == 0 ? 0 : 8);
	}
	int r = sem_wait(s);
	UT_CHECK(r == 0, "sem_wait woken by the other process's sem_post");
	sh->count = 1;
	await_ready(1);
	ut_sleep_ms(SETTLE_MS);
	sem_post(s);
	int st;
	UT_CHECK(ut_wait(pid, &st, 5000) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "the child's sem_wait was woken by ours (status %#x)", st);
	UT_CHECK(sem_close(s) == 0, "sem_close");
	UT_CHECK(sem_unlink(name) == 0, "sem_unlink");
	UT_CHECK(sem_open(name, 0) == SEM_FAILED && errno == ENOENT,
		 "an unlinked semaphore is gone");
}

/* A lock on a futex word (0 free, 1 held, 2 held with sleepers): the
 * classic three-state mutex, shared between processes. */
static void fx_lock(uint32_t *w)
{
	uint32_t c = 0;
	if (__atomic_compare_exchange_n(w, &c, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		if (fx(w, FUTEX_WAIT, 2, NULL, NULL, 0) == 0)
			__atomic_add_fetch(&sh->slept, 1, __ATOMIC_RELAXED);
		c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	}
}

static void fx_unlock(uint32_t *w)
{
	if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) == 2)
		fx(w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* NLOCKERS processes take the lock LOCK_ROUNDS times each, yielding
 * inside it so that others sleep on it: every increment is there, and
 * nobody sleeps forever (a lost wake would hang a locker). */
static void test_lock_stress(void)
{
	pid_t pids[NLOCKERS];
	reset();
	sh->count = sh->slept = 0;
	for (int i = 0; i < NLOCKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			for (int k = 0; k < LOCK_ROUNDS; k++) {
				fx_lock(&sh->word);
				int c = sh->count;
				if (k % 16 == 0)
					sched_yield();
				sh->count = c + 1;
				fx_unlock(&sh->word);
			}
			_exit(0);
		}
	}
	int bad = 0;
	for (int i = 0; i < NLOCKERS; i++) {
		int st;
		if (ut_wait(pids[i], &st, 60000) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	UT_CHECK(bad == 0, "every locker finished (%d did not)", bad);
	UT_CHECK(sh->count == NLOCKERS * LOCK_ROUNDS, "%d increments under the lock, want %d",
		 sh->count, NLOCKERS * LOCK_ROUNDS);
	UT_NOTE("lock stress: %d waits slept and were woken", sh->slept);
}

int main(void)
{
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		UT_CHECK(0, "mmap MAP_SHARED: %s", strerror(errno));
		return ut_done("t_futex");
	}
	test_errors();
	test_timeouts();
	test_wake_n();
	test_bitset();
	test_requeue();
	test_wake_op();
	test_file_mapping();
	test_private();
	test_signals();
	test_sem_pshared();
	test_sem_named();
	test_lock_stress();
	return ut_done("t_futex");
}
