/*
 * Timer and CPU-time system calls: alarm, setitimer/getitimer, the POSIX
 * timers (timer_create ... timer_delete, and the time64 forms), times and
 * getrusage.  The timers themselves are kernel/proc/timer.c's; this file
 * checks and converts what user space passes, in Linux's order of checks.
 *
 * POSIX timers run on REALTIME, TAI, MONOTONIC or BOOTTIME (the coarse
 * and raw clocks have none: EOPNOTSUPP, as Linux; CPU-time clocks are not
 * supported yet: EINVAL).  An absolute REALTIME expiry is turned into an
 * uptime when it is set, so (unlike Linux) setting the clock afterwards
 * does not move it.  SIGEV_THREAD_ID names a thread of the caller's
 * process (else EINVAL, as Linux); the kernel treats SIGEV_THREAD (which
 * glibc never passes: it builds it on SIGEV_THREAD_ID) as SIGEV_SIGNAL,
 * as Linux does.
 */
#include "api/linux_abi.h"
#include "api/cputime.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/timer.h"
#include "util/errno.h"
#include "util/string.h"

#define NSEC_PER_USEC 1000ll
#define USEC_PER_SEC 1000000ll
#define USER_HZ 100		/* clock_t ticks, as AT_CLKTCK says */
#define ALARM_MAX_SEC 0x7fffffffu	/* Linux on 32-bit caps alarm(2) here */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
#define TICK_NS (NSEC_PER_SEC / HZ)

struct linux_itimerval { struct linux_timeval interval, value; };
struct linux_itimerspec32 { struct linux_timespec32 interval, value; };
struct linux_itimerspec64 { struct linux_timespec64 interval, value; };
struct linux_sigevent {
	uint32_t sigev_value;
	int32_t sigev_signo, sigev_notify, sigev_tid;
	uint32_t pad[12];	/* 64 bytes in all */
};
struct linux_tms { int32_t utime, stime, cutime, cstime; };
struct linux_rusage {
	struct linux_timeval utime, stime;
	int32_t rest[14];	/* maxrss ... nivcsw: 0 */
};

/* ------------------------------------------------------------------ */
/* Conversions                                                          */

static bool ts_valid(int64_t sec, int64_t nsec)
{
	return sec >= 0 && nsec >= 0 && nsec < NSEC_PER_SEC;
}

static int64_t ts_to_ns(int64_t sec, int64_t nsec)
{
	sec = MIN(sec, CLOCK_REALTIME_LIMIT_SEC);	/* no overflow: ~262 years */
	return sec * NSEC_PER_SEC + nsec;
}

static struct linux_timeval ns_to_tv(int64_t ns)
{
	struct linux_timeval tv = { (int32_t)(ns / NSEC_PER_SEC),
				    (int32_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
	return tv;
}

/* A timeval of an itimer: usec in range, not negative; rounded up to
 * whole microseconds as given. */
static long tv_to_ns(const struct linux_timeval *tv, int64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= USEC_PER_SEC)
		return -EINVAL;
	*ns = (int64_t)tv->tv_sec * NSEC_PER_SEC + tv->tv_usec * NSEC_PER_USEC;
	return 0;
}

static int64_t ticks_to_ns(uint64_t ticks)
{
	return (int64_t)ticks * TICK_NS;
}

/* ------------------------------------------------------------------ */
/* alarm, setitimer, getitimer                                          */

SYSCALL(alarm)
{
	ktimer_spec_t spec = { (int64_t)MIN(a1, ALARM_MAX_SEC) * NSEC_PER_SEC, 0 }, old;
	long rc = itimer_set(ITIMER_REAL, &spec, &old);
	if (rc)
		return rc;
	/* Linux rounds the time left to the nearest second, never to 0. */
	int64_t sec = old.value_ns / NSEC_PER_SEC, rest = old.value_ns % NSEC_PER_SEC;
	if ((sec == 0 && rest) || rest >= NSEC_PER_SEC / 2)
		sec++;
	return (long)sec;
}

static long put_itimerval(uint32_t user, const ktimer_spec_t *k)
{
	struct linux_itimerval it = { ns_to_tv(k->interval_ns), ns_to_tv(k->value_ns) };
	/* A timer about to fire still shows time left. */
	if (k->value_ns > 0 && it.value.tv_sec == 0 && it.value.tv_usec == 0)
		it.value.tv_usec = 1;
	return copy_to_user((void *)user, &it, sizeof(it)) < 0 ? -EFAULT : 0;
}

SYSCALL(setitimer)
{
	ktimer_spec_t spec = { 0, 0 }, old;
	if (a1 > ITIMER_PROF)
		return -EINVAL;
	if (a2) {	/* NULL disarms: Linux's "misfeature" */
		struct linux_itimerval it;
		if (copy_from_user(&it, (void *)a2, sizeof(it)) < 0)
			return -EFAULT;
		if (tv_to_ns(&it.value, &spec.value_ns) || tv_to_ns(&it.interval, &spec.interval_ns))
			return -EINVAL;
	}
	long rc = itimer_set((int)a1, &spec, &old);
	return rc ? rc : a3 ? put_itimerval(a3, &old) : 0;
}

SYSCALL(getitimer)
{
	ktimer_spec_t cur;
	long rc = itimer_get((int)a1, &cur);
	return rc ? rc : put_itimerval(a2, &cur);
}

/* ------------------------------------------------------------------ */
/* POSIX timers                                                         */

static long timer_clock_ok(uint32_t clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		return 0;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;	/* clocks without timers, as Linux */
	default:
		return -EINVAL;
	}
}

/* Is tid a live thread of the calling process? */
static bool own_thread(int tid)
{
	spin_lock(&proc_lock);
	kthread_t *t = tid > 0 ? proc_thread_lookup_locked(tid) : NULL;
	bool mine = t && t->proc == curproc;
	spin_unlock(&proc_lock);
	return mine;
}

SYSCALL(timer_create)
{
	long rc = timer_clock_ok(a1);
	if (rc)
		return rc;
	struct linux_sigevent ev = { 0, SIGALRM, SIGEV_SIGNAL, 0, { 0 } };
	if (a2 && copy_from_user(&ev, (void *)a2, sizeof(ev)) < 0)
		return -EFAULT;
	if (ev.sigev_notify == SIGEV_THREAD)
		ev.sigev_notify = SIGEV_SIGNAL;
	if (ev.sigev_notify == SIGEV_THREAD_ID && !own_thread(ev.sigev_tid))
		return -EINVAL;
	if (ev.sigev_notify == SIGEV_SIGNAL || ev.sigev_notify == SIGEV_THREAD_ID) {
		if (ev.sigev_signo < 1 || ev.sigev_signo > NSIG)
			return -EINVAL;
	} else if (ev.sigev_notify != SIGEV_NONE) {
		return -EINVAL;
	}
	int id;
	rc = ptimer_create((int)a1, ev.sigev_notify, ev.sigev_signo, ev.sigev_tid,
			   ev.sigev_value, !a2, &id);
	if (rc)
		return rc;
	if (copy_to_user((void *)a3, &id, sizeof(id)) < 0) {
		ptimer_delete(id);
		return -EFAULT;
	}
	return 0;
}

/* The user's setting (relative or absolute on clock) as an absolute
 * monotonic expiry. */
static long to_absolute(int id, uint32_t flags, ktimer_spec_t *spec)
{
	ktimer_spec_t cur;
	int clock;
	long rc = ptimer_gettime(id, &cur, &clock);
	if (rc || spec->value_ns == 0)
		return rc;
	if (!(flags & TIMER_ABSTIME))
		spec->value_ns += clock_monotonic_ns();
	else if (clock == CLOCK_REALTIME || clock == CLOCK_TAI)
		spec->value_ns -= clock_realtime_offset_ns();
	if (spec->value_ns <= 0)	/* already past: fires at the next tick */
		spec->value_ns = 1;
	return 0;
}

/* What timer_gettime shows: the time left (at least 1 ns while armed). */
static void to_relative(ktimer_spec_t *k)
{
	if (k->value_ns)
		k->value_ns = MAX(k->value_ns - clock_monotonic_ns(), 1);
}

static long settime_common(uint32_t id, uint32_t flags, ktimer_spec_t *spec, ktimer_spec_t *old)
{
	long rc = to_absolute((int)id, flags, spec);
	if (rc == 0)
		rc = ptimer_settime((int)id, spec, old);
	if (rc == 0)
		to_relative(old);
	return rc;
}

/* Writes a timer's interval and value out as struct itimerspec, 32- or
 * 64-bit (timer_gettime and the old value of timer_settime). */
static long itimerspec_to_user(uint32_t uaddr, const ktimer_spec_t *t, bool time64)
{
	int64_t isec = t->interval_ns / NSEC_PER_SEC, insec = t->interval_ns % NSEC_PER_SEC;
	int64_t vsec = t->value_ns / NSEC_PER_SEC, vnsec = t->value_ns % NSEC_PER_SEC;
	if (time64) {
		struct linux_itimerspec64 o = { { isec, insec }, { vsec, vnsec } };
		return copy_to_user((void *)uaddr, &o, sizeof(o)) < 0 ? -EFAULT : 0;
	}
	struct linux_itimerspec32 o = { { (int32_t)isec, (int32_t)insec },
					{ (int32_t)vsec, (int32_t)vnsec } };
	return copy_to_user((void *)uaddr, &o, sizeof(o)) < 0 ? -EFAULT : 0;
}

SYSCALL(timer_settime)
{
	struct linux_itimerspec32 it;
	if (!a3)
		return -EINVAL;
	if (copy_from_user(&it, (void *)a3, sizeof(it)) < 0)
		return -EFAULT;
	if (!ts_valid(it.value.tv_sec, it.value.tv_nsec) ||
	    !ts_valid(it.interval.tv_sec, it.interval.tv_nsec))
		return -EINVAL;
	ktimer_spec_t spec = { ts_to_ns(it.value.tv_sec, it.value.tv_nsec),
			       ts_to_ns(it.interval.tv_sec, it.interval.tv_nsec) }, old;
	long rc = settime_common(a1, a2, &spec, &old);
	if (rc || !a4)
		return rc;
	return itimerspec_to_user(a4, &old, false);
}

/* As Linux, a 32-bit caller's tv_nsec is the low half of the 64-bit field. */
SYSCALL(timer_settime64)
{
	struct linux_itimerspec64 it;
	if (!a3)
		return -EINVAL;
	if (copy_from_user(&it, (void *)a3, sizeof(it)) < 0)
		return -EFAULT;
	int32_t vns = (int32_t)it.value.tv_nsec, ins = (int32_t)it.interval.tv_nsec;
	if (!ts_valid(it.value.tv_sec, vns) || !ts_valid(it.interval.tv_sec, ins))
		return -EINVAL;
	ktimer_spec_t spec = { ts_to_ns(it.value.tv_sec, vns), ts_to_ns(it.interval.tv_sec, ins) },
		      old;
	long rc = settime_common(a1, a2, &spec, &old);
	if (rc || !a4)
		return rc;
	return itimerspec_to_user(a4, &old, true);
}

SYSCALL(timer_gettime)
{
	ktimer_spec_t cur;
	int clock;
	long rc = ptimer_gettime((int)a1, &cur, &clock);
	if (rc)
		return rc;
	to_relative(&cur);
	return itimerspec_to_user(a2, &cur, false);
}

SYSCALL(timer_gettime64)
{
	ktimer_spec_t cur;
	int clock;
	long rc = ptimer_gettime((int)a1, &cur, &clock);
	if (rc)
		return rc;
	to_relative(&cur);
	return itimerspec_to_user(a2, &cur, true);
}

SYSCALL(timer_getoverrun) { return ptimer_getoverrun((int)a1); }
SYSCALL(timer_delete) { return ptimer_delete((int)a1); }

/* ------------------------------------------------------------------ */
/* CPU time: times, getrusage                                           */

static int32_t ticks_to_clock_t(uint64_t ticks)
{
	return (int32_t)(ticks * USER_HZ / HZ);
}

SYSCALL(times)
{
	uint64_t u, s;
	cputime_proc(curproc, &u, &s);
	spin_lock(&proc_lock);
	struct linux_tms tms = { ticks_to_clock_t(u), ticks_to_clock_t(s),
				 ticks_to_clock_t(curproc->cutime_ticks),
				 ticks_to_clock_t(curproc->cstime_ticks) };
	spin_unlock(&proc_lock);
	if (a1 && copy_to_user((void *)a1, &tms, sizeof(tms)) < 0)
		return -EFAULT;
	return ticks_to_clock_t(ticks_now());
}

long rusage_put(uint32_t user, uint64_t utime_ticks, uint64_t stime_ticks)
{
	struct linux_rusage ru;
	memset(&ru, 0, sizeof(ru));
	ru.utime = ns_to_tv(ticks_to_ns(utime_ticks));
	ru.stime = ns_to_tv(ticks_to_ns(stime_ticks));
	return copy_to_user((void *)user, &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

SYSCALL(getrusage)
{
	uint64_t u, s;
	switch ((int32_t)a1) {
	case RUSAGE_SELF:
		cputime_proc(curproc, &u, &s);
		break;
	case RUSAGE_THREAD:
		cputime_thread(curthr, &u, &s);
		break;
	case RUSAGE_CHILDREN:
		spin_lock(&proc_lock);
		u = curproc->cutime_ticks;
		s = curproc->cstime_ticks;
		spin_unlock(&proc_lock);
		break;
	default:
		return -EINVAL;
	}
	return rusage_put(a2, u, s);
}

/* clock_gettime's CPU-time clocks (sys_time.c). */
int64_t cputime_clock_ns(bool thread)
{
	uint64_t u, s;
	if (thread)
		cputime_thread(curthr, &u, &s);
	else
		cputime_proc(curproc, &u, &s);
	return ticks_to_ns(u + s);
}
