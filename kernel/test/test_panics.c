/* Panic suites: each proves that a kernel bug is stopped with a clear
 * message rather than corrupting memory or hanging.  They run only when
 * named (tools/run-tests.sh boots each alone and expects the panic). */
#include "test/ktest.h"
#include "mm/slab.h"
#include "proc/kmutex.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/spinlock.h"

#define OVERFLOW_FRAME_BYTES 512

static volatile int recursion_limit = 1 << 30;	/* far beyond any stack */

static int recurse(int depth)
{
	volatile char frame[OVERFLOW_FRAME_BYTES];
	frame[0] = (char)depth;
	if (depth >= recursion_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void *overflow_thread(long unused, void *arg)
{
	return (void *)(intptr_t)recurse(0);
}

static void stack_overflow_suite(void)
{
	kthread_t *t = kthread_create(curproc, overflow_thread, 0, NULL);
	sched_make_runnable(t);
	kthread_join(t, NULL);
}
KTEST_PANIC_SUITE("panic_stack_overflow", stack_overflow_suite, "kernel stack overflow");

static void slab_double_free_suite(void)
{
	slab_cache_t *c = slab_cache_create("doomed", 32, 0, SLAB_F_DEBUG);
	void *p = slab_alloc(c);
	slab_free(c, p);
	slab_free(c, p);
}
KTEST_PANIC_SUITE("panic_slab_double_free", slab_double_free_suite, "double free of object");

static void slab_use_after_free_suite(void)
{
	slab_cache_t *c = slab_cache_create("doomed", 32, 0, SLAB_F_DEBUG);
	char *p = slab_alloc(c);
	slab_free(c, p);
	p[3] = 1;
	slab_alloc(c);
}
KTEST_PANIC_SUITE("panic_slab_write_after_free", slab_use_after_free_suite, "write after free");

static kmutex_t m1, m2;

static void mutex_unlock_unheld_suite(void)
{
	kmutex_init(&m1, "never locked");
	kmutex_unlock(&m1);
}
KTEST_PANIC_SUITE("panic_mutex_unlock_unheld", mutex_unlock_unheld_suite,
		  "kmutex 'never locked' unlocked by thread");

static void mutex_relock_suite(void)
{
	kmutex_init(&m1, "twice");
	kmutex_lock(&m1);
	kmutex_lock(&m1);
}
KTEST_PANIC_SUITE("panic_mutex_relock", mutex_relock_suite, "kmutex 'twice' locked twice");

static void sleep_with_spinlock_suite(void)
{
	static spinlock_t held = SPINLOCK_INIT("held across a sleep");
	spin_lock(&held);
	sched_sleep_ms(10);
}
KTEST_PANIC_SUITE("panic_sleep_with_spinlock", sleep_with_spinlock_suite,
		  "blocking while holding 1 spinlock");

static wait_queue_t never_woken;

static void *sleep_forever(long unused, void *arg)
{
	sched_sleep_on(&never_woken, NULL);
	return NULL;
}

/* sched_make_runnable only starts new threads; a sleeper handed to it
 * would be on its wait queue and the run queue at once. */
static void make_runnable_sleeper_suite(void)
{
	wait_queue_init(&never_woken);
	kthread_t *t = kthread_create(curproc, sleep_forever, 0, NULL);
	sched_make_runnable(t);
	sched_sleep_ms(20);
	sched_make_runnable(t);
}
KTEST_PANIC_SUITE("panic_make_runnable_sleeper", make_runnable_sleeper_suite,
		  "is not a new thread");

static void *lock_pair(long which, void *arg)
{
	kmutex_lock(which ? &m2 : &m1);
	sched_sleep_ms(30);
	kmutex_lock(which ? &m1 : &m2);	/* not cancellable: a real deadlock */
	return NULL;
}

static void deadlock_uncancellable_suite(void)
{
	kmutex_init(&m1, "first");
	kmutex_init(&m2, "second");
	kthread_t *a = kthread_create(curproc, lock_pair, 0, NULL);
	kthread_t *b = kthread_create(curproc, lock_pair, 1, NULL);
	sched_make_runnable(a);
	sched_make_runnable(b);
	kthread_join(a, NULL);
}
KTEST_PANIC_SUITE("panic_deadlock", deadlock_uncancellable_suite, "deadlock: thread");
