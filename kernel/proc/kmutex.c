/*
 * Sleeping mutexes with FIFO handoff and deadlock detection.
 *
 * Everything here runs under sched_lock: the holder field, the waiters
 * queue and each thread's blocked_on pointer.  That makes the wait-for
 * graph stable while we walk it.  The walk is bounded by
 * KMUTEX_CHAIN_MAX steps, so a cycle that does not include the caller
 * (already reported when it formed) cannot make it loop forever.
 */
#include "proc/kmutex.h"
#include "proc/proc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"

#define KMUTEX_CHAIN_MAX 64

/* Both under sched_lock; the report is rewritten only when a cycle is
 * found, so it keeps the last one. */
char kmutex_deadlock_report[KMUTEX_REPORT_MAX];
int kmutex_deadlocks_detected;

void kmutex_init(kmutex_t *m, const char *name)
{
	m->name = name;
	m->holder = NULL;
	wait_queue_init(&m->waiters);
}

/* True if following m's holder, the mutex that holder is blocked on, its
 * holder, ... leads back to me.  Formats nothing: this runs on every
 * contended lock.  sched_lock held. */
static bool chain_reaches(kmutex_t *m, kthread_t *me)
{
	for (int step = 0; step < KMUTEX_CHAIN_MAX && m && m->holder; step++) {
		if (m->holder == me)
			return true;
		m = m->holder->blocked_on;
	}
	return false;
}

/* Writes the cycle chain_reaches found into kmutex_deadlock_report:
 * "deadlock: thread T (name) waits for mutex 'M' held by thread U
 * (name); ...", ending at me.  sched_lock held, so the chain is as it
 * was found. */
static void report_cycle(kmutex_t *m, kthread_t *me)
{
	char *buf = kmutex_deadlock_report;
	size_t len, cap = sizeof(kmutex_deadlock_report);
	kthread_t *t = me;

	len = snprintf(buf, cap, "deadlock:");
	for (int step = 0; step < KMUTEX_CHAIN_MAX; step++) {
		kthread_t *h = m->holder;
		if (len < cap)
			len += snprintf(buf + len, cap - len,
					" thread %d (%s) waits for mutex '%s' held by thread %d (%s)%s",
					t->tid, t->name, m->name, h->tid, h->name,
					h == me ? "" : ";");
		if (h == me)
			break;
		t = h;
		m = h->blocked_on;
	}
}

static int lock_common(kmutex_t *m, bool cancellable)
{
	KASSERT(!in_interrupt(), "kmutex '%s' locked in an interrupt handler", m->name);
	spin_lock(&sched_lock);
	kthread_t *me = curthr;
	if (m->holder == me)
		panic("kmutex '%s' locked twice by thread %d (%s)", m->name, me->tid, me->name);
	if (!m->holder) {
		m->holder = me;
		spin_unlock(&sched_lock);
		return 0;
	}
	if (cancellable && me->cancelled) {
		spin_unlock(&sched_lock);
		return -EINTR;
	}
	if (chain_reaches(m, me)) {
		report_cycle(m, me);
		kmutex_deadlocks_detected++;
		if (!cancellable)
			panic("%s", kmutex_deadlock_report);
		kprintf("kmutex: %s\n", kmutex_deadlock_report);
	}
	me->blocked_on = m;
	sched_sleep_locked(&m->waiters, cancellable);
	me->blocked_on = NULL;
	int rc = 0;
	if (m->holder != me) {	/* woken by a cancel, not a handoff */
		KASSERT(cancellable && me->cancelled, "kmutex '%s': woken without the mutex",
			m->name);
		rc = -EINTR;
	}
	spin_unlock(&sched_lock);
	return rc;
}

void kmutex_lock(kmutex_t *m)
{
	lock_common(m, false);
}

int kmutex_lock_cancellable(kmutex_t *m)
{
	return lock_common(m, true);
}

void kmutex_unlock(kmutex_t *m)
{
	spin_lock(&sched_lock);
	if (m->holder != curthr)
		panic("kmutex '%s' unlocked by thread %d (%s), but %s", m->name,
		      curthr->tid, curthr->name, m->holder ? "another thread holds it" : "nobody holds it");
	m->holder = sched_wakeup_locked(&m->waiters);	/* FIFO handoff */
	spin_unlock(&sched_lock);
}
