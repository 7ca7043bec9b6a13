/*
 * The system's clocks.  MONOTONIC is the uptime: PIT ticks since boot,
 * one tick (1/HZ s) of resolution.  REALTIME, the wall clock, is
 * MONOTONIC plus an offset, realtime_offset_ns: clock_init sets it at boot
 * from the RTC (to within the RTC's one-second resolution), and
 * clock_set_realtime (clock_settime, settimeofday, stime) replaces it.  So
 * setting the wall clock moves REALTIME only; MONOTONIC, and every sleep
 * and timeout measured on it, never jumps.  The RTC itself is read once
 * and never written: a set time lasts until the next boot.
 *
 * The vvar page (drivers/vvar.h), once the VM attaches it, publishes
 * both clocks as of the last tick for the vDSO to read without a system
 * call: clock_tick rewrites it on every timer interrupt, right after the
 * tick count advances, and clock_set_realtime when the wall clock moves,
 * so it always holds what the system calls would return.
 *
 * clock_lock protects realtime_offset_ns, a 64-bit value that a 32-bit CPU
 * cannot read or write in one access, and the vvar page's contents (its
 * sequence count tells lock-free user readers when to retry).
 */
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "drivers/vvar.h"
#include "drivers/rtc.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/spinlock.h"

#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)

static spinlock_t clock_lock = SPINLOCK_INIT("wall-clock offset");
static int64_t realtime_offset_ns;	/* REALTIME - MONOTONIC */
static struct vvar_data *vvar;		/* NULL until the VM attaches it */

#define compiler_barrier() __asm__ volatile("" ::: "memory")

/* Rewrites the vvar page from the clocks' state; clock_lock held. */
static void vvar_publish_locked(void)
{
	if (!vvar)
		return;
	int64_t mono = clock_monotonic_ns();
	int64_t real = mono + realtime_offset_ns;
	vvar->seq++;		/* odd: readers retry */
	compiler_barrier();
	vvar->mono_sec = mono / NSEC_PER_SEC;
	vvar->mono_nsec = (int)(mono % NSEC_PER_SEC);
	vvar->real_sec = real / NSEC_PER_SEC;
	vvar->real_nsec = (int)(real % NSEC_PER_SEC);
	compiler_barrier();
	vvar->seq++;
}

static void clock_tick(void)
{
	spin_lock(&clock_lock);
	vvar_publish_locked();
	spin_unlock(&clock_lock);
}

void clock_vvar_attach(void *page)
{
	spin_lock(&clock_lock);
	vvar = page;
	vvar->res_nsec = NSEC_PER_TICK;
	vvar_publish_locked();
	spin_unlock(&clock_lock);
	pit_clock_hook = clock_tick;
}

void clock_init(void)
{
	int64_t epoch;
	int rc = rtc_read_epoch(&epoch);
	if (rc < 0) {
		kprintf("clock: cannot read the RTC (%s): the wall clock starts at 1970\n",
			rc == -EIO ? "no answer" : "invalid date");
		epoch = 0;
	}
	ktimespec_t ts = { epoch, 0 };
	clock_set_realtime(&ts);
	kprintf("clock: wall clock %lld s since 1970 (UTC) from the RTC\n", (long long)epoch);
}

int64_t clock_monotonic_ns(void)
{
	return (int64_t)ticks_now() * NSEC_PER_TICK;
}

int64_t clock_realtime_ns(void)
{
	spin_lock(&clock_lock);
	int64_t ns = realtime_offset_ns + clock_monotonic_ns();
	spin_unlock(&clock_lock);
	return ns;
}

int64_t clock_realtime_offset_ns(void)
{
	spin_lock(&clock_lock);
	int64_t ns = realtime_offset_ns;
	spin_unlock(&clock_lock);
	return ns;
}

int64_t clock_realtime_sec(void)
{
	return clock_realtime_ns() / NSEC_PER_SEC;
}

void clock_realtime_ts(ktimespec_t *ts)
{
	int64_t ns = clock_realtime_ns();
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = (int32_t)(ns % NSEC_PER_SEC);
}

bool clock_realtime_valid(const ktimespec_t *ts)
{
	return ts->tv_sec >= 0 && ts->tv_sec < CLOCK_REALTIME_LIMIT_SEC &&
	       ts->tv_nsec >= 0 && ts->tv_nsec < NSEC_PER_SEC;
}

int clock_set_realtime(const ktimespec_t *ts)
{
	if (!clock_realtime_valid(ts))
		return -EINVAL;
	int64_t ns = ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
	spin_lock(&clock_lock);
	realtime_offset_ns = ns - clock_monotonic_ns();
	vvar_publish_locked();
	spin_unlock(&clock_lock);
	return 0;
}
