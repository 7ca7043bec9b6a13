/*
 * The load average: every LOADAVG_PERIOD_SEC seconds the scheduler's tick
 * samples how many threads are running or runnable, and each average
 * moves towards that count by a fixed fraction, the decay constants being
 * exp(-5s/1min), exp(-5s/5min) and exp(-5s/15min) in fixed point (the
 * values Linux uses, so the figures mean the same).  Threads asleep are
 * not counted (Linux also counts uninterruptible sleep).
 *
 * sched_lock protects the averages and the next sampling tick; the tick
 * hook already holds it.
 */
#include "proc/loadavg.h"
#include "proc/sched.h"
#include "drivers/pit.h"

/* LOADAVG_FIXED_1 / exp(5s / 1, 5 and 15 minutes). */
static const uint32_t decay[3] = { 1884, 2014, 2037 };
static uint32_t avenrun[3];		/* under sched_lock */
static uint64_t next_sample;		/* under sched_lock */

static uint32_t decay_towards(uint32_t load, uint32_t exp, uint32_t active)
{
	uint64_t v = (uint64_t)load * exp + (uint64_t)active * (LOADAVG_FIXED_1 - exp);
	if (active >= load)
		v += LOADAVG_FIXED_1 - 1;	/* round up while rising, as Linux */
	return (uint32_t)(v >> LOADAVG_FSHIFT);
}

void loadavg_tick_locked(uint64_t now, size_t active)
{
	if (now < next_sample)
		return;
	next_sample = now + (uint64_t)LOADAVG_PERIOD_SEC * HZ + 1;
	uint32_t a = (uint32_t)active * LOADAVG_FIXED_1;
	for (int i = 0; i < 3; i++)
		avenrun[i] = decay_towards(avenrun[i], decay[i], a);
}

void loadavg_get(uint32_t avg[3])
{
	spin_lock(&sched_lock);
	for (int i = 0; i < 3; i++)
		avg[i] = avenrun[i];
	spin_unlock(&sched_lock);
}
