/* The scheduler and wait queues (kernel/proc/sched.c).
 *
 * Per CPU: one FIFO queue per real-time priority (1..99) above one FIFO
 * queue for time-sharing and cooperative threads, O(1) to add and take;
 * each CPU has an idle thread that is never queued and halts until an
 * interrupt.  A runnable real-time thread always runs before any other,
 * the highest priority first.  Time-sharing threads are preempted when
 * their slice (SCHED_SLICE_TICKS, longer or shorter by nice) ends, SCHED_RR
 * ones when theirs (SCHED_RR_SLICE_TICKS) ends and another of their
 * priority is runnable; SCHED_FIFO and cooperative threads run until they
 * block or yield (or, cooperative ones, a real-time thread wants the CPU).
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

#define SCHED_SLICE_TICKS 5		/* time sharing at nice 0 (50 ms) */
#define SCHED_SLICE_MAX_TICKS 10	/* at nice -20; nice 19 gets 1 */
#define SCHED_RR_SLICE_TICKS 10		/* SCHED_RR: 100 ms, as Linux */

/* Linux's policy numbers (include/uapi/linux/sched.h) and M-OS's own
 * cooperative class (user/include/mos/sched.h). */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_RESET_ON_FORK 0x40000000
#define MOS_SCHED_COOP 1000
#define SCHED_RT_PRIO_MIN 1
#define SCHED_RT_PRIO_MAX 99
#define SCHED_NICE_MIN (-20)
#define SCHED_NICE_MAX 19

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
/* Threads running or waiting to run (/proc/stat's procs_running). */
size_t sched_nr_running(void);
/* Timer ticks that found the CPU idle (/proc/uptime, /proc/stat). */
uint64_t sched_idle_ticks(void);
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

/* Gives thr the class (kernel threads: RR or COOP), priority 0. */
void sched_set_policy(kthread_t *thr, sched_policy_t policy);

/* Scheduling attributes (sched_attrs_t in proc/kthread.h). */
/* A new thread's: SCHED_OTHER, nice 0, every CPU. */
void sched_thread_init(kthread_t *thr);
/* A forked child's: the parent's, or with SCHED_RESET_ON_FORK, SCHED_OTHER
 * and a nice of at least 0. */
void sched_fork_attrs(const kthread_t *parent, kthread_t *child);
void sched_attrs_get(const kthread_t *thr, sched_attrs_t *out);
/* Sets thr's attributes (already checked by the caller: a valid policy,
 * priority and nice).  A queued thread moves to the tail of its new
 * queue; if the running thread no longer outranks everything runnable,
 * it switches at its next preemption point (at the latest its return to
 * user mode). */
void sched_attrs_set(kthread_t *thr, const sched_attrs_t *attrs);
/* The length of thr's time slice in ticks; 0 if it has none (FIFO,
 * cooperative). */
uint32_t sched_slice_ticks(const sched_attrs_t *attrs);
/* The CPUs that exist and run threads (bit n: CPU n). */
uint32_t sched_online_cpus(void);
