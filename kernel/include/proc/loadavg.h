/* The load average (kernel/proc/loadavg.c): Linux's three exponentially
 * decaying averages of the number of threads running or waiting to run,
 * over 1, 5 and 15 minutes, sampled every LOADAVG_PERIOD_SEC seconds by
 * the scheduler's tick, in fixed point with LOADAVG_FSHIFT fraction bits
 * (as /proc/loadavg and sysinfo report them).  sched_lock protects them. */
#pragma once
#include "util/types.h"

#define LOADAVG_FSHIFT 11			/* bits of fraction */
#define LOADAVG_FIXED_1 (1u << LOADAVG_FSHIFT)	/* 1.0 */
#define LOADAVG_PERIOD_SEC 5

/* Called by sched_tick with sched_lock held: `active` threads are running
 * or runnable at tick `now`. */
void loadavg_tick_locked(uint64_t now, size_t active);
/* The 1, 5 and 15 minute averages, fixed point. */
void loadavg_get(uint32_t avg[3]);
