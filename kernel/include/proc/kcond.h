/* Condition variables over kmutex (kernel/proc/kcond.c): wait releases
 * the mutex and sleeps as one step, so a signal sent by a thread holding
 * the mutex cannot be missed.  Waiters are under sched_lock. */
#pragma once
#include "proc/kmutex.h"

typedef struct kcond {
	const char *name;
	wait_queue_t waiters;
} kcond_t;

void kcond_init(kcond_t *c, const char *name);
/* m must be held; it is held again on return. */
void kcond_wait(kcond_t *c, kmutex_t *m);
/* As kcond_wait; -EINTR if cancelled (m held again all the same). */
int kcond_wait_cancellable(kcond_t *c, kmutex_t *m);
/* As kcond_wait_cancellable, but gives up when the tick count reaches
 * wake_tick (not 0): -ETIMEDOUT then. */
int kcond_wait_until(kcond_t *c, kmutex_t *m, uint64_t wake_tick);
void kcond_signal(kcond_t *c);
void kcond_broadcast(kcond_t *c);
