/* Suites "sunghan" and "sunghan_deadlock".
 *
 * sunghan: several producers and consumers share a bounded buffer guarded
 * by a kmutex and two condition variables, under preemption; every item
 * produced is consumed exactly once (counts and sums are checked).
 *
 * sunghan_deadlock: two threads take two mutexes in opposite orders.  The
 * kernel must report the wait-for cycle (naming both threads and both
 * mutexes); the test then cancels the threads, whose cancellable locks
 * return -EINTR, and the run ends instead of hanging.  A later contended
 * lock without a cycle must leave that report as it was. */
#include "test/ktest.h"
#include "drivers/pit.h"
#include "proc/kcond.h"
#include "proc/kmutex.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define BUF_SLOTS 16
#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS_PER_PRODUCER 2000
#define TOTAL_ITEMS (PRODUCERS * ITEMS_PER_PRODUCER)

static struct {
	kmutex_t lock;
	kcond_t not_full, not_empty;
	int items[BUF_SLOTS];
	int head, count;
	int produced_left;	/* items still to be taken by consumers */
} bb;

static volatile uint64_t consumed_sum[CONSUMERS];
static volatile int consumed_count[CONSUMERS];

static void *producer(long id, void *arg)
{
	for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
		kmutex_lock(&bb.lock);
		while (bb.count == BUF_SLOTS)
			kcond_wait(&bb.not_full, &bb.lock);
		bb.items[(bb.head + bb.count++) % BUF_SLOTS] = (int)id * ITEMS_PER_PRODUCER + i + 1;
		kcond_signal(&bb.not_empty);
		kmutex_unlock(&bb.lock);
	}
	return NULL;
}

static void *consumer(long id, void *arg)
{
	for (;;) {
		kmutex_lock(&bb.lock);
		while (bb.count == 0 && bb.produced_left > 0)
			kcond_wait(&bb.not_empty, &bb.lock);
		if (bb.produced_left == 0) {
			kmutex_unlock(&bb.lock);
			return NULL;
		}
		int v = bb.items[bb.head];
		bb.head = (bb.head + 1) % BUF_SLOTS;
		bb.count--;
		if (--bb.produced_left == 0)
			kcond_broadcast(&bb.not_empty);	/* release the others */
		kcond_signal(&bb.not_full);
		kmutex_unlock(&bb.lock);
		consumed_sum[id] += v;
		consumed_count[id]++;
	}
}

static void sunghan_suite(void)
{
	kthread_t *threads[PRODUCERS + CONSUMERS];
	kmutex_init(&bb.lock, "bounded buffer");
	kcond_init(&bb.not_full, "buffer not full");
	kcond_init(&bb.not_empty, "buffer not empty");
	bb.head = bb.count = 0;
	bb.produced_left = TOTAL_ITEMS;
	for (int i = 0; i < CONSUMERS; i++) {
		consumed_sum[i] = 0;
		consumed_count[i] = 0;
		threads[i] = kthread_create(curproc, consumer, i, NULL);
	}
	for (int i = 0; i < PRODUCERS; i++)
		threads[CONSUMERS + i] = kthread_create(curproc, producer, i, NULL);
	for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
		sched_make_runnable(threads[i]);
	for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
		kthread_join(threads[i], NULL);

	uint64_t sum = 0;
	int count = 0, idle_consumers = 0;
	for (int i = 0; i < CONSUMERS; i++) {
		sum += consumed_sum[i];
		count += consumed_count[i];
		idle_consumers += consumed_count[i] == 0;
	}
	KT_EQ(count, TOTAL_ITEMS);
	KT_EQ(sum, (uint64_t)TOTAL_ITEMS * (TOTAL_ITEMS + 1) / 2);
	KT_EQ(bb.count, 0);
	KT_ASSERT(idle_consumers < CONSUMERS, "no consumer consumed anything");
}
KTEST_SUITE("sunghan", sunghan_suite);

static kmutex_t mutex_a, mutex_b;
static volatile int lock_results[2];

static void *take_in_order(long which, void *arg)
{
	kmutex_t *first = which ? &mutex_b : &mutex_a;
	kmutex_t *second = which ? &mutex_a : &mutex_b;
	kmutex_lock(first);
	sched_sleep_ms(30);	/* let the other thread take its first mutex */
	int rc = kmutex_lock_cancellable(second);
	lock_results[which] = rc;
	if (rc == 0)
		kmutex_unlock(second);
	kmutex_unlock(first);
	return NULL;
}

static bool report_mentions(const char *what)
{
	size_t n = strlen(what);
	for (const char *p = kmutex_deadlock_report; *p; p++)
		if (strncmp(p, what, n) == 0)
			return true;
	return false;
}

static kmutex_t mutex_c;

static void *lock_c(long unused, void *arg)
{
	kmutex_lock(&mutex_c);
	kmutex_unlock(&mutex_c);
	return NULL;
}

/* A thread blocks on a mutex this thread holds: the deadlock check runs
 * and finds no cycle; the last report must survive it. */
static void check_report_kept(const char *report)
{
	kmutex_init(&mutex_c, "mutex C");
	kmutex_lock(&mutex_c);
	kthread_t *t = kthread_create(curproc, lock_c, 0, NULL);
	sched_make_runnable(t);
	for (int waited = 0; wait_queue_empty(&mutex_c.waiters) && waited < 2000; waited += 10)
		sched_sleep_ms(10);
	KT_ASSERT(!wait_queue_empty(&mutex_c.waiters), "the second locker never blocked");
	KT_ASSERT(strcmp(kmutex_deadlock_report, report) == 0,
		  "a lock without a cycle changed the report from \"%s\" to \"%s\"", report,
		  kmutex_deadlock_report);
	kmutex_unlock(&mutex_c);
	kthread_join(t, NULL);
}

static void sunghan_deadlock_suite(void)
{
	static char report[KMUTEX_REPORT_MAX];
	kmutex_init(&mutex_a, "mutex A");
	kmutex_init(&mutex_b, "mutex B");
	int before = kmutex_deadlocks_detected;
	lock_results[0] = lock_results[1] = 1;
	kthread_t *t0 = kthread_create(curproc, take_in_order, 0, NULL);
	kthread_t *t1 = kthread_create(curproc, take_in_order, 1, NULL);
	sched_make_runnable(t0);
	sched_make_runnable(t1);

	for (int waited = 0; kmutex_deadlocks_detected == before && waited < 2000; waited += 10)
		sched_sleep_ms(10);
	KT_EQ(kmutex_deadlocks_detected, before + 1);
	char tid0[16], tid1[16];
	snprintf(tid0, sizeof(tid0), "thread %d ", t0->tid);
	snprintf(tid1, sizeof(tid1), "thread %d ", t1->tid);
	KT_ASSERT(report_mentions("mutex A") && report_mentions("mutex B") &&
		  report_mentions(tid0) && report_mentions(tid1),
		  "report does not name both threads and mutexes: %s", kmutex_deadlock_report);
	strlcpy(report, kmutex_deadlock_report, sizeof(report));

	/* Recover: cancel both.  t0's lock attempt returns -EINTR; t1's does
	 * too, unless t0 ran first and handed mutex A to it before t1's
	 * cancel arrived -- either way both finish. */
	kthread_cancel(t0, NULL);
	kthread_cancel(t1, NULL);
	kthread_join(t0, NULL);
	kthread_join(t1, NULL);
	KT_EQ(lock_results[0], -EINTR);
	KT_ASSERT(lock_results[1] == -EINTR || lock_results[1] == 0,
		  "second thread's lock returned %d", lock_results[1]);
	KT_ASSERT(mutex_a.holder == NULL && mutex_b.holder == NULL,
		  "mutexes still held after recovery");
	check_report_kept(report);
	KT_EQ(kmutex_deadlocks_detected, before + 1);
}
KTEST_SUITE("sunghan_deadlock", sunghan_deadlock_suite);
