/* Suite "faber": thread and process lifecycle -- create, exit, join and
 * wait for hundreds; cancellation of sleeping and running threads;
 * waitpid's rules; reparenting to init; pid reuse and the process limit;
 * kill; kill_all while its victims exit and are reaped; mutex contention
 * under preemption.  The framework checks that no process, thread, frame
 * or slab object is left behind. */
#include "test/ktest.h"
#include "drivers/pit.h"
#include "proc/kmutex.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"

#define MANY_THREADS 300
#define MANY_PROCS 200

static void *return_double(long n, void *unused)
{
	return (void *)(intptr_t)(n * 2);
}

static void test_many_threads(void)
{
	static kthread_t *threads[MANY_THREADS];
	int created = 0, wrong = 0;
	for (int i = 0; i < MANY_THREADS; i++) {
		threads[i] = kthread_create(curproc, return_double, i, NULL);
		if (!threads[i])
			break;
		sched_make_runnable(threads[i]);
		created++;
	}
	KT_EQ(created, MANY_THREADS);
	for (int i = 0; i < created; i++) {
		void *ret = NULL;
		KT_EQ(kthread_join(threads[i], &ret), 0);
		wrong += (intptr_t)ret != i * 2;
	}
	KT_EQ(wrong, 0);
}

/* Starts a process whose one thread runs fn(arg1, arg2). */
static proc_t *spawn(const char *name, kthread_func_t fn, long arg1, void *arg2)
{
	int err = 0;
	proc_t *p = proc_create(name, &err);
	if (!p)
		return NULL;
	kthread_t *t = kthread_create(p, fn, arg1, arg2);
	if (!t)
		return NULL;
	sched_make_runnable(t);
	return p;
}

static void *exit_with(long code, void *unused)
{
	if (code % 2)
		proc_exit((int)code & 0xff);
	return (void *)code;	/* returning from the last thread also exits */
}

static void test_many_processes(void)
{
	static bool seen[MANY_PROCS];
	static int pids[MANY_PROCS];
	int bad_status = 0, unknown = 0;
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < MANY_PROCS; i++) {
		proc_t *p = spawn("faber-child", exit_with, i, NULL);
		KT_ASSERT(p != NULL, "spawn %d", i);
		pids[i] = p ? p->pid : -1;
	}
	for (int n = 0; n < MANY_PROCS; n++) {
		int status = -1;
		int pid = proc_waitpid(-1, &status, 0);
		int idx = -1;
		for (int i = 0; i < MANY_PROCS; i++)
			if (pids[i] == pid)
				idx = i;
		if (idx < 0 || seen[idx]) {
			unknown++;
			continue;
		}
		seen[idx] = true;
		bad_status += status != W_EXITCODE(idx & 0xff, 0);
	}
	KT_EQ(unknown, 0);
	KT_EQ(bad_status, 0);
	KT_EQ(proc_waitpid(-1, NULL, 0), -ECHILD);
}

static wait_queue_t test_wq;
static volatile int sleep_result;

static void *sleep_cancellable(long unused, void *arg)
{
	sleep_result = sched_cancellable_sleep_on(&test_wq, NULL);
	return (void *)1;
}

static void *sleep_timed(long ms, void *arg)
{
	sleep_result = sched_sleep_ms(ms);
	return (void *)2;
}

static void test_cancel_sleeping(void)
{
	wait_queue_init(&test_wq);
	sleep_result = 99;
	kthread_t *t = kthread_create(curproc, sleep_cancellable, 0, NULL);
	sched_make_runnable(t);
	sched_sleep_ms(20);
	KT_EQ(t->state, KT_SLEEP_CANCELLABLE);
	kthread_cancel(t, (void *)77);
	void *ret = NULL;
	kthread_join(t, &ret);
	KT_EQ(sleep_result, -EINTR);
	KT_EQ((intptr_t)ret, 1);	/* it returned normally after -EINTR */
	KT_ASSERT(wait_queue_empty(&test_wq), "cancelled thread still queued");

	sleep_result = 99;
	t = kthread_create(curproc, sleep_timed, 10000, NULL);
	sched_make_runnable(t);
	sched_sleep_ms(20);
	kthread_cancel(t, NULL);
	kthread_join(t, NULL);
	KT_EQ(sleep_result, -EINTR);

	/* A timed sleep that is not cancelled returns 0 after the time. */
	sleep_result = 99;
	uint64_t start = ticks_now();
	t = kthread_create(curproc, sleep_timed, 100, NULL);
	sched_make_runnable(t);
	kthread_join(t, NULL);
	KT_EQ(sleep_result, 0);
	KT_ASSERT(ticks_now() - start >= 100 * HZ / 1000,
		  "timed sleep of 100 ms ended after %llu ticks",
		  ticks_now() - start);
}

static volatile int uncancellable_result;

static void *sleep_uncancellable(long unused, void *arg)
{
	sched_sleep_on(&test_wq, NULL);
	uncancellable_result = curthr->cancelled ? 1 : 0;
	kthread_testcancel();	/* exits here with the cancel's retval */
	return (void *)5;
}

static void test_uncancellable_sleep(void)
{
	wait_queue_init(&test_wq);
	uncancellable_result = -1;
	kthread_t *t = kthread_create(curproc, sleep_uncancellable, 0, NULL);
	sched_make_runnable(t);
	sched_sleep_ms(20);
	kthread_cancel(t, (void *)66);
	sched_sleep_ms(20);
	KT_EQ(t->state, KT_SLEEP);	/* a cancel does not end this sleep */
	sched_wakeup_on(&test_wq);
	void *ret = NULL;
	kthread_join(t, &ret);
	KT_EQ(uncancellable_result, 1);
	KT_EQ((intptr_t)ret, 66);
}

static volatile unsigned long spins;

static void *spin_until_cancelled(long unused, void *arg)
{
	for (;;) {
		spins++;
		kthread_testcancel();
	}
	return NULL;
}

static void test_cancel_running(void)
{
	spins = 0;
	kthread_t *t = kthread_create(curproc, spin_until_cancelled, 0, NULL);
	sched_make_runnable(t);
	sched_sleep_ms(50);	/* preemption lets it run meanwhile */
	KT_ASSERT(spins > 0, "the spinning thread never ran");
	kthread_cancel(t, (void *)88);
	void *ret = NULL;
	kthread_join(t, &ret);
	KT_EQ((intptr_t)ret, 88);
}

static void test_waitpid_rules(void)
{
	KT_EQ(proc_waitpid(-1, NULL, 0), -ECHILD);
	KT_EQ(proc_waitpid(-1, NULL, WNOHANG), -ECHILD);
	KT_EQ(proc_waitpid(PID_IDLE, NULL, 0), -ECHILD);	/* not our child */

	wait_queue_init(&test_wq);
	proc_t *p = spawn("faber-sleeper", sleep_cancellable, 0, NULL);
	int pid = p->pid;
	sched_sleep_ms(10);
	KT_EQ(proc_waitpid(pid, NULL, WNOHANG), 0);	/* alive: nothing yet */
	KT_EQ(proc_waitpid(pid + 1000, NULL, WNOHANG), -ECHILD);
	proc_kill(p, W_EXITCODE(0, 15));
	int status = 0;
	KT_EQ(proc_waitpid(pid, &status, 0), pid);
	KT_EQ(status, W_EXITCODE(0, 15));
}

/* A parent that starts a sleeping child and exits at once. */
static volatile int orphan_pid;

static void *parent_of_orphan(long unused, void *arg)
{
	proc_t *c = spawn("faber-orphan", sleep_cancellable, 0, NULL);
	orphan_pid = c ? c->pid : -1;
	return (void *)3;
}

static void test_reparenting(void)
{
	wait_queue_init(&test_wq);
	orphan_pid = 0;
	proc_t *parent = spawn("faber-parent", parent_of_orphan, 0, NULL);
	int ppid = parent->pid, status = 0;
	KT_EQ(proc_waitpid(ppid, &status, 0), ppid);
	KT_EQ(status, W_EXITCODE(3, 0));
	KT_ASSERT(orphan_pid > 0, "parent did not start its child");
	proc_t *orphan = proc_lookup(orphan_pid);
	KT_ASSERT(orphan && orphan->parent == proc_init_proc,
		  "orphan's parent is %d, expected init",
		  orphan && orphan->parent ? orphan->parent->pid : -1);
	/* The tests run in init, so the orphan is now ours to reap. */
	if (orphan)
		proc_kill(orphan, W_EXITCODE(0, 9));
	KT_EQ(proc_waitpid(orphan_pid, &status, 0), orphan_pid);
	KT_EQ(status, W_EXITCODE(0, 9));
}

static void test_pid_reuse_and_limit(void)
{
	proc_t *p = spawn("faber-pid", exit_with, 0, NULL);
	int pid = p->pid;
	KT_EQ(proc_waitpid(pid, NULL, 0), pid);
	proc_set_next_pid(pid);
	p = spawn("faber-pid", exit_with, 0, NULL);
	KT_EQ(p->pid, pid);	/* a reaped pid is handed out again */
	KT_EQ(proc_waitpid(pid, NULL, 0), pid);

	proc_set_next_pid(PROC_MAX_PID - 1);
	p = spawn("faber-wrap", exit_with, 0, NULL);
	KT_EQ(p->pid, PROC_MAX_PID - 1);
	proc_t *q = spawn("faber-wrap", exit_with, 0, NULL);
	KT_ASSERT(q->pid > PID_INIT && q->pid < PROC_MAX_PID - 1,
		  "pid after wrap-around: %d", q->pid);
	proc_waitpid(p->pid, NULL, 0);
	proc_waitpid(q->pid, NULL, 0);

	/* Fill the table with sleepers: the next create fails with EAGAIN. */
	wait_queue_init(&test_wq);
	int made = 0, err = 0;
	for (;;) {
		proc_t *s = proc_create("faber-fill", &err);
		if (!s)
			break;
		kthread_t *t = kthread_create(s, sleep_cancellable, 0, NULL);
		sched_make_runnable(t);
		made++;
	}
	KT_EQ(err, -EAGAIN);
	KT_EQ(proc_count(), PROC_MAX_PROCS);
	KT_ASSERT(made > 0, "no process could be made");
	sched_sleep_ms(20);
	sched_broadcast_on(&test_wq);
	int reaped = 0;
	while (proc_waitpid(-1, NULL, 0) > 0)
		reaped++;
	KT_EQ(reaped, made);
}

/* proc_kill_all while some of its victims exit by themselves and another
 * thread reaps them: a victim freed by that reaper must not be touched
 * (with SLAB_DEBUG, a freed process is poisoned, so touching one
 * faults).  Even-numbered victims sleep until killed; odd ones yield a
 * few times and exit. */
#define KILL_ALL_VICTIMS 64
#define KILL_ALL_QUIT_YIELDS 3
#define KILL_ALL_DEADLINE_MS 5000

static int kill_all_pids[KILL_ALL_VICTIMS];
static int kill_all_status[KILL_ALL_VICTIMS];
static volatile int kill_all_reaped;

static void *yield_then_exit(long yields, void *unused)
{
	for (long i = 0; i < yields; i++)
		sched_yield();
	return NULL;
}

/* Runs in init beside the test: reaps the victims as they die, until
 * all are in or the deadline passes. */
static void *reap_victims(long unused, void *arg)
{
	uint64_t deadline = ticks_now() + KILL_ALL_DEADLINE_MS * HZ / 1000;
	while (kill_all_reaped < KILL_ALL_VICTIMS && ticks_now() < deadline) {
		int status = 0;
		int pid = proc_waitpid(-1, &status, WNOHANG);
		if (pid <= 0) {
			sched_yield();
			continue;
		}
		for (int i = 0; i < KILL_ALL_VICTIMS; i++)
			if (kill_all_pids[i] == pid)
				kill_all_status[i] = status;
		kill_all_reaped++;
	}
	return NULL;
}

static void test_kill_all(void)
{
	wait_queue_init(&test_wq);
	kill_all_reaped = 0;
	for (int i = 0; i < KILL_ALL_VICTIMS; i++) {
		proc_t *p = spawn("faber-victim", i % 2 ? yield_then_exit : sleep_cancellable,
				  KILL_ALL_QUIT_YIELDS, NULL);
		KT_ASSERT(p != NULL, "spawn victim %d", i);
		kill_all_pids[i] = p ? p->pid : -1;
		kill_all_status[i] = -1;
	}
	kthread_t *reaper = kthread_create(curproc, reap_victims, 0, NULL);
	sched_make_runnable(reaper);
	proc_kill_all();	/* spares idle, init and so this test and its reaper */
	kthread_join(reaper, NULL);

	KT_EQ(kill_all_reaped, KILL_ALL_VICTIMS);
	int sleepers_not_killed = 0, quitters_wrong = 0;
	for (int i = 0; i < KILL_ALL_VICTIMS; i++) {
		int st = kill_all_status[i];
		if (i % 2 == 0)
			sleepers_not_killed += st != W_EXITCODE(0, 9);
		else
			quitters_wrong += st != W_EXITCODE(0, 0) && st != W_EXITCODE(0, 9);
	}
	KT_EQ(sleepers_not_killed, 0);
	KT_EQ(quitters_wrong, 0);
	KT_ASSERT(!proc_init_proc->exiting && !curthr->cancelled, "proc_kill_all killed its caller");
	KT_EQ(proc_waitpid(-1, NULL, WNOHANG), -ECHILD);
}

static kmutex_t counter_mutex;
static volatile int counter, inside, overlap;

static void *contend(long rounds, void *arg)
{
	for (long i = 0; i < rounds; i++) {
		kmutex_lock(&counter_mutex);
		overlap += inside++ != 0;
		int v = counter;
		for (volatile int d = 0; d < 200; d++)	/* widen the window */
			;
		counter = v + 1;
		inside--;
		kmutex_unlock(&counter_mutex);
	}
	return NULL;
}

static void test_mutex_contention(void)
{
	enum { NTHREADS = 8, ROUNDS = 1500 };
	kthread_t *t[NTHREADS];
	kmutex_init(&counter_mutex, "faber counter");
	counter = inside = overlap = 0;
	for (int i = 0; i < NTHREADS; i++) {
		t[i] = kthread_create(curproc, contend, ROUNDS, NULL);
		sched_make_runnable(t[i]);
	}
	for (int i = 0; i < NTHREADS; i++)
		kthread_join(t[i], NULL);
	KT_EQ(counter, NTHREADS * ROUNDS);
	KT_EQ(overlap, 0);
	KT_ASSERT(counter_mutex.holder == NULL, "mutex still held");
}

static void faber_suite(void)
{
	test_many_threads();
	test_many_processes();
	test_cancel_sleeping();
	test_uncancellable_sleep();
	test_cancel_running();
	test_waitpid_rules();
	test_reparenting();
	test_pid_reuse_and_limit();
	test_kill_all();
	test_mutex_contention();
}
KTEST_SUITE("faber", faber_suite);
