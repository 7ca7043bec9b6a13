/* Sleeping mutexes (kernel/proc/kmutex.c).
 *
 * Non-recursive, FIFO: unlock hands the mutex straight to the longest
 * waiter, so no thread can barge ahead.  Locking a mutex you hold, or
 * unlocking one you do not hold, panics with the mutex's name.  Before
 * blocking, the locker follows the wait-for chain (the holder, the mutex
 * the holder is blocked on, its holder, ...); a cycle back to the locker is
 * a deadlock, reported with every thread and mutex in it.  For
 * kmutex_lock the report is a panic (the cycle can never resolve); for
 * kmutex_lock_cancellable it is printed and recorded, and cancelling one
 * of the threads breaks the cycle.  holder and waiters are under
 * sched_lock. */
#pragma once
#include "util/types.h"
#include "proc/sched.h"

typedef struct kmutex {
	const char *name;
	kthread_t *holder;
	wait_queue_t waiters;
} kmutex_t;

/* A static initializer: kmutex_t m = KMUTEX_INIT(m, "name"); */
#define KMUTEX_INIT(m, nm) { (nm), NULL, WAIT_QUEUE_INIT((m).waiters) }

void kmutex_init(kmutex_t *m, const char *name);
void kmutex_lock(kmutex_t *m);
/* Returns 0 with the mutex held, or -EINTR (not held) if cancelled. */
int kmutex_lock_cancellable(kmutex_t *m);
void kmutex_unlock(kmutex_t *m);

/* The most recent deadlock report (kept until the next deadlock; checks
 * that find no cycle leave it alone), and how many there have been.
 * Written under sched_lock. */
#define KMUTEX_REPORT_MAX 256
extern char kmutex_deadlock_report[KMUTEX_REPORT_MAX];
extern int kmutex_deadlocks_detected;
