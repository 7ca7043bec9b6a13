/*
 * Poll tables: one thread waiting on several wait queues (the story is in
 * proc/pollwait.h).  Everything here runs under sched_lock, which already
 * protects every wait queue, so hanging an entry on an object's queue
 * needs no lock of the object's: the poll operation may call poll_wait
 * with its own lock held (lock order: object locks -> sched_lock).
 */
#include "proc/pollwait.h"
#include "drivers/pit.h"
#include "proc/sched.h"
#include "util/debug.h"
#include "util/errno.h"

void poll_table_init(poll_table_t *pt, poll_entry_t *entries, size_t cap)
{
	wait_queue_init(&pt->wq);
	pt->triggered = false;
	pt->overflow = false;
	pt->entries = entries;
	pt->n = 0;
	pt->cap = cap;
	pt->notify = NULL;
}

void poll_wait(poll_table_t *pt, wait_queue_t *wq)
{
	if (!pt)
		return;
	if (pt->n == pt->cap) {
		pt->overflow = true;	/* poll_table_sleep then polls by the tick */
		return;
	}
	poll_entry_t *e = &pt->entries[pt->n++];
	e->wq = wq;
	e->pt = pt;
	spin_lock(&sched_lock);
	list_insert_tail(&wq->pollers, &e->link);
	wq->npollers++;
	spin_unlock(&sched_lock);
}

void poll_table_rearm(poll_table_t *pt)
{
	spin_lock(&sched_lock);
	pt->triggered = false;
	spin_unlock(&sched_lock);
}

int poll_table_sleep(poll_table_t *pt, uint64_t wake_tick)
{
	if (pt->overflow && (!wake_tick || wake_tick > ticks_now() + 1))
		wake_tick = ticks_now() + 1;	/* some queue is unwatched: look again soon */
	int rc = 0;
	spin_lock(&sched_lock);
	if (!pt->triggered)
		rc = wake_tick ? sched_timed_sleep_locked(&pt->wq, wake_tick)
			       : sched_sleep_locked(&pt->wq, true);
	spin_unlock(&sched_lock);
	return rc;
}

void poll_table_release(poll_table_t *pt)
{
	spin_lock(&sched_lock);
	for (size_t i = 0; i < pt->n; i++) {
		list_remove(&pt->entries[i].link);
		pt->entries[i].wq->npollers--;
	}
	spin_unlock(&sched_lock);
	pt->n = 0;
}

void poll_wake_locked(wait_queue_t *wq)
{
	list_t *l;
	list_for_each(l, &wq->pollers) {
		poll_table_t *pt = list_entry(l, poll_entry_t, link)->pt;
		if (pt->notify) {
			pt->notify(pt);
			continue;
		}
		pt->triggered = true;
		sched_wakeup_locked(&pt->wq);
	}
}
