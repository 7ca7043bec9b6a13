/* The system's clocks (kernel/drivers/clock.c): MONOTONIC, the uptime
 * the PIT counts, and REALTIME, the wall clock, started from the RTC at
 * boot and settable.  Everything that needs the date (file times, the
 * time system calls) asks here. */
#pragma once
#include "util/types.h"

#define NSEC_PER_SEC 1000000000ll

typedef struct ktimespec {
	int64_t tv_sec;
	int32_t tv_nsec;	/* 0..NSEC_PER_SEC-1 */
} ktimespec_t;

/* Reads the RTC and starts the wall clock (once, at boot). */
void clock_init(void);

/* Nanoseconds since boot; never goes back, whatever the wall clock does. */
int64_t clock_monotonic_ns(void);

/* The wall clock: nanoseconds, seconds, or both parts, since 1970-01-01
 * 00:00:00 UTC. */
int64_t clock_realtime_ns(void);
int64_t clock_realtime_sec(void);
/* REALTIME - MONOTONIC: turns a wall-clock time into an uptime. */
int64_t clock_realtime_offset_ns(void);
void clock_realtime_ts(ktimespec_t *ts);

/* A time the wall clock may be set to: not negative, tv_nsec in range,
 * tv_sec below CLOCK_REALTIME_LIMIT_SEC (Linux's limit: year 2232). */
#define CLOCK_REALTIME_LIMIT_SEC 8277292036ll
bool clock_realtime_valid(const ktimespec_t *ts);
/* Sets the wall clock (not the RTC); MONOTONIC is untouched.  -EINVAL
 * for an invalid time.  Callers check the caller's right to do it. */
int clock_set_realtime(const ktimespec_t *ts);

/* Hands the clock the vvar page (drivers/vvar.h, a direct-map address),
 * which it keeps current from then on (vm/vdso.c, at boot). */
void clock_vvar_attach(void *page);
