/* Poll tables (kernel/proc/pollwait.c): how poll and select sleep on
 * several wait queues at once.
 *
 * A poll table belongs to one polling thread.  While it scans its files,
 * each object's poll operation calls poll_wait() on the wait queue(s) its
 * state changes are broadcast on; that hangs one of the table's entries on
 * the queue.  Any wakeup on such a queue (sched_wakeup_locked, hence every
 * broadcast and kcond signal) marks the table triggered and wakes the
 * thread, which sleeps on the table's own queue.  The thread clears
 * `triggered` before a scan and sleeps only if it is still clear, so a
 * change between the scan and the sleep is never lost.
 *
 * A table may instead have a `notify` function (epoll's interest items,
 * fs/epoll.c): a wakeup then calls it, under sched_lock (possibly in an
 * interrupt handler), instead of waking the table's thread.  Such a table
 * stays registered for as long as its owner wants, not one call.
 *
 * Locks: sched_lock protects the entries' links, the queues' poller
 * lists, `triggered` and the table's queue.  The events (POLL*) are
 * Linux's. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "proc/waitqueue.h"

#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLRDHUP 0x2000

struct poll_table;

typedef struct poll_entry {
	list_t link;			/* on wq->pollers, under sched_lock */
	wait_queue_t *wq;
	struct poll_table *pt;
} poll_entry_t;

typedef struct poll_table {
	wait_queue_t wq;		/* the polling thread sleeps here */
	bool triggered;			/* a watched queue was woken, under sched_lock */
	bool overflow;			/* an object found no free entry */
	poll_entry_t *entries;		/* cap of them, n in use */
	size_t n, cap;
	/* NULL: wake `wq`.  Else called with sched_lock held on a wakeup of a
	 * watched queue; must not sleep or take another lock. */
	void (*notify)(struct poll_table *pt);
} poll_table_t;

/* entries: cap slots for the table to use (the caller frees them after
 * poll_table_release).  notify is NULL. */
void poll_table_init(poll_table_t *pt, poll_entry_t *entries, size_t cap);
/* A poll operation: watch wq for pt (pt NULL: no registration wanted). */
void poll_wait(poll_table_t *pt, wait_queue_t *wq);
/* Before a scan: forget earlier wakeups. */
void poll_table_rearm(poll_table_t *pt);
/* Sleeps until a watched queue is woken since the last rearm (0),
 * tick wake_tick (0: no limit) passes (-ETIMEDOUT), or a signal or cancel
 * comes (-EINTR).  Returns at once if already triggered. */
int poll_table_sleep(poll_table_t *pt, uint64_t wake_tick);
/* Takes every entry off its queue. */
void poll_table_release(poll_table_t *pt);
/* sched_lock held: wakes the tables watching wq (sched_wakeup_locked). */
void poll_wake_locked(wait_queue_t *wq);
