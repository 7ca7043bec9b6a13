/*
 * t_pthread: POSIX threads through glibc, as an application uses them,
 * checked against POSIX.1-2017 and the Linux man pages: the calls' return
 * values and error numbers, and what the threads see.
 *
 *   - create/join pass values through; detach (join is then EINVAL);
 *     self/equal; pthread_exit from a thread and from main (the process
 *     lives on until its last thread ends)
 *   - deferred cancellation at sleep, a pipe read, pthread_cond_wait and
 *     pthread_testcancel, with cleanup handlers; disabled cancellation
 *   - mutexes: NORMAL, ERRORCHECK (EDEADLK, EPERM), RECURSIVE, trylock
 *     EBUSY, timedlock ETIMEDOUT, process-shared in MAP_SHARED memory,
 *     robust (the owner thread or process dies: EOWNERDEAD, consistent)
 *   - condition variables: signal, broadcast, timedwait on REALTIME and
 *     MONOTONIC, a producer/consumer that loses no wake-up
 *   - rwlocks, barriers, spinlocks, pthread_once, thread-specific data
 *     with destructors, __thread variables
 *   - signals: pthread_kill to a chosen thread, sigwait in a dedicated
 *     thread, per-thread masks choosing the thread that takes a
 *     process-directed signal
 *   - per-thread affinity and CPU-time clocks
 *   - stress: 64 threads on one mutex, a condvar token ring, 300 threads
 *     created and joined (runall's leak check follows)
 */
#include "utest.h"

#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define WAIT_MS 10000	/* the longest any handshake may take under TCG */

/* Why a few checks cannot pass under qemu-i386 (7.2): it aborts when a
 * forked child of a process that has run threads makes a thread. */
#define QEMU_FORKED_THREADS "qemu-i386 aborts (a plugin assertion) when a forked child " \
	"of a process that has run threads makes one"

static pid_t tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Spins (yielding) until *p == want or ms pass; 1 if it got there. */
static int wait_for(volatile int *p, int want, long ms)
{
	long long end = ut_now_ms() + ms;
	while (__atomic_load_n(p, __ATOMIC_SEQ_CST) != want) {
		if (ut_now_ms() > end)
			return 0;
		sched_yield();
		ut_sleep_ms(1);
	}
	return 1;
}

static struct timespec abs_after(clockid_t clock, long ms)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* ---- create, join, detach, self, exit ---- */

static pthread_t main_thread;

static void *ret_arg_plus_one(void *arg)
{
	return (void *)((intptr_t)arg + 1);
}

static void *exit_with_arg(void *arg)
{
	pthread_exit((void *)((intptr_t)arg * 2));
	return NULL;
}

static volatile int self_ok;
static pthread_t self_handle;
static sem_t detach_sem;

static void *check_self(void *unused)
{
	(void)unused;
	sem_wait(&detach_sem);	/* self_handle is stored */
	pthread_t me = pthread_self();
	self_ok = pthread_equal(me, self_handle) && !pthread_equal(me, main_thread);
	return NULL;
}

static void *wait_on_sem(void *unused)
{
	(void)unused;
	sem_wait(&detach_sem);
	return NULL;
}

static void test_create_join(void)
{
	pthread_t th;
	void *r = NULL;
	UT_CHECK(pthread_create(&th, NULL, ret_arg_plus_one, (void *)41) == 0, "create");
	UT_CHECK(pthread_join(th, &r) == 0 && r == (void *)42,
		 "join gives the return value 42: %p", r);
	UT_CHECK(pthread_create(&th, NULL, exit_with_arg, (void *)21) == 0, "create");
	UT_CHECK(pthread_join(th, &r) == 0 && r == (void *)42,
		 "join gives pthread_exit's value 42: %p", r);

	UT_CHECK(pthread_equal(pthread_self(), main_thread), "pthread_self in main");
	sem_init(&detach_sem, 0, 0);
	UT_CHECK(pthread_create(&self_handle, NULL, check_self, NULL) == 0, "create");
	sem_post(&detach_sem);
	pthread_join(self_handle, NULL);
	UT_CHECK(self_ok, "pthread_self in a thread equals its handle, not main's");
	UT_CHECK(pthread_join(pthread_self(), NULL) == EDEADLK, "joining oneself is EDEADLK");

	UT_CHECK(pthread_create(&th, NULL, wait_on_sem, NULL) == 0, "create");
	UT_CHECK(pthread_detach(th) == 0, "detach");
	UT_CHECK(pthread_join(th, NULL) == EINVAL, "join of a detached thread is EINVAL");
	UT_CHECK(pthread_detach(th) == EINVAL, "detaching twice is EINVAL");
	sem_post(&detach_sem);

	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	UT_CHECK(pthread_create(&th, &a, wait_on_sem, NULL) == 0, "create detached");
	int ds = -1;
	pthread_attr_t got;
	if (pthread_getattr_np(th, &got) == 0) {
		pthread_attr_getdetachstate(&got, &ds);
		pthread_attr_destroy(&got);
	}
	UT_CHECK(ds == PTHREAD_CREATE_DETACHED, "created detached: state %d", ds);
	UT_CHECK(pthread_join(th, NULL) == EINVAL, "join of a thread created detached");
	sem_post(&detach_sem);
	pthread_attr_destroy(&a);
}

static int exit_pipe[2];

static void *late_writer(void *unused)
{
	(void)unused;
	ut_sleep_ms(200);
	if (write(exit_pipe[1], "L", 1) != 1)
		_exit(3);
	return NULL;
}

static void child_main_exits(void *unused)
{
	(void)unused;
	pthread_t th;
	if (pthread_create(&th, NULL, late_writer, NULL) != 0)
		_exit(2);
	pthread_exit(NULL);
}

static void test_main_exit(void)
{
	if (pipe(exit_pipe) < 0) {
		UT_CHECK(0, "pipe: %s", strerror(errno));
		return;
	}
	int st = ut_run_child(child_main_exits, NULL);
	close(exit_pipe[1]);
	char c = 0;
	UT_CHECK_EMU(read(exit_pipe[0], &c, 1) == 1 && c == 'L', QEMU_FORKED_THREADS,
		     "after main's pthread_exit the other thread still runs");
	UT_CHECK_EMU(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, QEMU_FORKED_THREADS,
		     "the process ends with its last thread, status 0: %s", ut_status_str(st));
	close(exit_pipe[0]);
}

/* exit() from a second thread ends the process, with the main thread
 * blocked in pthread_join meanwhile. */
static void *sleep_long(void *unused)
{
	(void)unused;
	ut_sleep_ms(20000);
	return NULL;
}

static void *exit_five(void *unused)
{
	(void)unused;
	ut_sleep_ms(50);
	exit(5);
}

static void child_thread_exits(void *unused)
{
	(void)unused;
	pthread_t a, b;
	if (pthread_create(&a, NULL, sleep_long, NULL) != 0 ||
	    pthread_create(&b, NULL, exit_five, NULL) != 0)
		_exit(2);
	pthread_join(a, NULL);
	_exit(3);
}

static void test_thread_exit_ends_process(void)
{
	long long t0 = ut_now_ms();
	int st = ut_run_child(child_thread_exits, NULL);
	long long dt = ut_now_ms() - t0;
	UT_CHECK_EMU(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 5 && dt < 10000,
		     QEMU_FORKED_THREADS, "exit(5) in a second thread ends the process at once "
		     "(%s after %lld ms)", ut_status_str(st), dt);
}

/* fork in a process of several threads: the child holds only the caller,
 * with the atfork handlers run on both sides, and may make threads. */
static volatile int atfork_prepare, atfork_parent, atfork_child, spinners_stop;
static void on_prepare(void) { atfork_prepare++; }
static void on_parent(void) { atfork_parent++; }
static void on_child(void) { atfork_child++; }

static void *spin_until_told(void *unused)
{
	(void)unused;
	while (!__atomic_load_n(&spinners_stop, __ATOMIC_SEQ_CST))
		sched_yield();
	return NULL;
}

static void test_fork_threaded(void)
{
	pthread_atfork(on_prepare, on_parent, on_child);
	pthread_t spinners[3];
	spinners_stop = 0;
	for (int i = 0; i < 3; i++)
		pthread_create(&spinners[i], NULL, spin_until_told, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int code = 0;
		if (atfork_child != 1 || atfork_prepare != 1)
			code = 1;
		else if (tid() != getpid())
			code = 2;
		else {
			pthread_t th;
			void *r = NULL;
			if (pthread_create(&th, NULL, ret_arg_plus_one, (void *)6) != 0 ||
			    pthread_join(th, &r) != 0 || r != (void *)7)
				code = 3;
		}
		_exit(code);	/* the spinners were not copied: nothing keeps us */
	}
	int st = -1;
	ut_wait(pid, &st, 60000);
	UT_CHECK_EMU(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, QEMU_FORKED_THREADS,
		     "a child forked by one of four threads has one thread, runs the child "
		     "atfork handler and makes threads: %s", ut_status_str(st));
	UT_CHECK(atfork_prepare == 1 && atfork_parent == 1 && atfork_child == 0,
		 "the prepare and parent handlers ran in the parent (%d, %d, %d)",
		 atfork_prepare, atfork_parent, atfork_child);
	spinners_stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(spinners[i], NULL);
}

/* A stack the caller supplies (pthread_attr_setstack). */
static void *where_am_i(void *unused)
{
	(void)unused;
	return __builtin_frame_address(0);
}

static void test_own_stack(void)
{
	enum { SIZE = 256 * 1024 };
	void *stack = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_attr_t a;
	pthread_attr_init(&a);
	UT_CHECK(pthread_attr_setstack(&a, stack, SIZE) == 0, "attr_setstack");
	pthread_t th;
	void *r = NULL;
	UT_CHECK(pthread_create(&th, &a, where_am_i, NULL) == 0 && pthread_join(th, &r) == 0,
		 "a thread on a stack of our own");
	UT_CHECK((char *)r >= (char *)stack && (char *)r < (char *)stack + SIZE,
		 "it ran on that stack (%p in %p+%d)", r, stack, SIZE);
	pthread_attr_destroy(&a);
	munmap(stack, SIZE);
}

/* ---- cancellation ---- */

static volatile int cleanups, cancel_ready;
static int cancel_pipe[2];
static pthread_mutex_t cmx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ccv = PTHREAD_COND_INITIALIZER;
static volatile int mutex_held_in_cleanup;

static void count_cleanup(void *arg)
{
	__atomic_add_fetch(&cleanups, (int)(intptr_t)arg, __ATOMIC_SEQ_CST);
}

static void unlock_cleanup(void *m)
{
	mutex_held_in_cleanup = pthread_mutex_trylock(m) == EBUSY;
	pthread_mutex_unlock(m);
}

enum { AT_SLEEP, AT_READ, AT_CONDWAIT, AT_TESTCANCEL };

static void *cancellee(void *arg)
{
	int where = (int)(intptr_t)arg;
	char c;
	pthread_cleanup_push(count_cleanup, (void *)1);
	pthread_cleanup_push(count_cleanup, (void *)10);
	switch (where) {
	case AT_SLEEP:
		cancel_ready = 1;
		sleep(20);
		break;
	case AT_READ:
		cancel_ready = 1;
		if (read(cancel_pipe[0], &c, 1) < 0)
			return (void *)1;
		break;
	case AT_CONDWAIT:
		pthread_mutex_lock(&cmx);
		pthread_cleanup_push(unlock_cleanup, &cmx);
		cancel_ready = 1;
		for (;;)
			pthread_cond_wait(&ccv, &cmx);
		pthread_cleanup_pop(0);
		break;
	case AT_TESTCANCEL:
		cancel_ready = 1;
		for (;;)
			pthread_testcancel();
		break;
	}
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return (void *)2;
}

static const char *const cancel_names[] = { "sleep", "read on a pipe",
	"pthread_cond_wait", "pthread_testcancel" };

static void test_cancel_at(int where)
{
	pthread_t th;
	cleanups = 0;
	cancel_ready = 0;
	mutex_held_in_cleanup = 0;
	if (pthread_create(&th, NULL, cancellee, (void *)(intptr_t)where) != 0) {
		UT_CHECK(0, "create for cancel at %s", cancel_names[where]);
		return;
	}
	wait_for(&cancel_ready, 1, WAIT_MS);
	ut_sleep_ms(50);	/* let it block */
	UT_CHECK(pthread_cancel(th) == 0, "pthread_cancel");
	void *r = NULL;
	UT_CHECK(pthread_join(th, &r) == 0 && r == PTHREAD_CANCELED,
		 "cancelled at %s: join gives PTHREAD_CANCELED (%p)", cancel_names[where], r);
	UT_CHECK(cleanups == 11, "cancelled at %s: both cleanup handlers ran (%d)",
		 cancel_names[where], cleanups);
	if (where == AT_CONDWAIT) {
		UT_CHECK(mutex_held_in_cleanup, "cancelled in cond_wait: the mutex is held again "
			 "when the cleanup handler runs");
		UT_CHECK(pthread_mutex_trylock(&cmx) == 0, "and the handler's unlock freed it");
		pthread_mutex_unlock(&cmx);
	}
}

static volatile int cancel_disabled_done;

static void *disabled_cancellee(void *unused)
{
	(void)unused;
	int old;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	cancel_ready = 1;
	ut_sleep_ms(200);	/* a cancellation point, but disabled */
	cancel_disabled_done = 1;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel();	/* acts on the pending request now */
	return (void *)3;
}

static volatile unsigned long async_spins;

static void *async_cancellee(void *unused)
{
	(void)unused;
	int old;
	pthread_cleanup_push(count_cleanup, (void *)100);
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	cancel_ready = 1;
	for (;;)
		async_spins++;	/* no cancellation point: the signal interrupts it */
	pthread_cleanup_pop(0);
	return NULL;
}

static void test_cancel_async(void)
{
	pthread_t th;
	cleanups = 0;
	cancel_ready = 0;
	pthread_create(&th, NULL, async_cancellee, NULL);
	wait_for(&cancel_ready, 1, WAIT_MS);
	ut_sleep_ms(20);
	pthread_cancel(th);
	void *r = NULL;
	UT_CHECK(pthread_join(th, &r) == 0 && r == PTHREAD_CANCELED && cleanups == 100,
		 "asynchronous cancellation of a computing thread: %p, cleanups %d", r, cleanups);
}

static void test_cancel(void)
{
	if (pipe(cancel_pipe) < 0) {
		UT_CHECK(0, "pipe: %s", strerror(errno));
		return;
	}
	for (int w = AT_SLEEP; w <= AT_TESTCANCEL; w++)
		test_cancel_at(w);
	close(cancel_pipe[0]);
	close(cancel_pipe[1]);

	pthread_t th;
	cancel_ready = 0;
	pthread_create(&th, NULL, disabled_cancellee, NULL);
	wait_for(&cancel_ready, 1, WAIT_MS);
	pthread_cancel(th);
	void *r = NULL;
	pthread_join(th, &r);
	UT_CHECK(cancel_disabled_done && r == PTHREAD_CANCELED,
		 "a request while cancellation is disabled waits until it is enabled (%d, %p)",
		 cancel_disabled_done, r);
	test_cancel_async();
}

/* ---- mutexes ---- */

static pthread_mutex_t tmx;
static volatile int other_rc;

static void *other_trylock(void *unused)
{
	(void)unused;
	int rc = pthread_mutex_trylock(&tmx);
	if (rc == 0)
		pthread_mutex_unlock(&tmx);
	other_rc = rc;
	return NULL;
}

static void *other_unlock(void *unused)
{
	(void)unused;
	other_rc = pthread_mutex_unlock(&tmx);
	return NULL;
}

static int in_other_thread(void *(*fn)(void *))
{
	pthread_t th;
	other_rc = -1;
	if (pthread_create(&th, NULL, fn, NULL) != 0)
		return -1;
	pthread_join(th, NULL);
	return other_rc;
}

static void init_mutex(pthread_mutex_t *m, int type)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, type);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
}

static void test_mutex_types(void)
{
	init_mutex(&tmx, PTHREAD_MUTEX_NORMAL);
	UT_CHECK(pthread_mutex_lock(&tmx) == 0, "NORMAL lock");
	UT_CHECK(pthread_mutex_trylock(&tmx) == EBUSY, "NORMAL trylock by the owner: EBUSY");
	UT_CHECK(in_other_thread(other_trylock) == EBUSY, "NORMAL trylock by another: EBUSY");
	UT_CHECK(pthread_mutex_unlock(&tmx) == 0, "NORMAL unlock");
	UT_CHECK(in_other_thread(other_trylock) == 0, "NORMAL trylock once free");
	pthread_mutex_destroy(&tmx);

	init_mutex(&tmx, PTHREAD_MUTEX_ERRORCHECK);
	UT_CHECK(pthread_mutex_unlock(&tmx) == EPERM, "ERRORCHECK unlock while unlocked: EPERM");
	UT_CHECK(pthread_mutex_lock(&tmx) == 0, "ERRORCHECK lock");
	UT_CHECK(pthread_mutex_lock(&tmx) == EDEADLK, "ERRORCHECK relock: EDEADLK");
	UT_CHECK(in_other_thread(other_unlock) == EPERM, "ERRORCHECK unlock by a non-owner: EPERM");
	UT_CHECK(in_other_thread(other_trylock) == EBUSY, "ERRORCHECK still held: EBUSY");
	UT_CHECK(pthread_mutex_unlock(&tmx) == 0, "ERRORCHECK unlock by the owner");
	pthread_mutex_destroy(&tmx);

	init_mutex(&tmx, PTHREAD_MUTEX_RECURSIVE);
	int ok = 1;
	for (int i = 0; i < 3; i++)
		ok &= pthread_mutex_lock(&tmx) == 0;
	ok &= pthread_mutex_trylock(&tmx) == 0;
	UT_CHECK(ok, "RECURSIVE: locked 4 times by its owner");
	int busy = 0;
	for (int i = 0; i < 4; i++) {
		busy += in_other_thread(other_trylock) == EBUSY;
		pthread_mutex_unlock(&tmx);
	}
	UT_CHECK(busy == 4, "RECURSIVE: busy for others until the 4th unlock (%d)", busy);
	UT_CHECK(in_other_thread(other_trylock) == 0, "RECURSIVE: free after 4 unlocks");
	UT_CHECK(in_other_thread(other_unlock) == EPERM, "RECURSIVE unlock by a non-owner: EPERM");
	pthread_mutex_destroy(&tmx);
}

static void *hold_tmx(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&tmx);
	cancel_ready = 1;
	wait_for(&cancel_ready, 2, WAIT_MS);
	pthread_mutex_unlock(&tmx);
	return NULL;
}

static void test_timedlock(void)
{
	init_mutex(&tmx, PTHREAD_MUTEX_NORMAL);
	pthread_t th;
	cancel_ready = 0;
	pthread_create(&th, NULL, hold_tmx, NULL);
	wait_for(&cancel_ready, 1, WAIT_MS);
	long long t0 = ut_now_ms();
	struct timespec ts = abs_after(CLOCK_REALTIME, 200);
	int rc = pthread_mutex_timedlock(&tmx, &ts);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(rc == ETIMEDOUT, "timedlock on a held mutex: ETIMEDOUT (%d)", rc);
	UT_CHECK(dt >= 190 && dt < 3000, "timedlock waited 200 ms: %lld ms", dt);
	ts.tv_nsec = 1000000000L;
	UT_CHECK(pthread_mutex_timedlock(&tmx, &ts) == EINVAL,
		 "timedlock with tv_nsec 1e9 on a held mutex: EINVAL");
	t0 = ut_now_ms();
	ts = abs_after(CLOCK_MONOTONIC, 100);
	rc = pthread_mutex_clocklock(&tmx, CLOCK_MONOTONIC, &ts);
	dt = ut_now_ms() - t0;
	UT_CHECK(rc == ETIMEDOUT && dt >= 90, "clocklock on MONOTONIC: ETIMEDOUT after 100 ms "
		 "(%d, %lld ms)", rc, dt);
	cancel_ready = 2;
	ts = abs_after(CLOCK_REALTIME, WAIT_MS);
	UT_CHECK(pthread_mutex_timedlock(&tmx, &ts) == 0, "timedlock gets it once released");
	pthread_mutex_unlock(&tmx);
	pthread_join(th, NULL);
	pthread_mutex_destroy(&tmx);
}

struct shared_area {
	pthread_mutex_t mx;
	pthread_cond_t cv;
	int counter;
	int turn;
	pthread_mutex_t robust;
};

#define PSHARED_ROUNDS 2000
#define PSHARED_HANDOFFS 200

static void pshared_work(struct shared_area *s, int me)
{
	for (int i = 0; i < PSHARED_ROUNDS; i++) {
		pthread_mutex_lock(&s->mx);
		int v = s->counter;
		if ((i & 63) == 0)
			sched_yield();
		s->counter = v + 1;
		pthread_mutex_unlock(&s->mx);
	}
	for (int i = 0; i < PSHARED_HANDOFFS; i++) {
		pthread_mutex_lock(&s->mx);
		while (s->turn != me)
			pthread_cond_wait(&s->cv, &s->mx);
		s->turn = !me;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mx);
	}
}

static void test_pshared(void)
{
	struct shared_area *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED) {
		UT_CHECK(0, "mmap: %s", strerror(errno));
		return;
	}
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	UT_CHECK(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0, "setpshared");
	pthread_mutex_init(&s->mx, &ma);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_cond_init(&s->cv, &ca);
	s->counter = 0;
	s->turn = 0;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		pshared_work(s, 1);
		_exit(0);
	}
	pshared_work(s, 0);
	int st = -1;
	ut_wait(pid, &st, 60000);
	UT_CHECK_EXITED(st, 0, "the child sharing the mutex");
	UT_CHECK(s->counter == 2 * PSHARED_ROUNDS,
		 "process-shared mutex: no lost increment (%d of %d)", s->counter,
		 2 * PSHARED_ROUNDS);
	UT_CHECK(s->turn == 0, "process-shared condvar: %d handoffs each way ended in turn",
		 PSHARED_HANDOFFS);

	/* A robust process-shared mutex whose owning process dies. */
	if (ut_emulated()) {
		UT_SKIP("a robust mutex whose owner process died: qemu-i386 refuses "
			"set_robust_list, so nobody marks it (the locker would wait forever)");
		goto out;
	}
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	int rc = pthread_mutex_init(&s->robust, &ma);
	UT_CHECK(rc == 0, "robust pshared mutex_init: %d", rc);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&s->robust);
		_exit(0);
	}
	ut_wait(pid, &st, 60000);
	rc = pthread_mutex_lock(&s->robust);
	UT_CHECK(rc == EOWNERDEAD, "a robust mutex whose owner process died: EOWNERDEAD (%d)", rc);
	if (rc == EOWNERDEAD)
		UT_CHECK(pthread_mutex_consistent(&s->robust) == 0, "mutex_consistent");
	UT_CHECK(pthread_mutex_unlock(&s->robust) == 0, "unlock");
	UT_CHECK(pthread_mutex_lock(&s->robust) == 0, "then it locks normally");
	pthread_mutex_unlock(&s->robust);
out:
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_destroy(&ca);
	munmap(s, sizeof(*s));
}

static pthread_mutex_t rmx;

static void *lock_and_die(void *arg)
{
	pthread_mutex_lock(&rmx);
	cancel_ready = 1;
	if (arg)
		ut_sleep_ms(150);	/* the main thread is blocked on it meanwhile */
	return NULL;
}

static void robust_case(int with_waiter)
{
	const char *how = with_waiter ? "with a waiter" : "unwatched";
	pthread_t th;
	cancel_ready = 0;
	pthread_create(&th, NULL, lock_and_die, (void *)(intptr_t)with_waiter);
	if (!with_waiter)
		pthread_join(th, NULL);
	else
		wait_for(&cancel_ready, 1, WAIT_MS);
	int rc = pthread_mutex_lock(&rmx);
	UT_CHECK(rc == EOWNERDEAD, "robust mutex, owner thread exited %s: EOWNERDEAD (%d)",
		 how, rc);
	if (with_waiter)
		pthread_join(th, NULL);
	UT_CHECK(pthread_mutex_consistent(&rmx) == 0, "mutex_consistent (%s)", how);
	UT_CHECK(pthread_mutex_unlock(&rmx) == 0, "unlock (%s)", how);
	UT_CHECK(pthread_mutex_lock(&rmx) == 0, "locks normally again (%s)", how);
	pthread_mutex_unlock(&rmx);
}

static void test_robust(void)
{
	if (ut_emulated()) {
		UT_SKIP("robust mutexes whose owner thread exits: qemu-i386 refuses "
			"set_robust_list, so nobody marks them (the locker would wait forever)");
		return;
	}
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	int rc = pthread_mutex_init(&rmx, &a);
	pthread_mutexattr_destroy(&a);
	if (!UT_CHECK(rc == 0, "robust mutex_init: %d", rc))
		return;
	robust_case(0);
	robust_case(1);

	/* Not made consistent: unusable after the unlock. */
	pthread_t th;
	pthread_create(&th, NULL, lock_and_die, NULL);
	pthread_join(th, NULL);
	rc = pthread_mutex_lock(&rmx);
	UT_CHECK(rc == EOWNERDEAD, "EOWNERDEAD again (%d)", rc);
	pthread_mutex_unlock(&rmx);
	rc = pthread_mutex_lock(&rmx);
	UT_CHECK(rc == ENOTRECOVERABLE, "unlocked without consistent: ENOTRECOVERABLE (%d)", rc);
	pthread_mutex_destroy(&rmx);
}

/* ---- condition variables ---- */

static pthread_mutex_t cv_mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_tokens, cv_woken, cv_waiting;

static void *cv_waiter(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&cv_mx);
	cv_waiting++;
	while (cv_tokens == 0)
		pthread_cond_wait(&cv, &cv_mx);
	cv_tokens--;
	cv_woken++;
	pthread_mutex_unlock(&cv_mx);
	return NULL;
}

static int cv_count(int *p)
{
	pthread_mutex_lock(&cv_mx);
	int v = *p;
	pthread_mutex_unlock(&cv_mx);
	return v;
}

static int cv_wait_count(int *p, int want)
{
	long long end = ut_now_ms() + WAIT_MS;
	while (cv_count(p) != want && ut_now_ms() < end)
		ut_sleep_ms(2);
	return cv_count(p);
}

static void test_cond_signal_broadcast(void)
{
	enum { N = 4 };
	pthread_t th[N];
	cv_tokens = cv_woken = cv_waiting = 0;
	for (int i = 0; i < N; i++)
		pthread_create(&th[i], NULL, cv_waiter, NULL);
	cv_wait_count(&cv_waiting, N);
	ut_sleep_ms(50);
	pthread_mutex_lock(&cv_mx);
	cv_tokens = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&cv_mx);
	int w = cv_wait_count(&cv_woken, 1);
	ut_sleep_ms(100);
	w = cv_count(&cv_woken);
	UT_CHECK(w == 1, "cond_signal with one token: one waiter went on (%d)", w);
	pthread_mutex_lock(&cv_mx);
	cv_tokens = N - 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&cv_mx);
	w = cv_wait_count(&cv_woken, N);
	UT_CHECK(w == N, "cond_broadcast woke all %d waiters (%d)", N - 1, w - 1);
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
}

static void timedwait_on(clockid_t clock, const char *name)
{
	pthread_condattr_t a;
	pthread_cond_t c;
	pthread_condattr_init(&a);
	UT_CHECK(pthread_condattr_setclock(&a, clock) == 0, "condattr_setclock %s", name);
	clockid_t got = -1;
	pthread_condattr_getclock(&a, &got);
	UT_CHECK(got == clock, "condattr_getclock gives %s", name);
	pthread_cond_init(&c, &a);
	pthread_mutex_lock(&cv_mx);
	long long t0 = ut_now_ms();
	struct timespec ts = abs_after(clock, 200);
	int rc = pthread_cond_timedwait(&c, &cv_mx, &ts);
	long long dt = ut_now_ms() - t0;
	UT_CHECK(rc == ETIMEDOUT, "cond_timedwait on %s: ETIMEDOUT (%d)", name, rc);
	UT_CHECK(dt >= 190 && dt < 3000, "cond_timedwait on %s waited 200 ms: %lld", name, dt);
	UT_CHECK(pthread_mutex_trylock(&cv_mx) == EBUSY, "the mutex is held after the timeout");
	ts = abs_after(clock, -1000);
	UT_CHECK(pthread_cond_timedwait(&c, &cv_mx, &ts) == ETIMEDOUT,
		 "cond_timedwait on %s with a past time: ETIMEDOUT", name);
	pthread_mutex_unlock(&cv_mx);
	pthread_cond_destroy(&c);
	pthread_condattr_destroy(&a);
}

static void test_cond_timedwait(void)
{
	timedwait_on(CLOCK_REALTIME, "REALTIME");
	timedwait_on(CLOCK_MONOTONIC, "MONOTONIC");
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	UT_CHECK(pthread_condattr_setclock(&a, CLOCK_PROCESS_CPUTIME_ID) == EINVAL,
		 "condattr_setclock of a CPU clock: EINVAL");
	pthread_condattr_destroy(&a);
}

/* A bounded buffer: producers and consumers on two condition variables. */
#define PC_SLOTS 4
#define PC_PRODUCERS 3
#define PC_CONSUMERS 3
#define PC_ITEMS 1500	/* per producer */

static struct {
	pthread_mutex_t mx;
	pthread_cond_t not_full, not_empty;
	int buf[PC_SLOTS], head, count, produced_done;
	long long sum;
	int taken;
} pc = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
	 { 0 }, 0, 0, 0, 0, 0 };

static void *producer(void *arg)
{
	int base = (int)(intptr_t)arg * PC_ITEMS;
	for (int i = 1; i <= PC_ITEMS; i++) {
		pthread_mutex_lock(&pc.mx);
		while (pc.count == PC_SLOTS)
			pthread_cond_wait(&pc.not_full, &pc.mx);
		pc.buf[(pc.head + pc.count++) % PC_SLOTS] = base + i;
		pthread_cond_signal(&pc.not_empty);
		pthread_mutex_unlock(&pc.mx);
	}
	return NULL;
}

static void *consumer(void *unused)
{
	(void)unused;
	for (;;) {
		pthread_mutex_lock(&pc.mx);
		while (pc.count == 0 && !pc.produced_done)
			pthread_cond_wait(&pc.not_empty, &pc.mx);
		if (pc.count == 0) {
			pthread_mutex_unlock(&pc.mx);
			return NULL;
		}
		pc.sum += pc.buf[pc.head];
		pc.head = (pc.head + 1) % PC_SLOTS;
		pc.count--;
		pc.taken++;
		pthread_cond_signal(&pc.not_full);
		pthread_mutex_unlock(&pc.mx);
	}
}

static void test_producer_consumer(void)
{
	pthread_t p[PC_PRODUCERS], c[PC_CONSUMERS];
	for (int i = 0; i < PC_CONSUMERS; i++)
		pthread_create(&c[i], NULL, consumer, NULL);
	for (int i = 0; i < PC_PRODUCERS; i++)
		pthread_create(&p[i], NULL, producer, (void *)(intptr_t)i);
	for (int i = 0; i < PC_PRODUCERS; i++)
		pthread_join(p[i], NULL);
	pthread_mutex_lock(&pc.mx);
	pc.produced_done = 1;
	pthread_cond_broadcast(&pc.not_empty);
	pthread_mutex_unlock(&pc.mx);
	for (int i = 0; i < PC_CONSUMERS; i++)
		pthread_join(c[i], NULL);
	long long n = (long long)PC_PRODUCERS * PC_ITEMS;
	UT_CHECK(pc.taken == n && pc.sum == n * (n + 1) / 2,
		 "producer/consumer: %d items taken (of %lld), sum %lld (of %lld)",
		 pc.taken, n, pc.sum, n * (n + 1) / 2);
}

/* ---- rwlocks, barriers, spinlocks, once ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile int rw_phase, rw_writer_in;

static void *rw_reader(void *unused)
{
	(void)unused;
	int rc = pthread_rwlock_rdlock(&rw);
	__atomic_add_fetch(&rw_phase, 1, __ATOMIC_SEQ_CST);
	wait_for(&rw_phase, 100, WAIT_MS);
	pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)rc;
}

static void *rw_writer(void *unused)
{
	(void)unused;
	int rc = pthread_rwlock_wrlock(&rw);
	rw_writer_in = 1;
	pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)rc;
}

static void *rw_try(void *wr)
{
	int rc = wr ? pthread_rwlock_trywrlock(&rw) : pthread_rwlock_tryrdlock(&rw);
	if (rc == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)rc;
}

static int rw_try_in_thread(int wr)
{
	pthread_t th;
	void *r;
	pthread_create(&th, NULL, rw_try, (void *)(intptr_t)wr);
	pthread_join(th, &r);
	return (int)(intptr_t)r;
}

static void test_rwlock(void)
{
	pthread_t r[2], w;
	rw_phase = 0;
	rw_writer_in = 0;
	pthread_create(&r[0], NULL, rw_reader, NULL);
	pthread_create(&r[1], NULL, rw_reader, NULL);
	UT_CHECK(wait_for(&rw_phase, 2, WAIT_MS), "two readers hold the rwlock at once");
	UT_CHECK(pthread_rwlock_tryrdlock(&rw) == 0, "a third reader gets it too");
	pthread_rwlock_unlock(&rw);
	UT_CHECK(pthread_rwlock_trywrlock(&rw) == EBUSY, "trywrlock while read-locked: EBUSY");
	pthread_create(&w, NULL, rw_writer, NULL);
	ut_sleep_ms(100);
	UT_CHECK(!rw_writer_in, "a writer waits while readers hold it");
	rw_phase = 100;
	void *rc0, *rc1, *rcw;
	pthread_join(r[0], &rc0);
	pthread_join(r[1], &rc1);
	pthread_join(w, &rcw);
	UT_CHECK(rc0 == 0 && rc1 == 0 && rcw == 0 && rw_writer_in,
		 "the writer got it after the readers left");

	UT_CHECK(pthread_rwlock_wrlock(&rw) == 0, "wrlock");
	UT_CHECK(rw_try_in_thread(0) == EBUSY, "tryrdlock while write-locked: EBUSY");
	UT_CHECK(rw_try_in_thread(1) == EBUSY, "trywrlock while write-locked: EBUSY");
	UT_CHECK(pthread_rwlock_unlock(&rw) == 0, "unlock");
	UT_CHECK(rw_try_in_thread(1) == 0, "trywrlock once free");
	struct timespec ts = abs_after(CLOCK_REALTIME, WAIT_MS);
	pthread_rwlock_wrlock(&rw);
	UT_CHECK(pthread_rwlock_timedwrlock(&rw, &ts) == EDEADLK,
		 "timedwrlock by the thread holding the write lock: EDEADLK");
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_rdlock(&rw);
	ts = abs_after(CLOCK_REALTIME, 100);
	UT_CHECK(pthread_rwlock_timedwrlock(&rw, &ts) == ETIMEDOUT,
		 "timedwrlock while read-locked: ETIMEDOUT");
	pthread_rwlock_unlock(&rw);
}

#define BAR_THREADS 6
#define BAR_ROUNDS 5
static pthread_barrier_t bar;
static int bar_serial[BAR_ROUNDS], bar_arrived[BAR_ROUNDS], bar_bad;

static void *bar_thread(void *unused)
{
	(void)unused;
	for (int r = 0; r < BAR_ROUNDS; r++) {
		__atomic_add_fetch(&bar_arrived[r], 1, __ATOMIC_SEQ_CST);
		int rc = pthread_barrier_wait(&bar);
		if (__atomic_load_n(&bar_arrived[r], __ATOMIC_SEQ_CST) != BAR_THREADS)
			__atomic_add_fetch(&bar_bad, 1, __ATOMIC_SEQ_CST);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&bar_serial[r], 1, __ATOMIC_SEQ_CST);
		else if (rc != 0)
			__atomic_add_fetch(&bar_bad, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void test_barrier(void)
{
	UT_CHECK(pthread_barrier_init(&bar, NULL, 0) == EINVAL, "barrier of count 0: EINVAL");
	pthread_barrier_init(&bar, NULL, BAR_THREADS);
	pthread_t th[BAR_THREADS];
	for (int i = 0; i < BAR_THREADS; i++)
		pthread_create(&th[i], NULL, bar_thread, NULL);
	for (int i = 0; i < BAR_THREADS; i++)
		pthread_join(th[i], NULL);
	int once = 1;
	for (int r = 0; r < BAR_ROUNDS; r++)
		once &= bar_serial[r] == 1;
	UT_CHECK(once, "PTHREAD_BARRIER_SERIAL_THREAD exactly once in each of %d rounds",
		 BAR_ROUNDS);
	UT_CHECK(bar_bad == 0, "nobody left the barrier before all %d arrived (%d)",
		 BAR_THREADS, bar_bad);
	pthread_barrier_destroy(&bar);
}

#define SPIN_THREADS 4
#define SPIN_ROUNDS 20000
static pthread_spinlock_t spin;
static volatile int spin_counter;

static void *spin_thread(void *unused)
{
	(void)unused;
	for (int i = 0; i < SPIN_ROUNDS; i++) {
		pthread_spin_lock(&spin);
		spin_counter = spin_counter + 1;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

static void test_spinlock(void)
{
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	UT_CHECK(pthread_spin_trylock(&spin) == 0, "spin_trylock of a free lock");
	UT_CHECK(pthread_spin_trylock(&spin) == EBUSY, "spin_trylock of a held lock: EBUSY");
	pthread_spin_unlock(&spin);
	pthread_t th[SPIN_THREADS];
	for (int i = 0; i < SPIN_THREADS; i++)
		pthread_create(&th[i], NULL, spin_thread, NULL);
	for (int i = 0; i < SPIN_THREADS; i++)
		pthread_join(th[i], NULL);
	UT_CHECK(spin_counter == SPIN_THREADS * SPIN_ROUNDS, "spinlock counter %d of %d",
		 spin_counter, SPIN_THREADS * SPIN_ROUNDS);
	pthread_spin_destroy(&spin);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs, once_seen_done;
static int once_value;

static void once_init(void)
{
	__atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST);
	ut_sleep_ms(50);	/* others arrive meanwhile and must wait */
	once_value = 99;
}

static void *once_thread(void *unused)
{
	(void)unused;
	pthread_once(&once, once_init);
	if (once_value == 99)
		__atomic_add_fetch(&once_seen_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_once(void)
{
	enum { N = 8 };
	pthread_t th[N];
	for (int i = 0; i < N; i++)
		pthread_create(&th[i], NULL, once_thread, NULL);
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	pthread_once(&once, once_init);
	UT_CHECK(once_runs == 1, "pthread_once ran its routine once (%d)", once_runs);
	UT_CHECK(once_seen_done == N, "every caller returned after it finished (%d of %d)",
		 once_seen_done, N);
}

/* ---- thread-specific data and TLS ---- */

static pthread_key_t key;
static volatile int dtor_calls, dtor_sum, tsd_bad;

static void key_dtor(void *v)
{
	__atomic_add_fetch(&dtor_calls, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&dtor_sum, (int)(intptr_t)v, __ATOMIC_SEQ_CST);
}

static __thread int tls_var = 1234;
static __thread char tls_buf[64];
static pthread_barrier_t tls_bar;
static volatile int tls_bad;
static uintptr_t tls_addr[4];

static void *tsd_thread(void *arg)
{
	int i = (int)(intptr_t)arg;
	if (pthread_getspecific(key) != NULL)
		__atomic_add_fetch(&tsd_bad, 1, __ATOMIC_SEQ_CST);
	pthread_setspecific(key, (void *)(intptr_t)(i + 1));
	if (tls_var != 1234 || tls_buf[0] != 0)
		__atomic_add_fetch(&tls_bad, 1, __ATOMIC_SEQ_CST);
	tls_var = 100 + i;
	snprintf(tls_buf, sizeof(tls_buf), "thread %d", i);
	tls_addr[i] = (uintptr_t)&tls_var;
	pthread_barrier_wait(&tls_bar);	/* everyone has written its copy */
	char want[64];
	snprintf(want, sizeof(want), "thread %d", i);
	if (tls_var != 100 + i || strcmp(tls_buf, want) != 0)
		__atomic_add_fetch(&tls_bad, 1, __ATOMIC_SEQ_CST);
	if (pthread_getspecific(key) != (void *)(intptr_t)(i + 1))
		__atomic_add_fetch(&tsd_bad, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_tsd_tls(void)
{
	UT_CHECK(pthread_key_create(&key, key_dtor) == 0, "pthread_key_create");
	pthread_setspecific(key, (void *)1000);
	tls_var = 7;
	pthread_barrier_init(&tls_bar, NULL, 4);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, tsd_thread, (void *)(intptr_t)i);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&tls_bar);
	UT_CHECK(tsd_bad == 0, "each thread starts with NULL and keeps its own value");
	UT_CHECK(dtor_calls == 4 && dtor_sum == 1 + 2 + 3 + 4,
		 "the destructor ran at each thread's exit with its value (%d calls, sum %d)",
		 dtor_calls, dtor_sum);
	UT_CHECK(pthread_getspecific(key) == (void *)1000, "main's value is untouched");
	UT_CHECK(tls_bad == 0, "__thread variables start initialised and stay per thread");
	int distinct = 1;
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			distinct &= tls_addr[i] != tls_addr[j];
	UT_CHECK(distinct && tls_var == 7, "__thread addresses differ; main's copy is 7 (%d)",
		 tls_var);
	UT_CHECK(pthread_key_delete(key) == 0, "pthread_key_delete");
}

/* ---- signals ---- */

static volatile pid_t handler_tid;
static volatile int handler_calls;

static void record_handler(int sig)
{
	(void)sig;
	handler_tid = tid();
	handler_calls++;
}

struct sig_target {
	volatile pid_t tid;
	volatile int stop;
	int block;	/* block SIGUSR2 in this thread */
};

static void *sig_target_thread(void *arg)
{
	struct sig_target *t = arg;
	if (t->block) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);
		pthread_sigmask(SIG_BLOCK, &s, NULL);
	}
	t->tid = tid();
	while (!t->stop)
		ut_sleep_ms(5);
	return NULL;
}

static int sigwait_got, sigwait_rc;

static void *sigwaiter(void *unused)
{
	(void)unused;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigwait_rc = sigwait(&s, &sigwait_got);
	return NULL;
}

static int wait_handled(int calls)
{
	long long end = ut_now_ms() + WAIT_MS;
	while (handler_calls < calls && ut_now_ms() < end)
		ut_sleep_ms(2);
	return handler_calls >= calls;
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_handler = record_handler };
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	/* pthread_kill: the handler runs in the thread named. */
	struct sig_target t[3] = { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 1 } };
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, sig_target_thread, &t[i]);
	long long end = ut_now_ms() + WAIT_MS;
	while ((!t[0].tid || !t[1].tid || !t[2].tid) && ut_now_ms() < end)
		ut_sleep_ms(2);
	handler_calls = 0;
	UT_CHECK(pthread_kill(th[1], SIGUSR1) == 0, "pthread_kill");
	UT_CHECK(wait_handled(1) && handler_tid == t[1].tid,
		 "pthread_kill: the handler ran in the thread named (%d, want %d)",
		 (int)handler_tid, (int)t[1].tid);
	UT_CHECK(pthread_kill(th[0], 0) == 0, "pthread_kill with signal 0 to a live thread");
	UT_CHECK(pthread_kill(th[0], 65) == EINVAL, "pthread_kill with signal 65: EINVAL");

	/* Per-thread masks: only thread 0 leaves SIGUSR2 unblocked. */
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	t[1].stop = 1;
	pthread_join(th[1], NULL);
	for (int round = 0; round < 3; round++) {
		handler_calls = 0;
		handler_tid = 0;
		kill(getpid(), SIGUSR2);
		UT_CHECK(wait_handled(1) && handler_tid == t[0].tid,
			 "kill(getpid()) is taken by the one thread not blocking it (%d, want %d)",
			 (int)handler_tid, (int)t[0].tid);
	}
	sigset_t cur;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	UT_CHECK(sigismember(&cur, SIGUSR2) && !sigismember(&old, SIGUSR2),
		 "pthread_sigmask changed only the caller's mask");
	t[0].stop = t[2].stop = 1;
	pthread_join(th[0], NULL);
	pthread_join(th[2], NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* sigwait in a dedicated thread, the signal blocked everywhere. */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	pthread_t w;
	handler_calls = 0;
	sigwait_got = 0;
	pthread_create(&w, NULL, sigwaiter, NULL);
	ut_sleep_ms(50);
	kill(getpid(), SIGUSR1);
	pthread_join(w, NULL);
	UT_CHECK(sigwait_rc == 0 && sigwait_got == SIGUSR1 && handler_calls == 0,
		 "sigwait in a thread took SIGUSR1 (rc %d, sig %d, handler calls %d)",
		 sigwait_rc, sigwait_got, handler_calls);
	sigpending(&cur);
	UT_CHECK(!sigismember(&cur, SIGUSR1), "and it is no longer pending");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* ---- affinity and CPU clocks ---- */

static volatile int spin_until_stop;

static void *idle_thread(void *unused)
{
	(void)unused;
	while (!spin_until_stop)
		ut_sleep_ms(5);
	return NULL;
}

static volatile int info_code, info_pid, info_tid;

static void record_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	info_code = si->si_code;
	info_pid = si->si_pid;
	info_tid = tid();
}

static void test_kill_siginfo(void)
{
	struct sigaction sa = { .sa_sigaction = record_info, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &sa, NULL);
	struct sig_target t = { 0, 0, 0 };
	pthread_t th;
	pthread_create(&th, NULL, sig_target_thread, &t);
	long long end = ut_now_ms() + WAIT_MS;
	while (!t.tid && ut_now_ms() < end)
		ut_sleep_ms(2);
	info_tid = 0;
	pthread_kill(th, SIGUSR1);
	end = ut_now_ms() + WAIT_MS;
	while (!info_tid && ut_now_ms() < end)
		ut_sleep_ms(2);
	UT_CHECK(info_tid == t.tid && info_code == SI_TKILL && info_pid == getpid(),
		 "pthread_kill's handler is told SI_TKILL and our pid (tid %d of %d, code %d, "
		 "pid %d)", info_tid, (int)t.tid, info_code, info_pid);
	t.stop = 1;
	pthread_join(th, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static void test_ids_in_calls(void)
{
	struct sig_target t = { 0, 0, 0 };
	pthread_t th;
	pthread_create(&th, NULL, sig_target_thread, &t);
	long long end = ut_now_ms() + WAIT_MS;
	while (!t.tid && ut_now_ms() < end)
		ut_sleep_ms(2);
	cpu_set_t set;
	UT_CHECK(sched_getaffinity(t.tid, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0,
		 "sched_getaffinity(a thread's id)");
	UT_CHECK(sched_getscheduler(t.tid) == SCHED_OTHER, "sched_getscheduler(a thread's id)");
	struct sched_param sp = { 0 };
	int pol = -1;
	UT_CHECK(pthread_setschedparam(th, SCHED_OTHER, &sp) == 0 &&
		 pthread_getschedparam(th, &pol, &sp) == 0 && pol == SCHED_OTHER,
		 "pthread_setschedparam/getschedparam round trip (policy %d)", pol);
	int main_nice = getpriority(PRIO_PROCESS, 0);
	UT_CHECK(setpriority(PRIO_PROCESS, t.tid, main_nice + 3) == 0 &&
		 getpriority(PRIO_PROCESS, t.tid) == main_nice + 3 &&
		 getpriority(PRIO_PROCESS, 0) == main_nice,
		 "setpriority(PRIO_PROCESS, a thread's id) changes that thread only (%d, main %d)",
		 getpriority(PRIO_PROCESS, t.tid), getpriority(PRIO_PROCESS, 0));
	clockid_t cid;
	struct timespec ts;
	pthread_getcpuclockid(th, &cid);
	UT_CHECK(clock_getres(cid, &ts) == 0, "clock_getres of a thread's CPU clock");
	t.stop = 1;
	pthread_join(th, NULL);
	UT_EXPECT_ERRNO(sched_getaffinity(t.tid, sizeof(set), &set), ESRCH);
	UT_EXPECT_ERRNO(clock_gettime(cid, &ts), EINVAL);
}

/* A signal to one thread interrupts that thread's sleep only. */
struct sleeper {
	volatile pid_t tid;
	volatile int rc, err;
};

static void *sleeper(void *arg)
{
	struct sleeper *sl = arg;
	sl->tid = tid();
	struct timespec ts = { 1, 0 };
	sl->rc = nanosleep(&ts, NULL);
	sl->err = errno;
	return NULL;
}

static void *thread_sigwaiter(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	int sig = 0;
	*(volatile pid_t *)arg = tid();
	int rc = sigwait(&s, &sig);
	return (void *)(intptr_t)(rc == 0 ? sig : -1);
}

/* Several threads in sigwait for one process-directed signal: each
 * kill wakes one of them, and every one gets its signal. */
#define SIGWAITERS 4
static volatile int sigwaits_done;

static void *counting_sigwaiter(void *unused)
{
	(void)unused;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	int sig = 0;
	if (sigwait(&s, &sig) == 0 && sig == SIGUSR1)
		__atomic_add_fetch(&sigwaits_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_many_sigwaiters(void)
{
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	pthread_t th[SIGWAITERS];
	sigwaits_done = 0;
	for (int i = 0; i < SIGWAITERS; i++)
		pthread_create(&th[i], NULL, counting_sigwaiter, NULL);
	ut_sleep_ms(100);
	int in_turn = 1;
	for (int i = 1; i <= SIGWAITERS; i++) {
		kill(getpid(), SIGUSR1);
		in_turn &= wait_for(&sigwaits_done, i, WAIT_MS);
	}
	for (int i = 0; i < SIGWAITERS; i++)
		pthread_join(th[i], NULL);
	UT_CHECK(in_turn && sigwaits_done == SIGWAITERS,
		 "%d kills woke %d sigwait threads one at a time (%d took theirs)", SIGWAITERS,
		 SIGWAITERS, sigwaits_done);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void test_thread_directed(void)
{
	struct sigaction sa = { .sa_handler = record_handler };	/* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	struct sleeper sl[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, sleeper, &sl[i]);
	long long end = ut_now_ms() + WAIT_MS;
	while ((!sl[0].tid || !sl[1].tid) && ut_now_ms() < end)
		ut_sleep_ms(2);
	ut_sleep_ms(100);
	long long t0 = ut_now_ms();
	pthread_kill(th[0], SIGUSR1);
	pthread_join(th[0], NULL);
	long long dt0 = ut_now_ms() - t0;
	pthread_join(th[1], NULL);
	UT_CHECK(sl[0].rc == -1 && sl[0].err == EINTR && dt0 < 700,
		 "the signalled thread's nanosleep ended with EINTR (%d/%s after %lld ms)",
		 sl[0].rc, ut_errname(sl[0].err), dt0);
	UT_CHECK(sl[1].rc == 0, "the other thread slept its whole second (%d/%s)", sl[1].rc,
		 ut_errname(sl[1].err));
	signal(SIGUSR1, SIG_DFL);

	/* sigwait takes a signal pthread_kill sent to that thread. */
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, &old);
	volatile pid_t wtid = 0;
	pthread_t w;
	void *r = NULL;
	pthread_create(&w, NULL, thread_sigwaiter, (void *)&wtid);
	end = ut_now_ms() + WAIT_MS;
	while (!wtid && ut_now_ms() < end)
		ut_sleep_ms(2);
	ut_sleep_ms(50);
	pthread_kill(w, SIGUSR2);
	pthread_join(w, &r);
	UT_CHECK(r == (void *)SIGUSR2, "sigwait took the signal pthread_kill sent its thread (%p)",
		 r);
	sigpending(&s);
	UT_CHECK(!sigismember(&s, SIGUSR2), "nothing is left pending");

	/* An ignored signal sent to a thread that blocks it stays pending. */
	signal(SIGUSR2, SIG_IGN);
	pthread_kill(pthread_self(), SIGUSR2);
	sigpending(&s);
	UT_CHECK(sigismember(&s, SIGUSR2), "an ignored signal pthread_kill sent to a thread "
		 "blocking it is pending there");
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	struct timespec zero = { 0, 0 };
	UT_CHECK(sigtimedwait(&s, NULL, &zero) == SIGUSR2, "and sigtimedwait takes it");
	signal(SIGUSR2, SIG_DFL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void test_affinity(void)
{
	cpu_set_t before, set, got;
	sched_getaffinity(0, sizeof(before), &before);
	pthread_t th;
	spin_until_stop = 0;
	pthread_create(&th, NULL, idle_thread, NULL);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	UT_CHECK(pthread_setaffinity_np(th, sizeof(set), &set) == 0, "pthread_setaffinity_np");
	CPU_ZERO(&got);
	UT_CHECK(pthread_getaffinity_np(th, sizeof(got), &got) == 0 && CPU_EQUAL(&got, &set),
		 "pthread_getaffinity_np reads back CPU 0 only (%d CPUs)", CPU_COUNT(&got));
	CPU_ZERO(&got);
	sched_getaffinity(0, sizeof(got), &got);
	UT_CHECK(CPU_EQUAL(&got, &before), "the main thread's mask is unchanged");
	CPU_ZERO(&set);
	CPU_SET(CPU_SETSIZE - 1, &set);
	UT_CHECK(pthread_setaffinity_np(th, sizeof(set), &set) == EINVAL,
		 "a mask with no online CPU: EINVAL");
	spin_until_stop = 1;
	pthread_join(th, NULL);
}

static volatile int burner_done;

static void *burner(void *unused)
{
	(void)unused;
	struct timespec ts;
	long long end = ut_now_ms() + 5000;
	volatile unsigned x = 0;
	do {
		for (int i = 0; i < 10000; i++)
			x += i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while ((ts.tv_sec * 1000LL + ts.tv_nsec / 1000000) < 150 && ut_now_ms() < end);
	burner_done = 1;
	while (!spin_until_stop)
		ut_sleep_ms(5);
	return NULL;
}

static long long clock_ms(clockid_t c)
{
	struct timespec ts;
	if (clock_gettime(c, &ts) < 0)
		return -1;
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void test_cpu_clocks(void)
{
	long long main0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	pthread_t th;
	spin_until_stop = 0;
	burner_done = 0;
	pthread_create(&th, NULL, burner, NULL);
	wait_for(&burner_done, 1, WAIT_MS);
	clockid_t cid;
	UT_CHECK(pthread_getcpuclockid(th, &cid) == 0, "pthread_getcpuclockid");
	long long burnt = clock_ms(cid);
	long long mine = clock_ms(CLOCK_THREAD_CPUTIME_ID) - main0;
	long long proc = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	UT_CHECK(burnt >= 150, "the computing thread's clock shows >= 150 ms: %lld", burnt);
	UT_CHECK(mine >= 0 && mine < 100,
		 "the waiting main thread's own clock grew < 100 ms: %lld", mine);
	UT_CHECK(proc >= burnt, "the process clock (%lld) covers the thread's (%lld)", proc, burnt);
	spin_until_stop = 1;
	pthread_join(th, NULL);
}

/* ---- stress ---- */

#define HAMMER_THREADS 64
#define HAMMER_ROUNDS 300

static pthread_mutex_t hmx = PTHREAD_MUTEX_INITIALIZER;
static long hammer_counter;
static long hammer_per[HAMMER_THREADS];

static void *hammer(void *arg)
{
	int i = (int)(intptr_t)arg;
	for (int r = 0; r < HAMMER_ROUNDS; r++) {
		pthread_mutex_lock(&hmx);
		long v = hammer_counter;
		if ((r & 31) == i % 32)
			sched_yield();	/* a holder sleeps with others queued */
		hammer_counter = v + 1;
		hammer_per[i]++;
		pthread_mutex_unlock(&hmx);
	}
	return NULL;
}

/* A token passed around a ring of threads, each waking the next. */
#define RING_THREADS 16
#define RING_LAPS 40
static pthread_mutex_t ring_mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ring_cv[RING_THREADS];
static int ring_holder, ring_passes;

static void *ring_member(void *arg)
{
	int me = (int)(intptr_t)arg;
	pthread_mutex_lock(&ring_mx);
	for (int lap = 0; lap < RING_LAPS; lap++) {
		while (ring_holder != me)
			pthread_cond_wait(&ring_cv[me], &ring_mx);
		ring_passes++;
		ring_holder = (me + 1) % RING_THREADS;
		pthread_cond_signal(&ring_cv[ring_holder]);
	}
	pthread_mutex_unlock(&ring_mx);
	return NULL;
}

static void *churn_thread(void *arg)
{
	return (void *)((intptr_t)arg ^ 0x5a5a);
}

static void test_stress(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	pthread_t th[HAMMER_THREADS];
	int made = 0;
	for (int i = 0; i < HAMMER_THREADS; i++)
		made += pthread_create(&th[made], &a, hammer, (void *)(intptr_t)i) == 0;
	UT_CHECK(made == HAMMER_THREADS, "%d threads made of %d", made, HAMMER_THREADS);
	for (int i = 0; i < made; i++)
		pthread_join(th[i], NULL);
	int each = 1;
	for (int i = 0; i < made; i++)
		each &= hammer_per[i] == HAMMER_ROUNDS;
	UT_CHECK(hammer_counter == (long)made * HAMMER_ROUNDS && each,
		 "%d threads x %d increments under one mutex: %ld", made, HAMMER_ROUNDS,
		 hammer_counter);

	for (int i = 0; i < RING_THREADS; i++)
		pthread_cond_init(&ring_cv[i], NULL);
	for (int i = 0; i < RING_THREADS; i++)
		pthread_create(&th[i], &a, ring_member, (void *)(intptr_t)i);
	for (int i = 0; i < RING_THREADS; i++)
		pthread_join(th[i], NULL);
	UT_CHECK(ring_passes == RING_THREADS * RING_LAPS && ring_holder == 0,
		 "condvar token ring: %d passes of %d", ring_passes, RING_THREADS * RING_LAPS);

	enum { CHURN = 300, BATCH = 10 };
	int right = 0, created = 0;
	for (int i = 0; i < CHURN; i += BATCH) {
		int n = 0;
		for (int j = 0; j < BATCH; j++)
			n += pthread_create(&th[n], &a, churn_thread, (void *)(intptr_t)(i + j)) == 0;
		created += n;
		for (int j = 0; j < n; j++) {
			void *r;
			if (pthread_join(th[j], &r) == 0 && (intptr_t)r == ((i + j) ^ 0x5a5a))
				right++;
		}
	}
	UT_CHECK(created == CHURN && right == CHURN,
		 "create/join churn: %d created, %d joined with the right value, of %d",
		 created, right, CHURN);
	pthread_attr_destroy(&a);
}

/* Each part announces itself, so that a hang's log says where. */
#define SECTION(fn) do { UT_NOTE("t_pthread: %s", #fn + 5); fn(); } while (0)

int main(void)
{
	main_thread = pthread_self();
	SECTION(test_create_join);
	SECTION(test_main_exit);
	SECTION(test_thread_exit_ends_process);
	SECTION(test_fork_threaded);
	SECTION(test_own_stack);
	SECTION(test_cancel);
	SECTION(test_mutex_types);
	SECTION(test_timedlock);
	SECTION(test_pshared);
	SECTION(test_robust);
	SECTION(test_cond_signal_broadcast);
	SECTION(test_cond_timedwait);
	SECTION(test_producer_consumer);
	SECTION(test_rwlock);
	SECTION(test_barrier);
	SECTION(test_spinlock);
	SECTION(test_once);
	SECTION(test_tsd_tls);
	SECTION(test_signals);
	SECTION(test_thread_directed);
	SECTION(test_many_sigwaiters);
	SECTION(test_kill_siginfo);
	SECTION(test_ids_in_calls);
	SECTION(test_affinity);
	SECTION(test_cpu_clocks);
	SECTION(test_stress);
	return ut_done("t_pthread");
}
