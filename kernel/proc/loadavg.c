/*
 * Load averages (proc/loadavg.h).  Every LOADAVG_FREQ_TICKS the tick
 * folds the number of active threads into three averages with Linux's
 * decay factors: avg = avg * e + n * (1 - e), e = exp(-5 s / period), in
 * fixed point.  loadavg_lock protects the averages and the countdown.
 */
#include "proc/loadavg.h"
#include "drivers/pit.h"
#include "util/spinlock.h"

#define FIXED_1 (1u << LOADAVG_FSHIFT)

/* exp(-5/60), exp(-5/300), exp(-5/900) with LOADAVG_FSHIFT bits. */
static const uint32_t decay[3] = { 1884, 2014, 2037 };

static spinlock_t loadavg_lock = SPINLOCK_INIT("load averages");
static uint32_t avenrun[3];
static uint32_t countdown = LOADAVG_FREQ_TICKS;

void loadavg_tick(uint32_t active)
{
	spin_lock(&loadavg_lock);
	if (--countdown == 0) {
		countdown = LOADAVG_FREQ_TICKS;
		uint32_t n = active * FIXED_1;
		for (int i = 0; i < 3; i++) {
			uint32_t a = avenrun[i] * decay[i] + n * (FIXED_1 - decay[i]);
			if (n >= avenrun[i])
				a += FIXED_1 - 1;	/* round up while rising, as Linux */
			avenrun[i] = a >> LOADAVG_FSHIFT;
		}
	}
	spin_unlock(&loadavg_lock);
}

void loadavg_get(uint32_t loads[3])
{
	spin_lock(&loadavg_lock);
	for (int i = 0; i < 3; i++)
		loads[i] = avenrun[i];
	spin_unlock(&loadavg_lock);
}
