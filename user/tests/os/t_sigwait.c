/*
 * t_sigwait: waiting for signals, and the alternate signal stack.
 *
 *  - sigpending/rt_sigpending: a blocked signal shows and stays until
 *    unblocked; a blocked signal that is ignored (SIG_IGN, or SIGCHLD's
 *    default) is still kept pending, as on Linux; EINVAL, EFAULT;
 *  - sigsuspend/rt_sigsuspend (and the old call): wait with a temporary
 *    mask, return EINTR after the handler, and the old mask is back; a
 *    signal already pending ends it at once; a signal the temporary mask
 *    blocks does not end it; pause ends after a handler;
 *  - sigtimedwait/sigwaitinfo (the time64 call through glibc and the
 *    32-bit one directly): takes a pending signal with its siginfo
 *    (SI_USER for kill, SI_TIMER with the value for a POSIX timer), waits
 *    for one sent later, EAGAIN after the timeout (>= the timeout) or at
 *    once for a zero timeout, EINTR when another signal is handled,
 *    SIGCHLD with the default action; EINVAL, EFAULT;
 *  - sigaltstack: none at first (SS_DISABLE); an SA_ONSTACK handler runs
 *    on it and sees SS_ONSTACK, cannot change it there (EPERM); a handler
 *    without SA_ONSTACK does not use it; a stack overflow is caught on it;
 *    SS_DISABLE; ENOMEM below MINSIGSTKSZ, EINVAL, EFAULT; fork keeps it,
 *    exec drops it.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "utest.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)	/* Linux 4.7; glibc does not name it */
#endif

#define MS 1000000LL

static char self[PATH_MAX];
static volatile sig_atomic_t usr1s, usr2s, alarms;
static volatile uintptr_t handler_sp;
static volatile int handler_ss_flags, handler_change_errno;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_usr1(int sig) { (void)sig; usr1s++; }
static void on_usr2(int sig) { (void)sig; usr2s++; }
static void on_alarm(int sig) { (void)sig; alarms++; }

static void catch(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static sigset_t set_of(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	if (sig)
		sigaddset(&s, sig);
	return s;
}

static void mask(int how, int sig)
{
	sigset_t s = set_of(sig);
	sigprocmask(how, &s, NULL);
}

static int is_blocked(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, sig);
}

/* A child that sends sig to the parent after ms. */
static pid_t send_later(int sig, long ms)
{
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		ut_sleep_ms(ms);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;
	if (pid > 0)
		ut_wait(pid, &st, 10000);
}

/* ---------------- sigpending ---------------- */

static void test_sigpending(void)
{
	sigset_t p;
	catch(SIGUSR1, on_usr1, 0);
	usr1s = 0;
	mask(SIG_BLOCK, SIGUSR1);
	ut_raise(SIGUSR1);
	UT_CHECK(usr1s == 0, "blocked: not delivered");
	UT_CHECK(sigpending(&p) == 0 && sigismember(&p, SIGUSR1), "sigpending shows SIGUSR1");
	UT_CHECK(!sigismember(&p, SIGUSR2), "and not SIGUSR2");
	uint32_t old = 0;
	UT_CHECK(syscall(SYS_sigpending, &old) == 0 && (old & (1u << (SIGUSR1 - 1))),
		 "the old sigpending call: %#x", old);
	mask(SIG_UNBLOCK, SIGUSR1);
	UT_CHECK(usr1s == 1, "delivered once unblocked (%d)", (int)usr1s);
	UT_CHECK(sigpending(&p) == 0 && !sigismember(&p, SIGUSR1), "no longer pending");

	/* Blocked and ignored: kept (Linux), discarded by a new SIG_IGN. */
	signal(SIGUSR2, SIG_IGN);
	mask(SIG_BLOCK, SIGUSR2);
	ut_raise(SIGUSR2);
	UT_CHECK(sigpending(&p) == 0 && sigismember(&p, SIGUSR2),
		 "a blocked, ignored signal stays pending");
	signal(SIGUSR2, SIG_IGN);
	UT_CHECK(sigpending(&p) == 0 && !sigismember(&p, SIGUSR2),
		 "setting SIG_IGN again discards it");
	mask(SIG_UNBLOCK, SIGUSR2);
	signal(SIGUSR2, SIG_DFL);

	UT_EXPECT_ERRNO(syscall(SYS_rt_sigpending, &p, 16), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigpending, (void *)8, 8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_sigpending, (void *)8), EFAULT);
	signal(SIGUSR1, SIG_DFL);
}

/* ---------------- sigsuspend and pause ---------------- */

static void test_sigsuspend(void)
{
	catch(SIGUSR1, on_usr1, 0);
	catch(SIGUSR2, on_usr2, 0);
	usr1s = usr2s = 0;
	mask(SIG_BLOCK, SIGUSR1);

	/* Sent while waiting. */
	long long t0 = now_ns();
	pid_t c = send_later(SIGUSR1, 100);
	sigset_t none = set_of(0);
	int r = sigsuspend(&none);
	long long el = now_ns() - t0;
	UT_CHECK(r == -1 && errno == EINTR, "sigsuspend returns EINTR (%d, %s)", r,
		 ut_errname(errno));
	UT_CHECK(usr1s == 1, "the handler ran (%d)", (int)usr1s);
	UT_CHECK(el >= 90 * MS && el < 5000 * MS, "it waited %lld ms for the signal", el / MS);
	UT_CHECK(is_blocked(SIGUSR1), "the old mask is back (SIGUSR1 blocked)");
	reap(c);

	/* Already pending: at once. */
	ut_raise(SIGUSR1);
	t0 = now_ns();
	r = sigsuspend(&none);
	UT_CHECK(r == -1 && errno == EINTR && usr1s == 2, "a pending signal ends sigsuspend");
	UT_CHECK(now_ns() - t0 < 1000 * MS, "at once");

	/* The temporary mask blocks SIGUSR2: it does not end the wait;
	 * SIGUSR1 does; SIGUSR2 is delivered when the old mask returns. */
	sigset_t only2 = set_of(SIGUSR2);
	pid_t parent = getpid();
	fflush(NULL);
	c = fork();
	if (c == 0) {
		ut_sleep_ms(50);
		kill(parent, SIGUSR2);
		ut_sleep_ms(150);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	t0 = now_ns();
	r = sigsuspend(&only2);
	el = now_ns() - t0;
	UT_CHECK(r == -1 && errno == EINTR && usr1s == 3, "SIGUSR1 ended it");
	UT_CHECK(el >= 150 * MS, "SIGUSR2 (blocked by the temporary mask) did not (%lld ms)",
		 el / MS);
	UT_CHECK(usr2s == 1, "SIGUSR2 delivered after the old mask came back (%d)", (int)usr2s);
	reap(c);

	/* The old i386 call and rt_sigsuspend's errors. */
	ut_raise(SIGUSR1);
	r = syscall(SYS_sigsuspend, 0, 0, 0);
	UT_CHECK_EMU(r == -1 && errno == EINTR && usr1s == 4,
		     "the emulator reads the old call's mask through a pointer in the first argument",
		     "the old sigsuspend call (%d, %s)", r, ut_errname(errno));
	if (usr1s < 4)	/* the emulator: take it off again */
		mask(SIG_UNBLOCK, SIGUSR1), mask(SIG_BLOCK, SIGUSR1), usr1s = 4;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigsuspend, &none, 4), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigsuspend, (void *)8, 8), EFAULT);
	mask(SIG_UNBLOCK, SIGUSR1);

	/* pause: ends after a handler. */
	catch(SIGALRM, on_alarm, 0);
	alarms = 0;
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	t0 = now_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	r = pause();
	el = now_ns() - t0;
	UT_CHECK(r == -1 && errno == EINTR && alarms == 1, "pause ends with EINTR after a handler");
	UT_CHECK(el >= 100 * MS && el < 5000 * MS, "pause waited %lld ms for a 100 ms timer",
		 el / MS);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
}

/* ---------------- sigtimedwait ---------------- */

static void test_sigtimedwait(void)
{
	siginfo_t si;
	sigset_t s1 = set_of(SIGUSR1);
	catch(SIGUSR1, on_usr1, 0);
	usr1s = 0;
	mask(SIG_BLOCK, SIGUSR1);

	/* Pending already. */
	ut_raise(SIGUSR1);
	struct timespec to = { 1, 0 };
	memset(&si, 0, sizeof(si));
	int r = sigtimedwait(&s1, &si, &to);
	UT_CHECK(r == SIGUSR1, "sigtimedwait takes the pending SIGUSR1 (%d, %s)", r,
		 ut_errname(errno));
	UT_CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_USER, "siginfo: signo %d code %d",
		 si.si_signo, si.si_code);
	UT_CHECK(usr1s == 0, "the handler did not run");
	sigset_t p;
	sigpending(&p);
	UT_CHECK(!sigismember(&p, SIGUSR1), "no longer pending");

	/* Sent later, no timeout. */
	long long t0 = now_ns();
	pid_t c = send_later(SIGUSR1, 100);
	r = sigwaitinfo(&s1, &si);
	UT_CHECK(r == SIGUSR1 && now_ns() - t0 >= 90 * MS, "sigwaitinfo waits for a later signal");
	reap(c);

	/* Timeouts. */
	to.tv_sec = 0;
	to.tv_nsec = 100 * MS;
	t0 = now_ns();
	r = sigtimedwait(&s1, &si, &to);
	long long el = now_ns() - t0;
	UT_CHECK(r == -1 && errno == EAGAIN, "EAGAIN on timeout (%d, %s)", r, ut_errname(errno));
	UT_CHECK(el >= 100 * MS && el < 5000 * MS, "after %lld ms (timeout 100 ms)", el / MS);
	to.tv_nsec = 0;
	t0 = now_ns();
	UT_EXPECT_ERRNO(sigtimedwait(&s1, &si, &to), EAGAIN);
	UT_CHECK(now_ns() - t0 < 500 * MS, "a zero timeout polls");

	/* Another signal, handled: EINTR. */
	catch(SIGUSR2, on_usr2, 0);
	usr2s = 0;
	to.tv_sec = 3;
	t0 = now_ns();
	c = send_later(SIGUSR2, 100);
	r = sigtimedwait(&s1, &si, &to);
	el = now_ns() - t0;
	UT_CHECK(r == -1 && errno == EINTR && usr2s == 1,
		 "EINTR when another signal is handled (%d, %s, %d)", r, ut_errname(errno),
		 (int)usr2s);
	UT_CHECK(el < 2500 * MS, "...without waiting out the timeout (%lld ms)", el / MS);
	reap(c);

	/* A POSIX timer's signal, with its value. */
	timer_t t;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 1234;
	UT_CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create");
	struct itimerspec its = { { 0, 0 }, { 0, 50 * MS } };
	timer_settime(t, 0, &its, NULL);
	to.tv_sec = 3;
	memset(&si, 0, sizeof(si));
	r = sigtimedwait(&s1, &si, &to);
	UT_CHECK(r == SIGUSR1 && si.si_code == SI_TIMER && si.si_value.sival_int == 1234,
		 "a timer's signal: code %d value %d", si.si_code, si.si_value.sival_int);
	timer_delete(t);

	/* SIGCHLD, whose default action is to ignore it, can be waited for. */
	sigset_t sc = set_of(SIGCHLD);
	mask(SIG_BLOCK, SIGCHLD);
	fflush(NULL);
	c = fork();
	if (c == 0)
		_exit(0);
	to.tv_sec = 5;
	r = sigtimedwait(&sc, &si, &to);
	UT_CHECK(r == SIGCHLD, "sigtimedwait for SIGCHLD (%d, %s)", r, ut_errname(errno));
	reap(c);
	mask(SIG_UNBLOCK, SIGCHLD);

	/* The 32-bit call, and errors. */
	ut_raise(SIGUSR1);
	int32_t ts32[2] = { 1, 0 };
	UT_CHECK(syscall(SYS_rt_sigtimedwait, &s1, NULL, ts32, 8) == SIGUSR1,
		 "rt_sigtimedwait (32-bit timespec), no siginfo");
	ts32[1] = 1000000000;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigtimedwait, &s1, NULL, ts32, 8), EINVAL);
	ts32[1] = -1;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigtimedwait, &s1, NULL, ts32, 8), EINVAL);
	ts32[1] = 0;
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigtimedwait, &s1, NULL, ts32, 4), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigtimedwait, (void *)8, NULL, ts32, 8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigtimedwait, &s1, NULL, (void *)8, 8), EFAULT);
	ut_raise(SIGUSR1);
	UT_EXPECT_ERRNO(syscall(SYS_rt_sigtimedwait, &s1, (void *)8, ts32, 8), EFAULT);
	mask(SIG_UNBLOCK, SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* ---------------- sigaltstack ---------------- */

static char *alt;
#define ALT_SIZE (64 * 1024)
static sigjmp_buf overflow_jmp;
static volatile int overflow_on_alt;

static int on_alt(uintptr_t sp)
{
	return sp >= (uintptr_t)alt && sp < (uintptr_t)alt + ALT_SIZE;
}

static void on_usr1_stack(int sig)
{
	volatile char here;
	(void)sig;
	handler_sp = (uintptr_t)&here;
	stack_t cur, ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
	handler_ss_flags = sigaltstack(NULL, &cur) == 0 ? cur.ss_flags : -1;
	handler_change_errno = sigaltstack(&ss, NULL) == 0 ? 0 : errno;
}

static void on_segv(int sig)
{
	volatile char here;
	(void)sig;
	overflow_on_alt = on_alt((uintptr_t)&here);
	siglongjmp(overflow_jmp, 1);
}

static volatile int recurse_limit = INT_MAX;

/* Runs off the end of the stack (the limit is never reached). */
static int recurse(int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	if (n >= recurse_limit)
		return 0;
	return recurse(n + 1) + buf[0];
}

static int exec_mode(char **argv)
{
	if (strcmp(argv[1], "--altstack") == 0) {
		stack_t cur;
		return sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE) ? 0 : 1;
	}
	return 99;
}

static void test_sigaltstack(void)
{
	stack_t cur = { 0 }, ss;
	UT_CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_flags == SS_DISABLE,
		 "no alternate stack at first (flags %d)", cur.ss_flags);
	alt = malloc(ALT_SIZE);
	ss.ss_sp = alt;
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0;
	UT_CHECK(sigaltstack(&ss, &cur) == 0, "sigaltstack set");
	UT_CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_sp == alt && cur.ss_size == ALT_SIZE &&
		 cur.ss_flags == 0, "read back (flags %d)", cur.ss_flags);

	/* SA_ONSTACK: the handler runs there, sees SS_ONSTACK, cannot change it. */
	catch(SIGUSR1, on_usr1_stack, SA_ONSTACK);
	ut_raise(SIGUSR1);
	UT_CHECK(on_alt(handler_sp), "an SA_ONSTACK handler runs on the alternate stack (%#lx)",
		 (unsigned long)handler_sp);
	UT_CHECK(handler_ss_flags == SS_ONSTACK, "and sees SS_ONSTACK (%d)", handler_ss_flags);
	UT_CHECK(handler_change_errno == EPERM, "changing it there is EPERM (%s)",
		 ut_errname(handler_change_errno));
	UT_CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_flags == 0, "back: flags 0 again");

	/* SS_AUTODISARM: disarmed while its handler runs there; rt_sigreturn
	 * puts back the stack the frame recorded (x86 Linux records it
	 * without the SS_AUTODISARM flag). */
	ss.ss_flags = SS_AUTODISARM;
	int r = sigaltstack(&ss, NULL);
	UT_CHECK_EMU(r == 0, "the emulator does not know SS_AUTODISARM (Linux 4.7)",
		     "sigaltstack SS_AUTODISARM: %s", ut_errname(errno));
	if (r == 0) {
		ut_raise(SIGUSR1);
		UT_CHECK(on_alt(handler_sp), "SS_AUTODISARM: the handler runs on it");
		UT_CHECK(handler_ss_flags == SS_DISABLE, "...and finds it disarmed (%d)",
			 handler_ss_flags);
		UT_CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_sp == alt && cur.ss_size == ALT_SIZE &&
			 cur.ss_flags == 0, "back after the handler (flags %#x)", cur.ss_flags);
	}
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);

	/* Without SA_ONSTACK: the ordinary stack. */
	catch(SIGUSR1, on_usr1_stack, 0);
	ut_raise(SIGUSR1);
	UT_CHECK(!on_alt(handler_sp), "a handler without SA_ONSTACK stays on the stack");

	/* A stack overflow is caught on the alternate stack. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	fflush(NULL);
	pid_t c = fork();
	if (c == 0) {
		if (sigsetjmp(overflow_jmp, 1) == 0)
			recurse(0);
		_exit(overflow_on_alt ? 0 : 3);
	}
	int st = 0;
	UT_CHECK(c > 0 && ut_wait(c, &st, 60000) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "a stack overflow is handled on the alternate stack (fork keeps it): %s",
		 ut_status_str(st));
	signal(SIGSEGV, SIG_DFL);

	/* exec drops it. */
	fflush(NULL);
	c = fork();
	if (c == 0) {
		char *argv[] = { "t_sigwait", "--altstack", NULL };
		mos_execve(self, argv, environ);
		_exit(126);
	}
	UT_CHECK(c > 0 && ut_wait(c, &st, 30000) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "exec: no alternate stack in the new image (%s)", ut_status_str(st));

	/* Errors. */
	ss.ss_size = 2047;	/* the kernel's MINSIGSTKSZ is 2048 (glibc's may be larger) */
	UT_EXPECT_ERRNO(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 99;
	UT_EXPECT_ERRNO(sigaltstack(&ss, NULL), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_sigaltstack, (void *)8, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_sigaltstack, NULL, (void *)8), EFAULT);
	ss.ss_flags = SS_DISABLE;
	UT_CHECK(sigaltstack(&ss, NULL) == 0, "SS_DISABLE");
	UT_CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_flags == SS_DISABLE, "disabled");
	catch(SIGUSR1, on_usr1_stack, SA_ONSTACK);
	ut_raise(SIGUSR1);
	UT_CHECK(!on_alt(handler_sp), "disabled: SA_ONSTACK handlers use the ordinary stack");
	signal(SIGUSR1, SIG_DFL);
	free(alt);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strncmp(argv[1], "--", 2) == 0)
		return exec_mode(argv);
	if (strchr(argv[0], '/') && realpath(argv[0], self))
		;
	else
		snprintf(self, sizeof(self), "/tests/t_sigwait");
	test_sigpending();
	test_sigsuspend();
	test_sigtimedwait();
	test_sigaltstack();
	return ut_done("t_sigwait");
}
