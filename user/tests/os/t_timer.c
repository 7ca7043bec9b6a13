/*
 * t_timer: timers and CPU time.
 *
 *  - alarm: the time left comes back, rounded as Linux; alarm(0) cancels;
 *    a 1 s alarm fires after >= 1 s; not inherited by fork, kept by exec;
 *  - setitimer/getitimer ITIMER_REAL: a 100 ms one-shot fires after
 *    >= 100 ms (and < 2 s), getitimer shows the time left, a 50 ms
 *    periodic timer fires again and again; ITIMER_VIRTUAL and ITIMER_PROF
 *    fire while the process computes; EINVAL, EFAULT;
 *  - POSIX timers (timer_create ... timer_delete, through glibc, which
 *    uses the time64 calls, and the 32-bit calls directly): relative,
 *    absolute on MONOTONIC and REALTIME, already past, periodic with
 *    overruns counted while the signal is blocked (si_overrun and
 *    timer_getoverrun agree), SIGEV_NONE, the default sigevent (SIGALRM
 *    with the timer id as value), si_code SI_TIMER and si_value; not
 *    inherited by fork, deleted by exec; many created and deleted; every
 *    documented EINVAL and EFAULT;
 *  - CPU time: computing adds user time (CLOCK_PROCESS_CPUTIME_ID,
 *    CLOCK_THREAD_CPUTIME_ID, times, getrusage) and sleeping adds almost
 *    none; a child's time reaches wait4's rusage, RUSAGE_CHILDREN and
 *    tms_cutime once it is reaped; errors;
 *  - SIGEV_THREAD_ID: the signal goes to the named thread (pending there
 *    while it blocks it, not run by another thread's handler; its own
 *    handler runs in it) with SI_TIMER, the timer id and the value; once
 *    the thread has exited, the timer signals no one; EINVAL for a thread
 *    of another process or none;
 *  - glibc's SIGEV_THREAD (a helper thread taking SIGTIMER, 32, in
 *    sigwaitinfo from a SIGEV_THREAD_ID timer): the function runs with
 *    the value in another thread, once per expiry of a periodic timer;
 *  - clock_nanosleep with TIMER_ABSTIME on MONOTONIC and REALTIME;
 *  - `sh -c 'sleep 1 & wait'` ($SHELL_BIN, default /bin/sh) takes >= 1 s
 *    and little CPU time: the shell sleeps in wait, it does not poll.
 *
 * Times are measured on CLOCK_MONOTONIC; lower bounds are tight, upper
 * bounds loose (the tests run under TCG on a loaded machine).
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>

#include "utest.h"

#define MS 1000000LL
#define LATE_MS 2000		/* "fired", however loaded the machine */

static char self[PATH_MAX];
static volatile sig_atomic_t alarms, usr1s, vtalrms, profs;
static volatile int last_code, last_value, last_overrun, last_timerid, overrun_in_handler;
static timer_t handler_timer;

static long long now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_alarm(int sig) { (void)sig; alarms++; }
static void on_vtalrm(int sig) { (void)sig; vtalrms++; }
static void on_prof(int sig) { (void)sig; profs++; }

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGUSR1)
		usr1s++;
	else
		alarms++;
	last_code = si->si_code;
	last_value = si->si_value.sival_int;
	last_overrun = si->si_overrun;
	last_timerid = si->si_timerid;
	overrun_in_handler = timer_getoverrun(handler_timer);
}

static void catch(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigaction(sig, &sa, NULL);
}

static void catch_info(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

/* Waits (sigsuspend-free: short sleeps) until *flag reaches n or ms pass;
 * returns the monotonic time it took in ns, or -1. */
static long long wait_for(volatile sig_atomic_t *flag, int n, long long start, long ms)
{
	while (*flag < n) {
		if (now_ns(CLOCK_MONOTONIC) - start > ms * MS)
			return -1;
		ut_sleep_ms(5);
	}
	return now_ns(CLOCK_MONOTONIC) - start;
}

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

/* ---------------- alarm and itimers ---------------- */

static void test_alarm(void)
{
	catch(SIGALRM, on_alarm);
	alarms = 0;
	UT_CHECK(alarm(0) == 0, "alarm(0) with none set returns 0");
	UT_CHECK(alarm(5) == 0, "alarm(5) returns 0");
	unsigned left = alarm(7);
	UT_CHECK(left == 5 || left == 4, "alarm(7) after alarm(5) returns %u, expected 5", left);
	left = alarm(0);
	UT_CHECK(left == 7 || left == 6, "alarm(0) returns the time left %u, expected 7", left);
	UT_CHECK(alarm(0) == 0, "alarm(0) cancelled it");

	long long t0 = now_ns(CLOCK_MONOTONIC);
	alarm(1);
	long long t = wait_for(&alarms, 1, t0, 3000);
	UT_CHECK(t >= 1000 * MS, "alarm(1) fired after %lld ms (>= 1000 expected)", t / MS);
	UT_CHECK(alarms == 1, "one SIGALRM, got %d", (int)alarms);
}

static void test_itimer_real(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } }, cur, old;
	catch(SIGALRM, on_alarm);
	alarms = 0;
	long long t0 = now_ns(CLOCK_MONOTONIC);
	UT_CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer 100 ms");
	UT_CHECK(getitimer(ITIMER_REAL, &cur) == 0, "getitimer");
	long us = cur.it_value.tv_sec * 1000000L + cur.it_value.tv_usec;
	UT_CHECK(us > 0 && us <= 100000, "getitimer: %ld us left of 100 ms", us);
	UT_CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0, "one-shot: no interval");
	long long t = wait_for(&alarms, 1, t0, LATE_MS);
	UT_CHECK(t >= 100 * MS, "100 ms itimer fired after %lld ms", t < 0 ? t : t / MS);
	ut_sleep_ms(50);
	UT_CHECK(alarms == 1, "a one-shot itimer fires once (%d)", (int)alarms);
	UT_CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec == 0 &&
		 cur.it_value.tv_usec == 0, "fired: getitimer shows it disarmed");

	/* Periodic: 50 ms. */
	struct itimerval per = { { 0, 50000 }, { 0, 50000 } };
	alarms = 0;
	t0 = now_ns(CLOCK_MONOTONIC);
	UT_CHECK(setitimer(ITIMER_REAL, &per, NULL) == 0, "setitimer periodic 50 ms");
	t = wait_for(&alarms, 4, t0, 4 * LATE_MS);
	UT_CHECK(t >= 200 * MS, "4 periods of 50 ms took %lld ms (>= 200)", t < 0 ? t : t / MS);
	memset(&it, 0, sizeof(it));
	UT_CHECK(setitimer(ITIMER_REAL, &it, &old) == 0, "disarm");
	UT_CHECK(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 50000,
		 "old interval 50 ms (%ld.%06ld)", (long)old.it_interval.tv_sec,
		 (long)old.it_interval.tv_usec);
	us = old.it_value.tv_sec * 1000000L + old.it_value.tv_usec;
	UT_CHECK(us > 0 && us <= 50000, "old value within a period (%ld us)", us);
	int n = alarms;
	ut_sleep_ms(150);
	UT_CHECK(alarms == n, "disarmed: no more SIGALRM (%d then %d)", n, (int)alarms);

	/* Errors. */
	UT_EXPECT_ERRNO(setitimer(99, &it, NULL), EINVAL);
	UT_EXPECT_ERRNO(getitimer(99, &cur), EINVAL);
	it.it_value.tv_usec = 1000000;
	UT_EXPECT_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_usec = -1;
	UT_EXPECT_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_setitimer, ITIMER_REAL, (void *)8, NULL), EFAULT);
	memset(&it, 0, sizeof(it));
	UT_EXPECT_ERRNO(syscall(SYS_setitimer, ITIMER_REAL, &it, (void *)8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_getitimer, ITIMER_REAL, (void *)8), EFAULT);
}

static void spin_cpu_ms(long ms)
{
	long long end = now_ns(CLOCK_MONOTONIC) + ms * MS;
	while (now_ns(CLOCK_MONOTONIC) < end)
		;
}

static void test_itimer_cpu(void)
{
	catch(SIGVTALRM, on_vtalrm);
	catch(SIGPROF, on_prof);
	vtalrms = profs = 0;
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;
	UT_CHECK(setitimer(ITIMER_VIRTUAL, &it, NULL) == 0, "setitimer VIRTUAL 20 ms");
	UT_CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0, "setitimer PROF 20 ms");
	UT_CHECK(getitimer(ITIMER_VIRTUAL, &cur) == 0 && cur.it_interval.tv_usec == 20000,
		 "getitimer VIRTUAL interval");
	long long t0 = now_ns(CLOCK_MONOTONIC);
	volatile unsigned work = 0;
	/* Mostly user time: the clock is read only now and then (a loop of
	 * clock_gettime calls is mostly system time, which VIRTUAL skips). */
	while ((vtalrms < 3 || profs < 3) && now_ns(CLOCK_MONOTONIC) - t0 < 10000 * MS)
		for (int i = 0; i < 200000; i++)
			work += i;
	UT_CHECK(vtalrms >= 3, "VIRTUAL fired %d times while computing", (int)vtalrms);
	UT_CHECK(profs >= 3, "PROF fired %d times while computing", (int)profs);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	setitimer(ITIMER_PROF, &it, NULL);
	int v = vtalrms;
	spin_cpu_ms(100);
	UT_CHECK(vtalrms == v, "disarmed VIRTUAL stays quiet");
	/* Sleeping uses no user time: VIRTUAL does not fire. */
	it.it_value.tv_usec = 20000;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	v = vtalrms;
	ut_sleep_ms(200);
	UT_CHECK(vtalrms == v, "VIRTUAL does not run down while sleeping");
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_VIRTUAL, &it, NULL);
}

/* ---------------- fork and exec ---------------- */

static int exec_mode(int argc, char **argv)
{
	if (strcmp(argv[1], "--alarm-left") == 0)
		return (int)alarm(0);	/* exit status: the seconds left */
	if (strcmp(argv[1], "--timer-gone") == 0 && argc >= 3) {
		struct itimerspec cur;
		long id = atol(argv[2]);
		long r = syscall(SYS_timer_gettime, id, &cur);
		return r == -1 && errno == EINVAL ? 0 : 1;
	}
	return 99;
}

/* A child makes a timer (armed, 100 s) and execs this program, which
 * checks that the id is gone. */
static int exec_with_timer(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct sigevent ev;
		int id = -1;
		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = SIGEV_NONE;
		int32_t set32[4] = { 0, 0, 100, 0 }, get32[4];
		if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) != 0 ||
		    syscall(SYS_timer_settime, id, 0, set32, NULL) != 0 ||
		    syscall(SYS_timer_gettime, id, get32) != 0)
			_exit(2);
		char arg[24];
		snprintf(arg, sizeof(arg), "%d", id);
		char *argv[] = { "t_timer", "--timer-gone", arg, NULL };
		mos_execve(self, argv, environ);
		_exit(126);
	}
	int st = -1;
	if (pid < 0 || ut_wait(pid, &st, 30000) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_fork_exec(void)
{
	signal(SIGALRM, SIG_IGN);
	alarm(30);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(alarm(0) == 0 ? 0 : 1);
	int st;
	UT_CHECK(pid > 0 && ut_wait(pid, &st, 10000) == pid && WIFEXITED(st) &&
		 WEXITSTATUS(st) == 0, "fork: the child has no alarm");
	unsigned left = alarm(0);
	UT_CHECK(left >= 29 && left <= 30, "fork: the parent keeps its alarm (%u)", left);

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "t_timer", "--alarm-left", NULL };
		alarm(40);
		mos_execve(self, argv, environ);
		_exit(126);
	}
	int r = pid > 0 && ut_wait(pid, &st, 30000) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	UT_CHECK(r >= 38 && r <= 40, "exec keeps the alarm: %d s left after exec", r);

	timer_t t;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_NONE;
	UT_CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create");
	struct itimerspec its = { { 0, 0 }, { 100, 0 } }, cur;
	timer_settime(t, 0, &its, NULL);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		long r2 = syscall(SYS_timer_gettime, (long)(intptr_t)t, &cur);
		_exit(r2 == -1 && errno == EINVAL ? 0 : 1);
	}
	UT_CHECK(pid > 0 && ut_wait(pid, &st, 10000) == pid && WIFEXITED(st) &&
		 WEXITSTATUS(st) == 0, "fork: timers are not inherited (EINVAL in the child)");
	UT_CHECK(timer_gettime(t, &cur) == 0 && cur.it_value.tv_sec >= 98,
		 "the parent's timer is still armed");
	UT_CHECK(exec_with_timer() == 0, "exec deletes the timers");
	timer_delete(t);
	signal(SIGALRM, SIG_DFL);
}

/* ---------------- POSIX timers ---------------- */

static timer_t make_timer(clockid_t clock, int sig, int value)
{
	timer_t t = 0;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_int = value;
	UT_CHECK(timer_create(clock, &ev, &t) == 0, "timer_create(%d, sig %d): %s", (int)clock,
		 sig, strerror(errno));
	return t;
}

static void test_timer_oneshot(void)
{
	catch_info(SIGUSR1);
	timer_t t = make_timer(CLOCK_MONOTONIC, SIGUSR1, 42);
	handler_timer = t;
	struct itimerspec its = { { 0, 0 }, { 0, 100 * MS } }, cur;
	usr1s = 0;
	long long t0 = now_ns(CLOCK_MONOTONIC);
	UT_CHECK(timer_settime(t, 0, &its, NULL) == 0, "timer_settime relative 100 ms");
	UT_CHECK(timer_gettime(t, &cur) == 0, "timer_gettime");
	long long left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
	UT_CHECK(left > 0 && left <= 100 * MS, "timer_gettime: %lld ns left", left);
	long long el = wait_for(&usr1s, 1, t0, LATE_MS);
	UT_CHECK(el >= 100 * MS, "100 ms timer fired after %lld ms", el < 0 ? el : el / MS);
	UT_CHECK(last_code == SI_TIMER, "si_code %d, expected SI_TIMER (%d)", last_code, SI_TIMER);
	UT_CHECK(last_value == 42, "si_value %d, expected 42", last_value);
	UT_CHECK(last_timerid >= 0, "si_timerid %d", last_timerid);
	UT_CHECK(last_overrun == 0 && overrun_in_handler == 0, "no overrun (%d, %d)", last_overrun,
		 overrun_in_handler);
	UT_CHECK(timer_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 &&
		 cur.it_value.tv_nsec == 0, "after firing: disarmed");

	/* Absolute on MONOTONIC, 150 ms ahead. */
	usr1s = 0;
	t0 = now_ns(CLOCK_MONOTONIC);
	long long at = t0 + 150 * MS;
	its.it_value.tv_sec = at / 1000000000LL;
	its.it_value.tv_nsec = at % 1000000000LL;
	UT_CHECK(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0, "absolute MONOTONIC");
	el = wait_for(&usr1s, 1, t0, LATE_MS);
	UT_CHECK(el >= 150 * MS, "absolute MONOTONIC timer fired after %lld ms (>= 150)",
		 el < 0 ? el : el / MS);

	/* Already past: fires at once. */
	usr1s = 0;
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 1;
	t0 = now_ns(CLOCK_MONOTONIC);
	UT_CHECK(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0, "absolute in the past");
	el = wait_for(&usr1s, 1, t0, LATE_MS);
	UT_CHECK(el >= 0, "a past expiry fires at once (%lld ms)", el < 0 ? el : el / MS);

	/* Disarming before it fires. */
	usr1s = 0;
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 50 * MS;
	timer_settime(t, 0, &its, NULL);
	struct itimerspec zero = { { 0, 0 }, { 0, 0 } }, old;
	UT_CHECK(timer_settime(t, 0, &zero, &old) == 0, "disarm");
	left = old.it_value.tv_sec * 1000000000LL + old.it_value.tv_nsec;
	UT_CHECK(left > 0 && left <= 50 * MS, "old value: %lld ns left", left);
	ut_sleep_ms(150);
	UT_CHECK(usr1s == 0, "a disarmed timer does not fire");
	UT_CHECK(timer_delete(t) == 0, "timer_delete");

	/* Absolute on REALTIME, 100 ms ahead. */
	t = make_timer(CLOCK_REALTIME, SIGUSR1, 7);
	usr1s = 0;
	t0 = now_ns(CLOCK_MONOTONIC);
	at = now_ns(CLOCK_REALTIME) + 100 * MS;
	its.it_value.tv_sec = at / 1000000000LL;
	its.it_value.tv_nsec = at % 1000000000LL;
	UT_CHECK(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0, "absolute REALTIME");
	el = wait_for(&usr1s, 1, t0, LATE_MS);
	UT_CHECK(el >= 90 * MS, "absolute REALTIME timer fired after %lld ms",
		 el < 0 ? el : el / MS);
	UT_CHECK(now_ns(CLOCK_REALTIME) >= at, "...and at or after its REALTIME expiry");
	UT_CHECK(last_value == 7, "si_value %d, expected 7", last_value);
	timer_delete(t);
	signal(SIGUSR1, SIG_DFL);
}

static void test_timer_periodic(void)
{
	catch_info(SIGUSR1);
	timer_t t = make_timer(CLOCK_MONOTONIC, SIGUSR1, 5);
	handler_timer = t;
	struct itimerspec its = { { 0, 20 * MS }, { 0, 20 * MS } }, cur;
	usr1s = 0;
	long long t0 = now_ns(CLOCK_MONOTONIC);
	UT_CHECK(timer_settime(t, 0, &its, NULL) == 0, "periodic 20 ms");
	long long el = wait_for(&usr1s, 3, t0, 3 * LATE_MS);
	UT_CHECK(el >= 60 * MS, "3 periods of 20 ms after %lld ms", el < 0 ? el : el / MS);
	UT_CHECK(timer_gettime(t, &cur) == 0 && cur.it_interval.tv_nsec == 20 * MS,
		 "timer_gettime: interval 20 ms");
	long long left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
	UT_CHECK(left > 0 && left <= 20 * MS, "periodic: %lld ns to the next expiry", left);

	/* Blocked for 300 ms: one signal, with the missed expiries as
	 * overruns. */
	block(SIGUSR1, SIG_BLOCK);
	ut_sleep_ms(300);
	usr1s = 0;
	block(SIGUSR1, SIG_UNBLOCK);
	UT_CHECK(usr1s == 1, "one signal after being blocked (%d)", (int)usr1s);
	UT_NOTE("periodic 20 ms timer blocked 300 ms: si_overrun %d", last_overrun);
	UT_CHECK(last_overrun >= 5 && last_overrun <= 20, "si_overrun %d (about 14 expected)",
		 last_overrun);
	UT_CHECK(overrun_in_handler == last_overrun, "timer_getoverrun %d == si_overrun %d",
		 overrun_in_handler, last_overrun);
	UT_CHECK(timer_getoverrun(t) == last_overrun, "timer_getoverrun after the handler");
	UT_CHECK(timer_delete(t) == 0, "timer_delete periodic");
	int n = usr1s;
	ut_sleep_ms(100);
	UT_CHECK(usr1s == n, "deleted: no more signals");
	signal(SIGUSR1, SIG_DFL);
}

static void test_timer_none_default(void)
{
	/* SIGEV_NONE: no signal, but the time runs. */
	timer_t t;
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_NONE;
	UT_CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create SIGEV_NONE");
	struct itimerspec its = { { 0, 0 }, { 0, 500 * MS } }, cur;
	timer_settime(t, 0, &its, NULL);
	ut_sleep_ms(30);
	UT_CHECK(timer_gettime(t, &cur) == 0, "gettime SIGEV_NONE");
	long long left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
	UT_CHECK(left > 0 && left <= 470 * MS, "SIGEV_NONE: %lld ns left after 30 ms", left);
	ut_sleep_ms(600);
	UT_CHECK(timer_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 &&
		 cur.it_value.tv_nsec == 0, "SIGEV_NONE: expired");
	timer_delete(t);

	/* No sigevent (the system call itself: glibc passes its own):
	 * SIGALRM with the timer id as value. */
	catch_info(SIGALRM);
	alarms = 0;
	int kid = -1;
	UT_CHECK(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &kid) == 0,
		 "timer_create(NULL sevp)");
	int32_t set32[4] = { 0, 0, 0, 20000000 };
	syscall(SYS_timer_settime, kid, 0, set32, NULL);
	long long t0 = now_ns(CLOCK_MONOTONIC);
	UT_CHECK(wait_for(&alarms, 1, t0, LATE_MS) >= 0, "default sigevent: SIGALRM");
	UT_CHECK_EMU(last_code == SI_TIMER && last_value == kid && last_timerid == kid,
		 "the emulator hands out its own timer ids and passes no default value",
		 "default sigevent: si_value %d, si_timerid %d, timer id %d", last_value,
		 last_timerid, kid);
	syscall(SYS_timer_delete, kid);
	signal(SIGALRM, SIG_DFL);

	/* Many at once (qemu-i386 holds at most 32), all deleted but a few
	 * left for exit to free. */
	timer_t many[30];
	int made = 0;
	for (int i = 0; i < 30; i++)
		made += timer_create(CLOCK_MONOTONIC, &ev, &many[i]) == 0;
	UT_CHECK(made == 30, "30 timers created (%d)", made);
	int deleted = 0;
	for (int i = 0; i < 27; i++)
		deleted += timer_delete(many[i]) == 0;
	UT_CHECK(deleted == 27, "27 deleted (%d)", deleted);
	its.it_value.tv_sec = 100;
	timer_settime(many[28], 0, &its, NULL);
}

static void test_timer_errors(void)
{
	struct sigevent ev;
	int id;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	UT_EXPECT_ERRNO(syscall(SYS_timer_create, 99, &ev, &id), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)8, &id), EFAULT);
	ev.sigev_signo = 0;
	UT_EXPECT_ERRNO(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev.sigev_signo = 65;
	UT_EXPECT_ERRNO(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev.sigev_signo = SIGUSR1;
	ev.sigev_notify = 99;
	UT_EXPECT_ERRNO(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev.sigev_notify = SIGEV_SIGNAL;
	UT_EXPECT_ERRNO(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, (void *)8), EFAULT);

	UT_CHECK(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) == 0, "raw timer_create");
	struct itimerspec its = { { 0, 0 }, { 0, 0 } }, cur;
	int32_t its32[4] = { 0, 0, 0, 1000000000 };	/* interval, value: bad nsec */
	UT_EXPECT_ERRNO(syscall(SYS_timer_settime, id, 0, its32, NULL), EINVAL);
	its32[3] = -1;
	UT_EXPECT_ERRNO(syscall(SYS_timer_settime, id, 0, its32, NULL), EINVAL);
	its32[3] = 0;
	its32[1] = 1000000000;
	UT_EXPECT_ERRNO(syscall(SYS_timer_settime, id, 0, its32, NULL), EINVAL);
	its32[1] = 0;
	UT_EXPECT_ERRNO(syscall(SYS_timer_settime, id, 0, (void *)8, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_timer_settime, id, 0, NULL, NULL), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_timer_settime, id + 1000, 0, its32, NULL), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_timer_settime, id, 0, its32, (void *)8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_timer_gettime, id, (void *)8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_timer_gettime, id + 1000, &its), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_timer_getoverrun, id + 1000), EINVAL);
	UT_CHECK(syscall(SYS_timer_getoverrun, id) == 0, "timer_getoverrun of a fresh timer is 0");
	/* The 32-bit calls work too: 30 ms one-shot, read back. */
	int32_t set32[4] = { 0, 0, 0, 30000000 }, get32[4];
	UT_CHECK(syscall(SYS_timer_settime, id, 0, set32, NULL) == 0, "timer_settime (32-bit)");
	UT_CHECK(syscall(SYS_timer_gettime, id, get32) == 0 && get32[2] == 0 && get32[3] > 0 &&
		 get32[3] <= 30000000, "timer_gettime (32-bit): %d ns left", (int)get32[3]);
	UT_CHECK(syscall(SYS_timer_settime, id, 0, its32, NULL) == 0, "disarm (32-bit)");
	UT_CHECK(syscall(SYS_timer_delete, id) == 0, "raw timer_delete");
	UT_EXPECT_ERRNO(syscall(SYS_timer_delete, id), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_timer_gettime, id, &cur), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_timer_delete, 123456), EINVAL);
}

/* ---------------- CPU time ---------------- */

/* Computes in user mode until the process CPU clock has advanced ms (at
 * most 10 s of wall time): the clock is read only every few thousand
 * steps, so the time is user time. */
static void compute_ms(long ms)
{
	long long s = now_ns(CLOCK_PROCESS_CPUTIME_ID), w = now_ns(CLOCK_MONOTONIC);
	volatile unsigned x = 1;
	while (now_ns(CLOCK_PROCESS_CPUTIME_ID) - s < ms * MS &&
	       now_ns(CLOCK_MONOTONIC) - w < 10000 * MS)
		for (int i = 0; i < 100000; i++)
			x = x * 1103515245u + 12345u;
}

static long long tv_ns(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

static void test_cputime(void)
{
	struct rusage ru0, ru1;
	struct tms tm0, tm1;
	long hz = sysconf(_SC_CLK_TCK);
	UT_CHECK(hz == 100, "_SC_CLK_TCK %ld", hz);
	getrusage(RUSAGE_SELF, &ru0);
	times(&tm0);
	long long p0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), th0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	long long w0 = now_ns(CLOCK_MONOTONIC);
	compute_ms(200);
	long long p1 = now_ns(CLOCK_PROCESS_CPUTIME_ID), th1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	long long w1 = now_ns(CLOCK_MONOTONIC);
	getrusage(RUSAGE_SELF, &ru1);
	clock_t c1 = times(&tm1);
	long long user = tv_ns(ru1.ru_utime) - tv_ns(ru0.ru_utime);
	UT_NOTE("computing: CPU clock +%lld ms in %lld ms, user time +%lld ms, tms_utime +%ld",
		(p1 - p0) / MS, (w1 - w0) / MS, user / MS, (long)(tm1.tms_utime - tm0.tms_utime));
	UT_CHECK(p1 - p0 >= 200 * MS, "process CPU clock reached 200 ms (%lld ms in %lld ms)",
		 (p1 - p0) / MS, (w1 - w0) / MS);
	UT_CHECK(p1 - p0 <= w1 - w0 + 30 * MS, "CPU time %lld ms <= wall time %lld ms",
		 (p1 - p0) / MS, (w1 - w0) / MS);
	UT_CHECK(th1 - th0 >= 150 * MS, "thread CPU clock %lld ms", (th1 - th0) / MS);
	UT_CHECK(user >= 100 * MS, "getrusage: %lld ms of user time for 200 ms of work",
		 user / MS);
	UT_CHECK(tm1.tms_utime - tm0.tms_utime >= 10, "times: %ld ticks of user time",
		 (long)(tm1.tms_utime - tm0.tms_utime));
	UT_CHECK(c1 != (clock_t)-1, "times returns a tick count");

	/* Sleeping adds almost nothing. */
	p0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	getrusage(RUSAGE_SELF, &ru0);
	clock_t c0 = times(&tm0);
	ut_sleep_ms(200);
	p1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	getrusage(RUSAGE_SELF, &ru1);
	c1 = times(&tm1);
	UT_NOTE("a 200 ms sleep: CPU clock +%lld ms", (p1 - p0) / MS);
	UT_CHECK(p1 - p0 < 50 * MS, "a 200 ms sleep used %lld ms of CPU", (p1 - p0) / MS);
	long long used = tv_ns(ru1.ru_utime) + tv_ns(ru1.ru_stime) - tv_ns(ru0.ru_utime) -
		tv_ns(ru0.ru_stime);
	UT_CHECK(used < 50 * MS, "getrusage: a 200 ms sleep used %lld ms", used / MS);
	UT_CHECK(c1 - c0 >= 19 && c1 - c0 < 2000, "times' return advanced %ld ticks in 200 ms",
		 (long)(c1 - c0));

	/* Children: nothing until reaped, then wait4, RUSAGE_CHILDREN, cutime. */
	struct rusage rc0, rc1, rw;
	getrusage(RUSAGE_CHILDREN, &rc0);
	times(&tm0);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		compute_ms(200);
		_exit(0);
	}
	ut_sleep_ms(50);
	int st;
	memset(&rw, 0xff, sizeof(rw));
	pid_t r = wait4(pid, &st, 0, &rw);
	UT_CHECK(r == pid, "wait4");
	UT_CHECK(tv_ns(rw.ru_utime) >= 100 * MS, "wait4's rusage: child user time %lld ms",
		 tv_ns(rw.ru_utime) / MS);
	getrusage(RUSAGE_CHILDREN, &rc1);
	UT_CHECK(tv_ns(rc1.ru_utime) - tv_ns(rc0.ru_utime) >= 100 * MS,
		 "RUSAGE_CHILDREN grew by %lld ms", (tv_ns(rc1.ru_utime) - tv_ns(rc0.ru_utime)) / MS);
	times(&tm1);
	UT_CHECK(tm1.tms_cutime - tm0.tms_cutime >= 10, "tms_cutime grew by %ld ticks",
		 (long)(tm1.tms_cutime - tm0.tms_cutime));

	/* Errors. */
	UT_EXPECT_ERRNO(getrusage(5, &ru0), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_getrusage, RUSAGE_SELF, (void *)8), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_times, (void *)8), EFAULT);
	struct timespec ts = { 0, 1000 };
	UT_CHECK(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL) == EINVAL,
		 "clock_nanosleep on the thread's CPU clock is EINVAL");
}

/* A shell waiting for a background job sleeps: `sleep 1 & wait` takes
 * >= 1 s and little CPU (the shell's and sleep's, through wait4). */
static void test_shell_wait(void)
{
	const char *sh = getenv("SHELL_BIN");
	if (!sh || !*sh)
		sh = "/bin/sh";
	if (access(sh, X_OK) != 0) {
		UT_NOTE("no %s: the shell check is not run", sh);
		return;
	}
	long long t0 = now_ns(CLOCK_MONOTONIC);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		execl(sh, sh, "-c", "sleep 1 & wait", (char *)NULL);
		_exit(127);
	}
	struct rusage ru;
	int st = 0;
	UT_CHECK(pid > 0 && wait4(pid, &st, 0, &ru) == pid && WIFEXITED(st) &&
		 WEXITSTATUS(st) == 0, "%s -c 'sleep 1 & wait': %s", sh, ut_status_str(st));
	long long el = now_ns(CLOCK_MONOTONIC) - t0;
	long long cpu = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
	UT_CHECK(el >= 1000 * MS && el < 10000 * MS, "'sleep 1 & wait' took %lld ms", el / MS);
	UT_NOTE("'sleep 1 & wait': %lld ms, %lld ms of CPU", el / MS, cpu / MS);
	UT_CHECK(cpu < 400 * MS, "'sleep 1 & wait' used %lld ms of CPU: the shell does not spin",
		 cpu / MS);
}

/* ---------------- clock_nanosleep TIMER_ABSTIME ---------------- */

static void test_abs_sleep(void)
{
	clockid_t clocks[2] = { CLOCK_MONOTONIC, CLOCK_REALTIME };
	for (int i = 0; i < 2; i++) {
		long long t0 = now_ns(clocks[i]);
		long long at = t0 + 150 * MS;
		struct timespec ts = { at / 1000000000LL, at % 1000000000LL };
		int rc = clock_nanosleep(clocks[i], TIMER_ABSTIME, &ts, NULL);
		long long t1 = now_ns(clocks[i]);
		UT_CHECK(rc == 0, "clock_nanosleep(%d, TIMER_ABSTIME): %d", (int)clocks[i], rc);
		UT_CHECK(t1 >= at && t1 - t0 < LATE_MS * MS,
			 "absolute sleep on clock %d ended %lld ms after start (>= 150)",
			 (int)clocks[i], (t1 - t0) / MS);
		ts.tv_sec = 1;	/* long past */
		ts.tv_nsec = 0;
		t0 = now_ns(CLOCK_MONOTONIC);
		UT_CHECK(clock_nanosleep(clocks[i], TIMER_ABSTIME, &ts, NULL) == 0 &&
			 now_ns(CLOCK_MONOTONIC) - t0 < 1000 * MS, "a past absolute time returns at once");
	}
}

/* ---- SIGEV_THREAD_ID and glibc's SIGEV_THREAD ---- */

static volatile pid_t target_tid, hit_tid;
static volatile int target_sig, target_code, target_value, target_timerid;
static volatile int target_unblocked, target_stop;
static volatile int hits, hit_code, hit_value;

static void on_thread_timer(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	hit_tid = gettid();
	hit_code = si->si_code;
	hit_value = si->si_value.sival_int;
	hits++;
}

/* Starts with SIGUSR2 blocked: first takes the timer's signal with
 * sigtimedwait, then unblocks it and lets the handler run here. */
static void *timer_target(void *arg)
{
	(void)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	target_tid = gettid();
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	struct timespec ts = { LATE_MS / 1000, 0 };
	int r = sigtimedwait(&s, &si, &ts);
	target_code = si.si_code;
	target_value = si.si_value.sival_int;
	target_timerid = si.si_timerid;
	target_sig = r;
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	target_unblocked = 1;
	while (!target_stop)
		ut_sleep_ms(5);
	return NULL;
}

static void wait_set(volatile int *flag, long ms)
{
	long long end = ut_now_ms() + ms;
	while (!*flag && ut_now_ms() < end)
		ut_sleep_ms(2);
}

static void test_thread_id(void)
{
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	struct sigaction sa = { .sa_sigaction = on_thread_timer, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR2, &sa, NULL);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	pthread_t th;
	int rc = pthread_create(&th, NULL, timer_target, NULL);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);	/* main takes SIGUSR2 by its handler */
	if (!UT_CHECK(rc == 0, "pthread_create: %s", strerror(rc)))
		return;
	wait_set((volatile int *)&target_tid, LATE_MS);

	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGUSR2;
	ev.sigev_value.sival_int = 31;
	ev._sigev_un._tid = target_tid;
	timer_t id;
	if (!UT_CHECK(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0,
		      "timer_create(SIGEV_THREAD_ID, a thread of ours): %s", strerror(errno))) {
		target_stop = 1;
		pthread_kill(th, SIGUSR2);
		pthread_join(th, NULL);
		return;
	}
	struct itimerspec its = { { 0, 0 }, { 0, 50 * MS } };
	timer_settime(id, 0, &its, NULL);
	wait_set(&target_sig, LATE_MS);
	UT_CHECK(target_sig == SIGUSR2 && target_code == SI_TIMER && target_value == 31,
		 "the named thread took signal %d code %d value %d, expected %d SI_TIMER 31",
		 target_sig, target_code, target_value, SIGUSR2);
	UT_CHECK_EMU(target_timerid == (int)(intptr_t)id, "the emulator hands out its own timer ids",
		     "si_timerid %d, expected %d", target_timerid, (int)(intptr_t)id);
	UT_CHECK(hits == 0, "the main thread's handler ran %d times for a signal to another thread",
		 hits);

	/* Now the thread unblocks it and the main thread blocks it. */
	wait_set(&target_unblocked, LATE_MS);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	timer_settime(id, 0, &its, NULL);
	wait_set(&hits, LATE_MS);
	UT_CHECK(hits == 1 && hit_tid == target_tid && hit_code == SI_TIMER && hit_value == 31,
		 "handler: %d runs, in thread %d (expected %d), code %d, value %d", hits,
		 hit_tid, target_tid, hit_code, hit_value);

	/* Once the thread is gone its timer signals no one. */
	target_stop = 1;
	pthread_join(th, NULL);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	hits = 0;
	struct itimerspec per = { { 0, 20 * MS }, { 0, 20 * MS } };
	UT_CHECK(timer_settime(id, 0, &per, NULL) == 0, "the timer of an exited thread is still there");
	ut_sleep_ms(200);
	UT_CHECK(hits == 0, "after its thread exited the timer's signal ran %d handlers", hits);
	UT_CHECK(timer_delete(id) == 0, "timer_delete");
	sigset_t pending;
	sigpending(&pending);
	UT_CHECK(!sigismember(&pending, SIGUSR2), "nothing left pending");

	/* EINVAL: a thread of another process, or none. */
	ev._sigev_un._tid = getppid();
	UT_EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev._sigev_un._tid = 0;
	UT_EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev._sigev_un._tid = INT_MAX;
	UT_EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	ev._sigev_un._tid = gettid();
	ev.sigev_signo = 0;
	UT_EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	signal(SIGUSR2, SIG_DFL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static volatile int cb_count, cb_value;
static volatile pid_t cb_tid;

static void on_expiry(union sigval v)
{
	cb_value = v.sival_int;
	cb_tid = gettid();
	__atomic_add_fetch(&cb_count, 1, __ATOMIC_SEQ_CST);
}

static void test_sigev_thread(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = on_expiry;
	ev.sigev_value.sival_int = 8080;
	timer_t id;
	if (!UT_CHECK(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0,
		      "timer_create(SIGEV_THREAD): %s", strerror(errno)))
		return;
	struct itimerspec its = { { 0, 0 }, { 0, 50 * MS } };
	timer_settime(id, 0, &its, NULL);
	wait_set(&cb_count, LATE_MS);
	UT_CHECK(cb_count == 1 && cb_value == 8080 && cb_tid != 0 && cb_tid != gettid(),
		 "the function ran %d times with %d in thread %d (main %d)", cb_count, cb_value,
		 cb_tid, gettid());
	struct itimerspec per = { { 0, 30 * MS }, { 0, 30 * MS } };
	timer_settime(id, 0, &per, NULL);
	long long end = ut_now_ms() + LATE_MS;
	while (cb_count < 4 && ut_now_ms() < end)
		ut_sleep_ms(5);
	UT_CHECK(cb_count >= 4, "periodic SIGEV_THREAD timer: %d runs, expected 4", cb_count);
	UT_CHECK(timer_delete(id) == 0, "timer_delete");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strncmp(argv[1], "--", 2) == 0)
		return exec_mode(argc, argv);
	if (strchr(argv[0], '/') && realpath(argv[0], self))
		;
	else
		snprintf(self, sizeof(self), "/tests/t_timer");
	test_alarm();
	test_itimer_real();
	test_itimer_cpu();
	test_fork_exec();
	test_timer_oneshot();
	test_timer_periodic();
	test_timer_none_default();
	test_timer_errors();
	test_cputime();
	test_abs_sleep();
	test_shell_wait();
	test_thread_id();
	test_sigev_thread();
	return ut_done("t_timer");
}
