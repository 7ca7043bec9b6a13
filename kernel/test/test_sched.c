/* Suite "scheduler": round-robin threads share the CPU fairly (each
 * within SHARE_TOLERANCE_PCT of the mean), nice -20 gets several times the
 * share of nice 19, a cooperative thread is never preempted, a real-time
 * thread runs before time-sharing ones and is not preempted by them, and
 * a sleeping thread uses no CPU. */
#include "test/ktest.h"
#include "drivers/pit.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"

#define SPINNERS 4
#define FAIR_RUN_MS 1000
#define SHARE_TOLERANCE_PCT 30
#define COOP_SPIN_TICKS 30
#define NICE_RUN_MS 1000
#define NICE_MIN_RATIO 4	/* slices of 10 and 1 ticks: about 10 */
#define RT_PRIO 5

static volatile bool stop;

static void *spin_until_stop(long unused, void *arg)
{
	while (!stop)
		;
	return NULL;
}

static void test_fair_shares(void)
{
	kthread_t *t[SPINNERS];
	stop = false;
	for (int i = 0; i < SPINNERS; i++) {
		t[i] = kthread_create(curproc, spin_until_stop, 0, NULL);
		sched_make_runnable(t[i]);
	}
	sched_sleep_ms(FAIR_RUN_MS);
	stop = true;
	uint64_t ticks[SPINNERS], total = 0;
	for (int i = 0; i < SPINNERS; i++) {
		ticks[i] = t[i]->run_ticks;
		total += ticks[i];
	}
	for (int i = 0; i < SPINNERS; i++)
		kthread_join(t[i], NULL);
	uint64_t mean = total / SPINNERS;
	KT_ASSERT(total >= (uint64_t)FAIR_RUN_MS * HZ / 1000 * 8 / 10,
		  "spinners ran %llu ticks of about %u", total, FAIR_RUN_MS * HZ / 1000);
	for (int i = 0; i < SPINNERS; i++) {
		uint64_t diff = ticks[i] > mean ? ticks[i] - mean : mean - ticks[i];
		KT_ASSERT(diff * 100 <= mean * SHARE_TOLERANCE_PCT,
			  "spinner %d ran %llu ticks, mean %llu (tolerance %d%%)",
			  i, ticks[i], mean, SHARE_TOLERANCE_PCT);
	}
}

static volatile unsigned long rr_progress;
static volatile unsigned long progress_before, progress_after, progress_after_yield;

static void *rr_counter(long unused, void *arg)
{
	while (!stop)
		rr_progress++;
	return NULL;
}

static void *coop_spinner(long unused, void *arg)
{
	progress_before = rr_progress;
	uint64_t end = ticks_now() + COOP_SPIN_TICKS;
	while (ticks_now() < end)	/* timer interrupts keep arriving */
		;
	progress_after = rr_progress;
	sched_yield();			/* an explicit yield lets others run */
	progress_after_yield = rr_progress;
	return NULL;
}

static void test_cooperative(void)
{
	stop = false;
	rr_progress = 0;
	kthread_t *rr = kthread_create(curproc, rr_counter, 0, NULL);
	sched_make_runnable(rr);
	sched_sleep_ms(30);	/* the counter is running */
	kthread_t *coop = kthread_create(curproc, coop_spinner, 0, NULL);
	sched_set_policy(coop, SCHED_POLICY_COOP);
	sched_make_runnable(coop);
	kthread_join(coop, NULL);
	stop = true;
	kthread_join(rr, NULL);
	KT_ASSERT(progress_before > 0, "round-robin counter never ran");
	KT_EQ(progress_after, progress_before);	/* not preempted for 30 ticks */
	KT_ASSERT(progress_after_yield > progress_after,
		  "yield did not let the round-robin thread run");
}

static void set_nice(kthread_t *t, int nice)
{
	sched_attrs_t a;
	sched_attrs_get(t, &a);
	a.nice = nice;
	sched_attrs_set(t, &a);
}

static void test_nice_shares(void)
{
	stop = false;
	kthread_t *hi = kthread_create(curproc, spin_until_stop, 0, NULL);
	kthread_t *lo = kthread_create(curproc, spin_until_stop, 0, NULL);
	set_nice(hi, SCHED_NICE_MIN);
	set_nice(lo, SCHED_NICE_MAX);
	sched_make_runnable(hi);
	sched_make_runnable(lo);
	sched_sleep_ms(NICE_RUN_MS);
	stop = true;
	uint64_t hi_ticks = hi->run_ticks, lo_ticks = lo->run_ticks;
	kthread_join(hi, NULL);
	kthread_join(lo, NULL);
	KT_ASSERT(lo_ticks > 0, "the nice 19 spinner never ran");
	KT_ASSERT(hi_ticks >= lo_ticks * NICE_MIN_RATIO,
		  "nice -20 ran %llu ticks, nice 19 %llu: want a ratio of at least %d",
		  hi_ticks, lo_ticks, NICE_MIN_RATIO);
}

static void *rt_spinner(long unused, void *arg)
{
	progress_before = rr_progress;
	uint64_t end = ticks_now() + COOP_SPIN_TICKS;
	while (ticks_now() < end)
		;
	progress_after = rr_progress;
	return NULL;
}

/* A FIFO thread made runnable while a time-sharing one spins takes the
 * CPU at once and keeps it for its whole run. */
static void test_realtime_first(void)
{
	stop = false;
	rr_progress = 0;
	kthread_t *rr = kthread_create(curproc, rr_counter, 0, NULL);
	sched_make_runnable(rr);
	sched_sleep_ms(30);
	kthread_t *rt = kthread_create(curproc, rt_spinner, 0, NULL);
	sched_attrs_t a;
	sched_attrs_get(rt, &a);
	a.policy = SCHED_FIFO;
	a.priority = RT_PRIO;
	sched_attrs_set(rt, &a);
	KT_EQ(rt->policy, SCHED_POLICY_RT_FIFO);
	sched_make_runnable(rt);
	kthread_join(rt, NULL);
	stop = true;
	kthread_join(rr, NULL);
	KT_ASSERT(progress_before > 0, "round-robin counter never ran");
	KT_EQ(progress_after, progress_before);	/* not preempted for 30 ticks */
}

static void *sleeper(long ms, void *arg)
{
	sched_sleep_ms(ms);
	return NULL;
}

static void test_sleepers_use_no_cpu(void)
{
	kthread_t *t = kthread_create(curproc, sleeper, 500, NULL);
	uint64_t start = ticks_now();
	sched_make_runnable(t);
	while (t->state != KT_EXITED)
		sched_sleep_ms(50);
	uint64_t elapsed = ticks_now() - start, ran = t->run_ticks;
	kthread_join(t, NULL);
	KT_ASSERT(elapsed >= 500 * HZ / 1000, "woke after %llu ticks", elapsed);
	KT_ASSERT(ran <= 1, "a sleeping thread used %llu ticks of CPU", ran);
}

static void scheduler_suite(void)
{
	test_fair_shares();
	test_nice_shares();
	test_cooperative();
	test_realtime_first();
	test_sleepers_use_no_cpu();
}
KTEST_SUITE("scheduler", scheduler_suite);
