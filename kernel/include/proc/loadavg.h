/* Load averages (kernel/proc/loadavg.c): Linux's exponentially decayed
 * means of the number of threads running or runnable, over 1, 5 and 15
 * minutes, sampled every LOADAVG_FREQ_TICKS.  Values are fixed point with
 * LOADAVG_FSHIFT fraction bits (1.0 = 1 << LOADAVG_FSHIFT), as Linux's
 * avenrun; sysinfo and /proc/loadavg read them. */
#pragma once
#include "util/types.h"

#define LOADAVG_FSHIFT 11
#define LOADAVG_FREQ_TICKS (5 * HZ + 1)	/* Linux's LOAD_FREQ: 5 s and a tick */

/* The timer tick (sched_tick): active threads now (running + runnable). */
void loadavg_tick(uint32_t active);
/* The 1, 5 and 15 minute averages. */
void loadavg_get(uint32_t loads[3]);
