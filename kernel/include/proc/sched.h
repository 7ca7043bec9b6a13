/* The scheduler and wait queues (kernel/proc/sched.c).
 *
 * One run queue per CPU, FIFO, O(1) to add and take; each CPU has an idle
 * thread that is never queued and halts until an interrupt.  Round-robin
 * threads are preempted when their time slice (SCHED_SLICE_TICKS) ends;
 * cooperative threads run until they block or yield.
 *
 * sched_lock protects every run queue, every wait queue, and every
 * thread's state, wchan, cancelled flag and timer entry.  The sleep
 * functions take a caller's spinlock that protects the condition being
 * waited for and release it only once the thread is on the queue, so a
 * wakeup issued under that lock cannot be lost. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "util/spinlock.h"
#include "proc/kthread.h"

#define SCHED_SLICE_TICKS 5

extern spinlock_t sched_lock;

void sched_init(void);
/* Sleeps on wq with sched_lock already held by the caller (who keeps it);
 * returns -EINTR if cancellable and cancelled. */
int sched_sleep_locked(wait_queue_t *wq, bool cancellable);
/* Wakes the first sleeper with sched_lock held; returns it or NULL. */
kthread_t *sched_wakeup_locked(wait_queue_t *wq);
void sched_broadcast_locked(wait_queue_t *wq);
/* Ends the calling thread: sched_lock held, state already EXITED. */
void sched_switch_final(void) __attribute__((noreturn));

/* Starts a new thread (from kthread_create: on no queue yet) by putting
 * it on the run queue.  Sleepers are woken through their wait queue
 * (sched_wakeup_on, sched_cancel), never through this. */
void sched_make_runnable(kthread_t *thr);
void sched_yield(void);
/* Called on interrupt exit: switches away if the time slice is over. */
void sched_preempt_point(void);
/* Called by the idle thread: runs whatever is runnable, else halts. */
void sched_idle_once(void);

/* Sleeps on wq; `lock` (held by the caller, may be NULL) is released
 * while asleep and taken again before returning. */
void sched_sleep_on(wait_queue_t *wq, spinlock_t *lock);
/* As sched_sleep_on, but a cancel ends the sleep: returns -EINTR if the
 * thread is or becomes cancelled or a signal interrupts it, 0 after a
 * wakeup. */
int sched_cancellable_sleep_on(wait_queue_t *wq, spinlock_t *lock);
/* Wakes the first sleeper; returns it (NULL if none). */
kthread_t *sched_wakeup_on(wait_queue_t *wq);
void sched_broadcast_on(wait_queue_t *wq);
/* Removes a sleeping thread from its queue and makes it runnable
 * (cancellation, timeouts). */
void sched_cancel(kthread_t *thr);

/* A signal arrived for thr: its cancellable sleeps return -EINTR until
 * signal delivery finds nothing more to deliver (and clears the flag). */
void sched_interrupt(kthread_t *thr);

/* Sleeps for at least ms milliseconds; -EINTR if cancelled first. */
int sched_sleep_ms(uint32_t ms);
/* As sched_cancellable_sleep_on, but the timer also ends the sleep at
 * tick wake_tick (ticks_now()): then -ETIMEDOUT.  A wakeup wins over a
 * timeout that fires later, so 0 means woken. */
int sched_timed_sleep_on(wait_queue_t *wq, spinlock_t *lock, uint64_t wake_tick);
/* As sched_timed_sleep_on with sched_lock already held by the caller (who
 * keeps it), as sched_sleep_locked: kcond hands its mutex on inside the
 * same sched_lock section. */
int sched_timed_sleep_locked(wait_queue_t *wq, uint64_t wake_tick);
/* Called from the timer interrupt. */
void sched_tick(void);

void sched_set_policy(kthread_t *thr, sched_policy_t policy);
