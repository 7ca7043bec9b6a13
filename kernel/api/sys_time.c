/*
 * Time system calls.  Wall-clock time is the RTC's reading at boot plus
 * the uptime; both clocks advance with the PIT, so their resolution is
 * one tick (1/HZ s).  Sleeps are cancellable and return -EINTR when a
 * signal arrives, writing the time left as Linux does.
 */
#include "api/linux_abi.h"
#include "api/time.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "drivers/pit.h"
#include "drivers/rtc.h"
#include "proc/sched.h"
#include "util/errno.h"

#define NSEC_PER_SEC 1000000000ll
#define NSEC_PER_MSEC 1000000ll
#define USEC_PER_SEC 1000000ll

static uint32_t boot_epoch;

void time_init(void)
{
	boot_epoch = rtc_read_epoch();
}

/* Nanoseconds on the given clock; -EINVAL for unknown clocks. */
static int64_t clock_ns(uint32_t clock)
{
	int64_t up = (int64_t)ticks_now() * (NSEC_PER_SEC / HZ);
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		return (int64_t)boot_epoch * NSEC_PER_SEC + up;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return up;
	default:
		return -EINVAL;
	}
}

SYSCALL(time)
{
	int32_t now = (int32_t)(clock_ns(CLOCK_REALTIME) / NSEC_PER_SEC);
	if (a1 && copy_to_user((void *)a1, &now, sizeof(now)) < 0)
		return -EFAULT;
	return now;
}

SYSCALL(gettimeofday)
{
	int64_t ns = clock_ns(CLOCK_REALTIME);
	struct linux_timeval tv = { (int32_t)(ns / NSEC_PER_SEC),
				    (int32_t)(ns % NSEC_PER_SEC / 1000) };
	struct linux_timezone tz = { 0, 0 };
	if (a1 && copy_to_user((void *)a1, &tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (a2 && copy_to_user((void *)a2, &tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL(clock_gettime)
{
	int64_t ns = clock_ns(a1);
	if (ns < 0)
		return -EINVAL;
	struct linux_timespec32 ts = { (int32_t)(ns / NSEC_PER_SEC), (int32_t)(ns % NSEC_PER_SEC) };
	return copy_to_user((void *)a2, &ts, sizeof(ts));
}

SYSCALL(clock_gettime64)
{
	int64_t ns = clock_ns(a1);
	if (ns < 0)
		return -EINVAL;
	struct linux_timespec64 ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
	return copy_to_user((void *)a2, &ts, sizeof(ts));
}

SYSCALL(clock_getres)
{
	if (clock_ns(a1) < 0)
		return -EINVAL;
	struct linux_timespec32 ts = { 0, (int32_t)(NSEC_PER_SEC / HZ) };
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

SYSCALL(clock_nanosleep)
{
	int64_t ns;
	long rc = read_ts32(a3, &ns);
	if (rc)
		return rc;
	if (a2 & TIMER_ABSTIME) {
		int64_t now = clock_ns(a1);
		if (now < 0)
			return -EINVAL;
		ns = ns > now ? ns - now : 0;
		a4 = 0;
	}
	return sleep_ns(ns, a4, false);
}

SYSCALL(clock_nanosleep_time64)
{
	struct linux_timespec64 ts;
	if (copy_from_user(&ts, (void *)a3, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	int64_t ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	if (a2 & TIMER_ABSTIME) {
		int64_t now = clock_ns(a1);
		ns = ns > now ? ns - now : 0;
		a4 = 0;
	}
	return sleep_ns(ns, a4, true);
}
