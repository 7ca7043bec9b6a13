/*
 * Condition variables.  kcond_wait hands the mutex on (exactly as
 * kmutex_unlock does) and joins the condition's queue inside one
 * sched_lock section, then takes the mutex again after waking.  Like
 * POSIX condition variables, wakeups can be spurious from the caller's
 * point of view: wait in a loop that re-checks the condition.
 */
#include "proc/kcond.h"
#include "util/debug.h"

void kcond_init(kcond_t *c, const char *name)
{
	c->name = name;
	wait_queue_init(&c->waiters);
}

/* wake_tick 0: no time limit. */
static int wait_common(kcond_t *c, kmutex_t *m, bool cancellable, uint64_t wake_tick)
{
	spin_lock(&sched_lock);
	if (m->holder != curthr)
		panic("kcond '%s': waiting without holding mutex '%s'", c->name, m->name);
	m->holder = sched_wakeup_locked(&m->waiters);
	int rc = wake_tick ? sched_timed_sleep_locked(&c->waiters, wake_tick)
			   : sched_sleep_locked(&c->waiters, cancellable);
	spin_unlock(&sched_lock);
	kmutex_lock(m);
	return rc;
}

void kcond_wait(kcond_t *c, kmutex_t *m)
{
	wait_common(c, m, false, 0);
}

int kcond_wait_cancellable(kcond_t *c, kmutex_t *m)
{
	return wait_common(c, m, true, 0);
}

int kcond_wait_until(kcond_t *c, kmutex_t *m, uint64_t wake_tick)
{
	return wait_common(c, m, true, wake_tick);
}

void kcond_signal(kcond_t *c)
{
	sched_wakeup_on(&c->waiters);
}

void kcond_broadcast(kcond_t *c)
{
	sched_broadcast_on(&c->waiters);
}
