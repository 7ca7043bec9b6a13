/*
 * Time system calls, over the clocks of drivers/clock.c: REALTIME (the
 * wall clock: the RTC at boot, settable) and MONOTONIC (the uptime).  Both
 * advance with the PIT, so their resolution is one tick (1/HZ s).
 *
 * Setting the wall clock follows Linux's order of checks: an unknown or
 * unsettable clock is EINVAL, then a bad pointer EFAULT, then a bad time
 * EINVAL, then the permission EPERM.  Only REALTIME can be set.  The
 * timezone settimeofday stores is only handed back by gettimeofday (the
 * kernel keeps UTC; Linux's one-time "warp" of an RTC kept in local time
 * is not done).
 *
 * Sleeps are cancellable and return -EINTR when a signal arrives, writing
 * the time left as Linux does.  An absolute sleep becomes a relative one
 * when it starts, so (unlike Linux) setting REALTIME during an absolute
 * REALTIME sleep does not move its end.
 */
#include "api/cputime.h"
#include "api/linux_abi.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/timer.h"
#include "proc/cred.h"
#include "util/errno.h"
#include "util/spinlock.h"

#define NSEC_PER_MSEC 1000000ll
#define NSEC_PER_USEC 1000ll
#define USEC_PER_SEC 1000000ll
#define TZ_MAX_MINUTES_WEST (15 * 60)	/* Linux refuses zones beyond +-15 h */

static spinlock_t tz_lock = SPINLOCK_INIT("settimeofday's timezone");
static struct linux_timezone sys_tz;	/* under tz_lock */

/*
 * Linux's CPU-clock ids (clock_getcpuclockid, pthread_getcpuclockid) are
 * negative: ~id << 3, plus CPUCLOCK_PERTHREAD for a thread's clock, plus
 * which time (PROF and SCHED: user + system; VIRT: user).  Id 0 is the
 * caller.  A thread clock names a thread of the caller's process, as on
 * Linux (else EINVAL); a process clock, on M-OS, only the caller's own
 * process (Linux lets any process be read).
 */
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_WHICH_MASK 3
#define CPUCLOCK_VIRT 1
#define CPUCLOCK_MAX 3
#define CPUCLOCK_ID(clock) (~((int32_t)(clock) >> 3))

static long cpu_clock_read(int32_t clock, int64_t *ns)
{
	int which = clock & CPUCLOCK_WHICH_MASK;
	int id = CPUCLOCK_ID(clock);
	uint64_t user, sys;
	if (which >= CPUCLOCK_MAX)
		return -EINVAL;
	if (clock & CPUCLOCK_PERTHREAD) {
		spin_lock(&proc_lock);
		kthread_t *t = id ? proc_thread_lookup_locked(id) : curthr;
		if (t && t->proc == curproc)
			cputime_thread(t, &user, &sys);	/* it cannot be freed: proc_lock */
		spin_unlock(&proc_lock);
		if (!t || t->proc != curproc)
			return -EINVAL;
	} else {
		if (id != 0 && id != curproc->pid)
			return -EINVAL;
		cputime_proc(curproc, &user, &sys);
	}
	*ns = (int64_t)((which == CPUCLOCK_VIRT ? user : user + sys) * (NSEC_PER_SEC / HZ));
	return 0;
}

/* Nanoseconds on the given clock into *ns; -EINVAL for unknown clocks. */
static long clock_read(uint32_t clock, int64_t *ns)
{
	if ((int32_t)clock < 0)
		return cpu_clock_read((int32_t)clock, ns);
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:		/* TAI - UTC is 0, as on Linux until adjtimex sets it */
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = clock_monotonic_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:	/* ticks charged to the caller (proc/timer.c) */
		*ns = cputime_clock_ns(clock == CLOCK_THREAD_CPUTIME_ID);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Who may set the clock: a privileged process (effective uid 0). */
static long may_set_time(void)
{
	return cred_privileged() ? 0 : -EPERM;
}

/* The common tail of every call that sets the wall clock. */
static long set_realtime(const ktimespec_t *ts)
{
	if (!clock_realtime_valid(ts))
		return -EINVAL;
	long rc = may_set_time();
	return rc ? rc : clock_set_realtime(ts);
}

SYSCALL(time)
{
	int32_t now = (int32_t)clock_realtime_sec();
	if (a1 && copy_to_user((void *)a1, &now, sizeof(now)) < 0)
		return -EFAULT;
	return now;
}

SYSCALL(stime)
{
	int32_t sec;
	if (copy_from_user(&sec, (void *)a1, sizeof(sec)) < 0)
		return -EFAULT;
	long rc = may_set_time();	/* Linux checks the right before the value here */
	if (rc)
		return rc;
	ktimespec_t ts = { sec, 0 };
	return clock_set_realtime(&ts);
}

SYSCALL(gettimeofday)
{
	ktimespec_t now;
	clock_realtime_ts(&now);
	struct linux_timeval tv = { (int32_t)now.tv_sec, (int32_t)(now.tv_nsec / NSEC_PER_USEC) };
	spin_lock(&tz_lock);
	struct linux_timezone tz = sys_tz;
	spin_unlock(&tz_lock);
	if (a1 && copy_to_user((void *)a1, &tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (a2 && copy_to_user((void *)a2, &tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL(settimeofday)
{
	struct linux_timeval tv;
	struct linux_timezone tz;
	if (a1 && copy_from_user(&tv, (void *)a1, sizeof(tv)) < 0)
		return -EFAULT;
	if (a1 && (tv.tv_usec < 0 || tv.tv_usec > USEC_PER_SEC))	/* 10^6: EINVAL below */
		return -EINVAL;
	if (a2 && copy_from_user(&tz, (void *)a2, sizeof(tz)) < 0)
		return -EFAULT;
	ktimespec_t ts = { a1 ? tv.tv_sec : 0, a1 ? (int32_t)(tv.tv_usec * NSEC_PER_USEC) : 0 };
	if (a1 && !clock_realtime_valid(&ts))
		return -EINVAL;
	long rc = may_set_time();
	if (rc)
		return rc;
	if (a2) {
		if (tz.tz_minuteswest < -TZ_MAX_MINUTES_WEST || tz.tz_minuteswest > TZ_MAX_MINUTES_WEST)
			return -EINVAL;
		spin_lock(&tz_lock);
		sys_tz = tz;
		spin_unlock(&tz_lock);
	}
	return a1 ? clock_set_realtime(&ts) : 0;
}

SYSCALL(clock_gettime)
{
	int64_t ns;
	long rc = clock_read(a1, &ns);
	if (rc)
		return rc;
	struct linux_timespec32 ts = { (int32_t)(ns / NSEC_PER_SEC), (int32_t)(ns % NSEC_PER_SEC) };
	return copy_to_user((void *)a2, &ts, sizeof(ts));
}

SYSCALL(clock_gettime64)
{
	int64_t ns;
	long rc = clock_read(a1, &ns);
	if (rc)
		return rc;
	struct linux_timespec64 ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
	return copy_to_user((void *)a2, &ts, sizeof(ts));
}

SYSCALL(clock_settime)
{
	if (a1 != CLOCK_REALTIME)
		return -EINVAL;
	struct linux_timespec32 ts;
	if (copy_from_user(&ts, (void *)a2, sizeof(ts)) < 0)
		return -EFAULT;
	ktimespec_t k = { ts.tv_sec, ts.tv_nsec };
	return set_realtime(&k);
}

/* As Linux, a 32-bit caller's tv_nsec is the low half of the 64-bit field. */
SYSCALL(clock_settime64)
{
	if (a1 != CLOCK_REALTIME)
		return -EINVAL;
	struct linux_timespec64 ts;
	if (copy_from_user(&ts, (void *)a2, sizeof(ts)) < 0)
		return -EFAULT;
	ktimespec_t k = { ts.tv_sec, (int32_t)ts.tv_nsec };
	return set_realtime(&k);
}

SYSCALL(clock_getres)
{
	int64_t ns;
	if (clock_read(a1, &ns))
		return -EINVAL;
	struct linux_timespec32 ts = { 0, (int32_t)(NSEC_PER_SEC / HZ) };
	return a2 ? copy_to_user((void *)a2, &ts, sizeof(ts)) : 0;
}

SYSCALL(clock_getres_time64)
{
	int64_t ns;
	if (clock_read(a1, &ns))
		return -EINVAL;
	struct linux_timespec64 ts = { 0, NSEC_PER_SEC / HZ };
	return a2 ? copy_to_user((void *)a2, &ts, sizeof(ts)) : 0;
}

/* Sleeps for ns; on a signal writes the time left to user_rem. */
static long sleep_ns(int64_t ns, uint32_t user_rem, bool rem64)
{
	if (ns < 0)
		return -EINVAL;
	uint64_t start = ticks_now();
	uint32_t ms = (uint32_t)MIN((ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC, (int64_t)0x7fffffff);
	if (sched_sleep_ms(ms) == 0)
		return 0;
	int64_t left = ns - (int64_t)(ticks_now() - start) * (NSEC_PER_SEC / HZ);
	if (left < 0)
		left = 0;
	if (user_rem) {
		struct linux_timespec32 r32 = { (int32_t)(left / NSEC_PER_SEC), (int32_t)(left % NSEC_PER_SEC) };
		struct linux_timespec64 r64 = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };
		if (rem64 ? copy_to_user((void *)user_rem, &r64, sizeof(r64))
			  : copy_to_user((void *)user_rem, &r32, sizeof(r32)))
			return -EFAULT;
	}
	return -EINTR;
}

static long read_ts32(uint32_t user_ts, int64_t *ns)
{
	struct linux_timespec32 ts;
	if (copy_from_user(&ts, (void *)user_ts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ns = (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

SYSCALL(nanosleep)
{
	int64_t ns;
	long rc = read_ts32(a1, &ns);
	return rc ? rc : sleep_ns(ns, a2, false);
}

#define TIMER_ABSTIME 1

/* Sleeps are measured on the wall or monotonic clock; Linux refuses the
 * thread's CPU clock, M-OS the process's too (it cannot wake on it). */
static bool sleep_clock_ok(uint32_t clock)
{
	return clock != CLOCK_PROCESS_CPUTIME_ID && clock != CLOCK_THREAD_CPUTIME_ID &&
	       (int32_t)clock >= 0;
}

SYSCALL(clock_nanosleep)
{
	int64_t ns;
	if (!sleep_clock_ok(a1))
		return -EINVAL;
	long rc = read_ts32(a3, &ns);
	if (rc)
		return rc;
	if (a2 & TIMER_ABSTIME) {
		int64_t now;
		if (clock_read(a1, &now))
			return -EINVAL;
		ns = ns > now ? ns - now : 0;
		a4 = 0;
	}
	return sleep_ns(ns, a4, false);
}

SYSCALL(clock_nanosleep_time64)
{
	struct linux_timespec64 ts;
	if (!sleep_clock_ok(a1))
		return -EINVAL;
	if (copy_from_user(&ts, (void *)a3, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	int64_t sec = MIN(ts.tv_sec, CLOCK_REALTIME_LIMIT_SEC);	/* no overflow below */
	int64_t ns = sec * NSEC_PER_SEC + ts.tv_nsec;
	if (a2 & TIMER_ABSTIME) {
		int64_t now;
		if (clock_read(a1, &now))
			return -EINVAL;
		ns = ns > now ? ns - now : 0;
		a4 = 0;
	}
	return sleep_ns(ns, a4, true);
}
