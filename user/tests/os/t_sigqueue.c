/*
 * t_sigqueue: signals that carry a siginfo, and how instances queue.
 *
 *  - sigqueue(3) (rt_sigqueueinfo) to oneself: sigwaitinfo returns
 *    si_code SI_QUEUE, si_pid, si_value;
 *  - real-time signals queue every instance, in order of sending (three
 *    SIGRTMIN with values 11, 22, 33 come back as 11, 22, 33), a lower
 *    real-time signal before a higher one; standard signals coalesce
 *    (three SIGUSR1 are one, with the first value); kill's real-time
 *    signals queue too (SI_USER, si_pid);
 *  - a handler runs once per queued instance, each with its value;
 *  - sigqueue to a child (which sees the parent's pid);
 *  - rt_sigqueueinfo's rules as Linux: a si_code >= 0 or SI_TKILL only
 *    to oneself (EPERM otherwise), EINVAL, ESRCH, EFAULT;
 *  - a process and a thread that end with instances still queued (the
 *    kernel frees them: runall's leak check); on M-OS, 1024 queued
 *    instances per process, then EAGAIN (Linux: RLIMIT_SIGPENDING);
 *  - pthread_sigqueue (rt_tgsigqueueinfo) reaches the named thread,
 *    waking its sigtimedwait, with its value; EINVAL for ids <= 0, ESRCH for a thread of another
 *    process.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "utest.h"

#define WAIT_MS 5000

static sigset_t only(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

/* Takes one pending sig (none: 0 returned); *si filled. */
static int take(int sig, siginfo_t *si)
{
	sigset_t s = only(sig);
	struct timespec zero = { 0, 0 };
	memset(si, 0, sizeof(*si));
	int r = sigtimedwait(&s, si, &zero);
	return r < 0 ? 0 : r;
}

static void block(int sig)
{
	sigset_t s = only(sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock(int sig)
{
	sigset_t s = only(sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static int queue_int(pid_t pid, int sig, int v)
{
	union sigval sv = { .sival_int = v };
	return sigqueue(pid, sig, sv);
}

static void test_self(void)
{
	int sig = SIGRTMIN;
	siginfo_t si;
	block(sig);
	int q = queue_int(getpid(), sig, 4242);
	int e = errno;
	UT_CHECK(q == 0, "sigqueue to self: %s", strerror(e));
	sigset_t s = only(sig);
	int r = q == 0 ? sigwaitinfo(&s, &si) : -1;	/* pending: no wait */
	UT_CHECK(r == sig, "sigwaitinfo: %d, expected %d", r, sig);
	UT_CHECK(si.si_code == SI_QUEUE, "si_code %d, expected SI_QUEUE", si.si_code);
	UT_CHECK(si.si_value.sival_int == 4242, "si_value %d, expected 4242", si.si_value.sival_int);
	UT_CHECK(si.si_pid == getpid(), "si_pid %d, expected %d", si.si_pid, getpid());
	UT_CHECK(si.si_uid == getuid(), "si_uid %d, expected %d", si.si_uid, getuid());
	unblock(sig);
}

static void test_rt_queue(void)
{
	int sig = SIGRTMIN, hi = SIGRTMIN + 2;
	siginfo_t si;
	block(sig);
	for (int i = 1; i <= 3; i++)
		UT_CHECK(queue_int(getpid(), sig, 11 * i) == 0, "sigqueue %d: %s", i, strerror(errno));
	for (int i = 1; i <= 3; i++) {
		int r = take(sig, &si);
		UT_CHECK(r == sig && si.si_value.sival_int == 11 * i,
			 "instance %d of SIGRTMIN: got signal %d value %d, expected value %d",
			 i, r, si.si_value.sival_int, 11 * i);
	}
	UT_CHECK(take(sig, &si) == 0, "no fourth instance");

	/* Lower real-time signals first; the same one in order. */
	block(hi);
	queue_int(getpid(), hi, 1);
	queue_int(getpid(), sig, 2);
	queue_int(getpid(), hi, 3);
	sigset_t both = only(sig);
	sigaddset(&both, hi);
	int got[3] = { 0 }, val[3] = { 0 };
	struct timespec zero = { 0, 0 };
	for (int i = 0; i < 3; i++) {
		got[i] = sigtimedwait(&both, &si, &zero);
		val[i] = si.si_value.sival_int;
	}
	UT_CHECK(got[0] == sig && val[0] == 2 && got[1] == hi && val[1] == 1 &&
		 got[2] == hi && val[2] == 3,
		 "order: (%d,%d) (%d,%d) (%d,%d), expected SIGRTMIN/2, SIGRTMIN+2/1, SIGRTMIN+2/3",
		 got[0], val[0], got[1], val[1], got[2], val[2]);
	UT_CHECK(take(hi, &si) == 0, "nothing more of SIGRTMIN+2");

	/* kill's real-time signals queue as well. */
	int ks = SIGRTMIN + 1;
	block(ks);
	for (int i = 0; i < 3; i++)
		kill(getpid(), ks);
	int n = 0;
	while (take(ks, &si) == ks) {
		n++;
		UT_CHECK(si.si_code == SI_USER && si.si_pid == getpid(),
			 "kill's siginfo: code %d pid %d", si.si_code, si.si_pid);
	}
	UT_CHECK(n == 3, "kill(SIGRTMIN+1) three times: %d instances, expected 3", n);
	unblock(sig);
	unblock(hi);
	unblock(ks);
}

static void test_std_coalesce(void)
{
	siginfo_t si;
	block(SIGUSR1);
	for (int i = 1; i <= 3; i++)
		queue_int(getpid(), SIGUSR1, i);
	int r = take(SIGUSR1, &si);
	UT_CHECK(r == SIGUSR1 && si.si_code == SI_QUEUE && si.si_value.sival_int == 1,
		 "SIGUSR1: signal %d code %d value %d, expected the first (value 1)", r,
		 si.si_code, si.si_value.sival_int);
	UT_CHECK(take(SIGUSR1, &si) == 0, "three SIGUSR1 sigqueue'd are one");
	block(SIGUSR2);
	for (int i = 0; i < 3; i++)
		kill(getpid(), SIGUSR2);
	take(SIGUSR2, &si);
	UT_CHECK(take(SIGUSR2, &si) == 0, "three SIGUSR2 killed are one");
	unblock(SIGUSR1);
	unblock(SIGUSR2);
}

static volatile int handled[8], nhandled;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (nhandled < 8)
		handled[nhandled] = si->si_value.sival_int;
	nhandled++;
}

static void test_handler(void)
{
	int sig = SIGRTMIN + 3;
	struct sigaction sa = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };
	sigaction(sig, &sa, NULL);
	block(sig);
	for (int i = 1; i <= 3; i++)
		queue_int(getpid(), sig, 100 + i);
	nhandled = 0;
	unblock(sig);
	UT_CHECK(nhandled == 3 && handled[0] == 101 && handled[1] == 102 && handled[2] == 103,
		 "handler ran %d times with %d %d %d, expected 3 times with 101 102 103",
		 nhandled, handled[0], handled[1], handled[2]);
	signal(sig, SIG_DFL);

	/* Ignoring a signal discards its queued instances. */
	block(sig);
	queue_int(getpid(), sig, 1);
	queue_int(getpid(), sig, 2);
	signal(sig, SIG_IGN);
	signal(sig, SIG_DFL);
	siginfo_t si;
	UT_CHECK(take(sig, &si) == 0, "SIG_IGN discarded the queued instances");
	unblock(sig);
}

static void c_wait_value(void *arg)
{
	pid_t parent = (pid_t)(intptr_t)arg;
	sigset_t s = only(SIGRTMIN);
	siginfo_t si;
	struct timespec ts = { WAIT_MS / 1000, 0 };
	if (sigtimedwait(&s, &si, &ts) != SIGRTMIN)
		_exit(2);
	if (si.si_pid != parent || si.si_code != SI_QUEUE)
		_exit(3);
	_exit(si.si_value.sival_int);
}

static void test_child(void)
{
	block(SIGRTMIN);	/* the child inherits the mask */
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		c_wait_value((void *)(intptr_t)parent);
	UT_CHECK(queue_int(pid, SIGRTMIN, 77) == 0, "sigqueue to a child: %s", strerror(errno));
	int st = 0;
	ut_wait(pid, &st, WAIT_MS * 2);
	UT_CHECK_EXITED(st, 77, "the child got the value and the parent's pid");

	/* EPERM for a kernel-looking si_code to someone else. */
	pid = fork();
	if (pid == 0) {
		ut_sleep_ms(WAIT_MS);
		_exit(0);
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGRTMIN;
	si.si_code = SI_USER;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigqueueinfo, pid, SIGRTMIN, &si), EPERM);
	si.si_code = SI_KERNEL;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigqueueinfo, pid, SIGRTMIN, &si), EPERM);
	si.si_code = SI_TKILL;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigqueueinfo, pid, SIGRTMIN, &si), EPERM);
	si.si_code = SI_QUEUE;
	UT_CHECK(syscall(SYS_rt_sigqueueinfo, pid, 0, &si) == 0, "signal 0 checks only");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigqueueinfo, pid, SIGRTMIN, &si), ESRCH);
	unblock(SIGRTMIN);
}

static void test_errors(void)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigqueueinfo, getpid(), 65, &si), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigqueueinfo, getpid(), -1, &si), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN, (void *)8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGRTMIN, (void *)8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_rt_tgsigqueueinfo, 0, gettid(), SIGRTMIN, &si), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGRTMIN, &si), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_rt_tgsigqueueinfo, getpid(), getppid(), SIGRTMIN, &si), ESRCH);

	/* To oneself any si_code goes, and arrives as given. */
	block(SIGRTMIN);
	si.si_signo = SIGRTMIN;
	si.si_code = SI_USER;
	si.si_pid = 12345;
	si.si_value.sival_int = 9;
	UT_CHECK(syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN, &si) == 0,
		 "rt_sigqueueinfo(self, SI_USER): %s", strerror(errno));
	siginfo_t got;
	int r = take(SIGRTMIN, &got);	/* kill's layout: pid and uid only */
	UT_CHECK(r == SIGRTMIN && got.si_code == SI_USER && got.si_pid == 12345,
		 "the caller's siginfo arrives: signal %d code %d pid %d", r, got.si_code,
		 got.si_pid);
	unblock(SIGRTMIN);
}

/* ---- threads: pthread_sigqueue ---- */

static volatile pid_t waiter_tid;
static volatile int waiter_value, waiter_code;

static void *waiter(void *arg)
{
	(void)arg;
	waiter_tid = gettid();
	sigset_t s = only(SIGRTMIN + 4);
	siginfo_t si;
	struct timespec ts = { WAIT_MS / 1000, 0 };
	if (sigtimedwait(&s, &si, &ts) == SIGRTMIN + 4) {
		waiter_code = si.si_code;
		waiter_value = si.si_value.sival_int;
	}
	return NULL;
}

static void test_thread(void)
{
	int sig = SIGRTMIN + 4;
	block(sig);	/* every thread blocks it: only the wait takes it */
	pthread_t th;
	if (!UT_CHECK(pthread_create(&th, NULL, waiter, NULL) == 0, "pthread_create"))
		return;
	for (int i = 0; i < 500 && !waiter_tid; i++)
		ut_sleep_ms(2);
	ut_sleep_ms(100);	/* it is waiting by now: the send must wake it */
	union sigval sv = { .sival_int = 555 };
	UT_CHECK(pthread_sigqueue(th, sig, sv) == 0, "pthread_sigqueue");
	pthread_join(th, NULL);
	UT_CHECK(waiter_value == 555 && waiter_code == SI_QUEUE,
		 "the thread took value %d code %d, expected 555 SI_QUEUE", waiter_value,
		 waiter_code);
	siginfo_t si;
	UT_CHECK(take(sig, &si) == 0, "the main thread got nothing");
	unblock(sig);
}

static void *queue_to_self(void *arg)
{
	(void)arg;
	union sigval sv = { .sival_int = 1 };
	for (int i = 0; i < 3; i++)
		pthread_sigqueue(pthread_self(), SIGRTMIN + 5, sv);
	return NULL;
}

/* In a child: instances left queued in a thread that ends and in the
 * process when it exits; exit code 0 when all went as expected. */
static void c_leave_queued(void *arg)
{
	(void)arg;
	block(SIGRTMIN + 5);
	pthread_t th;
	if (pthread_create(&th, NULL, queue_to_self, NULL) != 0)
		_exit(1);
	pthread_join(th, NULL);
	siginfo_t si;
	if (take(SIGRTMIN + 5, &si) != 0)	/* they were the thread's */
		_exit(2);
	int n = 0;
	while (queue_int(getpid(), SIGRTMIN + 5, n) == 0 && n < 5000)
		n++;
	int e = errno;
	if (ut_is_mos() && (n != 1024 || e != EAGAIN)) {
		printf("queued %d before %s, expected 1024 then EAGAIN\n", n, strerror(e));
		_exit(3);
	}
	if (n < 10)
		_exit(4);
	_exit(0);	/* with all of them still queued */
}

static void test_left_queued(void)
{
	UT_CHECK_EXITED(ut_run_child(c_leave_queued, NULL), 0,
			"instances left queued in an ended thread and an exiting process (and the limit)");
}

int main(void)
{
	test_self();
	test_rt_queue();
	test_std_coalesce();
	test_handler();
	test_child();
	test_errors();
	test_thread();
	test_left_queued();
	return ut_done("t_sigqueue");
}
