/*
 * t_thread: threads made by clone with the flags glibc's pthread_create
 * passes (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
 * CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
 * CLONE_CHILD_CLEARTID), through glibc's clone() wrapper:
 *   - a thread shares memory both ways; gettid() differs from getpid(),
 *     getpid() is the same; PARENT_SETTID and CHILD_SETTID store the
 *     thread id, CHILD_CLEARTID clears it when the thread ends, and then
 *     tgkill finds no such thread;
 *   - CLONE_SETTLS gives the thread its own %gs segment base;
 *   - exit(2) ends one thread (the process lives on, and its status is
 *     the last thread's code, as Linux gives it); exit_group(2) ends
 *     them all;
 *   - tgkill reaches the named thread's handler; kill(2) to the process
 *     (or to a thread's id, which names its process) reaches the thread
 *     that does not block the signal; one every thread blocks waits
 *     until a thread unblocks it, and that thread takes it; a fault's
 *     handler runs in the faulting thread; a fatal signal
 *     or a fault in one thread ends the whole process;
 *   - execve from a second thread: the others go, the program runs with
 *     the same pid, and its thread id is the pid;
 *   - robust lists: a thread's owned robust futex words get
 *     FUTEX_OWNER_DIED when it ends (qemu-i386 has no robust lists);
 *   - 300 threads, 10 at a time, all run and end; on M-OS the 257th
 *     live thread is EAGAIN;
 *   - pthread_create runs a thread; pthread_join only where the kernel
 *     has futex (skipped with a note otherwise).
 * Threads made here share the main thread's TLS (except the SETTLS one),
 * so they make system calls with their own int $0x80 and call no glibc
 * function that needs a thread of its own.
 */
#include <asm/ldt.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "utest.h"

#define STACK_SIZE (64 * 1024)
#define WAIT_MS 5000
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM)
#define EXEC_OK 42

static char self[PATH_MAX];

/* A system call without glibc (and so without touching TLS). */
static long rsys(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static long rsys4(long nr, long a, long b, long c, long d)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
			 : "memory");
	return ret;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits (yielding) until *p == want; 1 if it came within ms. */
static int wait_for(volatile int *p, int want, long ms)
{
	long end = now_ms() + ms;
	while (*p != want) {
		if (now_ms() > end)
			return 0;
		sched_yield();
	}
	return 1;
}

static void *new_stack(void)
{
	char *s = malloc(STACK_SIZE);
	if (!s) {
		printf("utest: FAIL no memory for a thread stack\n");
		exit(1);
	}
	return s + STACK_SIZE;	/* malloc's alignment (16) is enough */
}

/* ---- ids, shared memory, SETTID/CLEARTID ---- */

struct ids_arg {
	volatile int ready, go, counter;
	int tid, pid;
};

static int ids_thread(void *p)
{
	struct ids_arg *a = p;
	a->tid = (int)rsys(SYS_gettid, 0, 0, 0);
	a->pid = (int)rsys(SYS_getpid, 0, 0, 0);
	a->ready = 1;
	while (!a->go)
		rsys(SYS_sched_yield, 0, 0, 0);
	for (int i = 0; i < 1000; i++)
		a->counter++;
	return 0;
}

static void test_ids_and_tids(void)
{
	static struct ids_arg a;
	static volatile int ptid = -1, ctid = -1;
	UT_CHECK(gettid() == getpid(), "main thread: gettid %d == getpid %d", gettid(), getpid());
	int tid = clone(ids_thread, new_stack(), THREAD_FLAGS | CLONE_PARENT_SETTID |
			CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, &a, &ptid, NULL, &ctid);
	if (!UT_CHECK(tid > 0, "clone(CLONE_THREAD): %s", strerror(errno)))
		return;
	UT_CHECK(ptid == tid, "PARENT_SETTID stored %d, clone returned %d", ptid, tid);
	UT_CHECK(wait_for(&a.ready, 1, WAIT_MS), "the thread ran");
	UT_CHECK(ctid == tid, "CHILD_SETTID stored %d, expected %d", ctid, tid);
	UT_CHECK(a.tid == tid, "the thread's gettid %d, clone returned %d", a.tid, tid);
	UT_CHECK(a.tid != getpid(), "the thread's gettid %d differs from the pid", a.tid);
	UT_CHECK(a.pid == getpid(), "the thread's getpid %d == %d", a.pid, getpid());
	UT_CHECK(syscall(SYS_tgkill, getpid(), tid, 0) == 0, "tgkill(pid, tid, 0) finds it: %s",
		 strerror(errno));
	a.go = 1;	/* a store the thread sees */
	UT_CHECK(wait_for(&ctid, 0, WAIT_MS), "CHILD_CLEARTID cleared at exit (still %d)", ctid);
	UT_CHECK(a.counter == 1000, "the thread's stores are seen: counter %d", a.counter);
	int gone = 0;
	for (long end = now_ms() + WAIT_MS; !gone && now_ms() < end; sched_yield())
		gone = syscall(SYS_tgkill, getpid(), tid, 0) == -1 && errno == ESRCH;
	UT_CHECK(gone, "tgkill finds no thread %d after its exit", tid);
}

/* ---- CLONE_SETTLS ---- */

static volatile int tls_seen, tls_done;
static uint32_t tls_block[4] = { 0x5eed7105u, 0, 0, 0 };

static int tls_thread(void *unused)
{
	(void)unused;
	int v;
	__asm__ volatile("movl %%gs:0, %0" : "=r"(v));
	tls_seen = v;
	tls_done = 1;
	rsys(SYS_exit, 0, 0, 0);	/* not through glibc: %gs is not its TCB */
	return 0;
}

/* In a forked child: qemu-i386 keeps one GDT for all the threads of a
 * process, so the SETTLS thread's descriptor would change %gs of threads
 * that reload it later (after a signal handler).  Exit 0 when the thread
 * saw its own TLS and the main thread kept its own; else the step. */
static void child_settls(void *unused)
{
	(void)unused;
	unsigned short gs;
	__asm__ volatile("movw %%gs, %0" : "=r"(gs));
	struct user_desc d = {
		.entry_number = gs >> 3, .base_addr = (uintptr_t)tls_block, .limit = 0xfffff,
		.seg_32bit = 1, .limit_in_pages = 1, .useable = 1,
	};
	if (clone(tls_thread, new_stack(), THREAD_FLAGS | CLONE_SETTLS, NULL, NULL, &d, NULL) <= 0)
		_exit(1);
	if (!wait_for(&tls_done, 1, WAIT_MS))
		_exit(2);
	if (tls_seen != (int)tls_block[0])
		_exit(3);
	int mine;
	__asm__ volatile("movl %%gs:0, %0" : "=r"(mine));
	_exit(mine == (int)tls_block[0] ? 4 : 0);
}

static void test_settls(void)
{
	int st = ut_run_child(child_settls, NULL);
	UT_CHECK_EXITED(st, 0, "CLONE_SETTLS: the thread's %gs:0 is its own block (1: no "
			"clone, 2: did not run, 3: wrong TLS, 4: main thread's TLS changed)");
}

/* ---- exit and exit_group ---- */

static int group_exit_thread(void *unused)
{
	(void)unused;
	rsys(SYS_exit_group, 7, 0, 0);
	return 0;
}

static void child_exit_group(void *unused)
{
	(void)unused;
	clone(group_exit_thread, new_stack(), THREAD_FLAGS, NULL, NULL, NULL, NULL);
	sleep(20);
	_exit(99);	/* only if exit_group spared this thread */
}

static int survivor_pipe[2];

static int survivor_thread(void *unused)
{
	(void)unused;
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	rsys(SYS_nanosleep, (long)&ts, 0, 0);
	char c = 'a';
	rsys(SYS_write, survivor_pipe[1], (long)&c, 1);
	rsys(SYS_exit, 5, 0, 0);
	return 0;
}

static void child_leader_exits(void *unused)
{
	(void)unused;
	clone(survivor_thread, new_stack(), THREAD_FLAGS, NULL, NULL, NULL, NULL);
	rsys(SYS_exit, 3, 0, 0);	/* this thread only */
}

static void test_exit(void)
{
	int st = ut_run_child(child_exit_group, NULL);
	UT_CHECK_EXITED(st, 7, "exit_group(7) in a second thread ends the process");

	UT_CHECK(pipe(survivor_pipe) == 0, "pipe");
	st = ut_run_child(child_leader_exits, NULL);
	close(survivor_pipe[1]);
	char c = 0;
	UT_CHECK(read(survivor_pipe[0], &c, 1) == 1 && c == 'a',
		 "a thread runs on after the leader's exit(3)");
	close(survivor_pipe[0]);
	UT_CHECK_EXITED(st, 5, "leader exit(3), last thread exit(5): the last thread's code");
}

/* ---- signals ---- */

static int fault_thread(void *unused);

static volatile int handled_tid, spin_stop, spinning;

static void record_tid(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	handled_tid = (int)rsys(SYS_gettid, 0, 0, 0);
}

static void catch(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = record_tid;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(sig, &sa, NULL);
}

static int spin_thread(void *unused)
{
	(void)unused;
	spinning = 1;
	while (!spin_stop)
		rsys(SYS_sched_yield, 0, 0, 0);
	return 0;
}

static int start_spinner(volatile int *ctid)
{
	spin_stop = 0;
	spinning = 0;
	*ctid = -1;
	int tid = clone(spin_thread, new_stack(), THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL,
			NULL, NULL, (void *)ctid);
	if (tid > 0 && !wait_for(&spinning, 1, WAIT_MS))
		printf("utest: note: the spinner did not start\n");
	return tid;
}

static void stop_spinner(volatile int *ctid)
{
	spin_stop = 1;
	UT_CHECK(wait_for(ctid, 0, WAIT_MS), "the spinning thread ended");
}

static void test_tgkill(void)
{
	static volatile int ctid;
	catch(SIGUSR1);
	int tid = start_spinner(&ctid);
	if (!UT_CHECK(tid > 0, "clone: %s", strerror(errno)))
		return;
	handled_tid = 0;
	UT_CHECK(syscall(SYS_tgkill, getpid(), tid, SIGUSR1) == 0, "tgkill: %s", strerror(errno));
	UT_CHECK(wait_for(&handled_tid, tid, WAIT_MS), "tgkill's SIGUSR1 ran in thread %d (got %d)",
		 tid, handled_tid);
	handled_tid = 0;
	UT_CHECK(syscall(SYS_tkill, tid, SIGUSR1) == 0, "tkill: %s", strerror(errno));
	UT_CHECK(wait_for(&handled_tid, tid, WAIT_MS), "tkill's SIGUSR1 ran in thread %d (got %d)",
		 tid, handled_tid);
	UT_EXPECT_ERRNO(syscall(SYS_tgkill, getppid(), tid, SIGUSR1), ESRCH);
	UT_EXPECT_ERRNO(syscall(SYS_tgkill, getpid(), -1, SIGUSR1), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_tgkill, getpid(), tid, 65), EINVAL);
	stop_spinner(&ctid);
	signal(SIGUSR1, SIG_DFL);
}

static void test_kill_process(void)
{
	static volatile int ctid;
	catch(SIGUSR2);
	int tid = start_spinner(&ctid);
	if (!UT_CHECK(tid > 0, "clone: %s", strerror(errno)))
		return;
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, &old);	/* the main thread blocks it, the thread not */
	handled_tid = 0;
	UT_CHECK(kill(getpid(), SIGUSR2) == 0, "kill: %s", strerror(errno));
	UT_CHECK(wait_for(&handled_tid, tid, WAIT_MS),
		 "kill(getpid()) went to the thread that does not block it (%d, got %d)",
		 tid, handled_tid);
	handled_tid = 0;
	UT_CHECK(kill(tid, SIGUSR2) == 0, "kill(a thread's id) signals its process: %s",
		 strerror(errno));
	UT_CHECK(wait_for(&handled_tid, tid, WAIT_MS),
		 "kill(tid) went to the process: the unblocking thread %d took it (got %d)",
		 tid, handled_tid);
	stop_spinner(&ctid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR2, SIG_DFL);
}

/* A process signal that every thread blocks stays pending until one
 * unblocks it, and then that thread takes it. */
static volatile int mask_phase;	/* 1: blocked it; 2: unblock now; 3: unblocked */

static int masking_thread(void *unused)
{
	(void)unused;
	uint64_t set = 1ull << (SIGUSR2 - 1);
	if (rsys4(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, sizeof(set)) == 0)
		mask_phase = 1;
	while (mask_phase != 2)
		rsys(SYS_sched_yield, 0, 0, 0);
	mask_phase = 3;
	rsys4(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, sizeof(set));
	while (!spin_stop)
		rsys(SYS_sched_yield, 0, 0, 0);
	return 0;
}

static void test_pending_until_unblocked(void)
{
	static volatile int ctid = -1;
	catch(SIGUSR2);
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, &old);
	spin_stop = 0;
	mask_phase = 0;
	int tid = clone(masking_thread, new_stack(), THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL,
			NULL, NULL, (void *)&ctid);
	if (!UT_CHECK(tid > 0, "clone: %s", strerror(errno)))
		return;
	UT_CHECK(wait_for(&mask_phase, 1, WAIT_MS), "the thread blocked SIGUSR2");
	handled_tid = 0;
	UT_CHECK(kill(getpid(), SIGUSR2) == 0, "kill: %s", strerror(errno));
	usleep(100 * 1000);
	UT_CHECK(handled_tid == 0, "blocked by every thread: not delivered (ran in %d)",
		 handled_tid);
	mask_phase = 2;
	UT_CHECK(wait_for(&handled_tid, tid, WAIT_MS),
		 "the thread that unblocked it took it (%d, got %d)", tid, handled_tid);
	spin_stop = 1;
	UT_CHECK(wait_for(&ctid, 0, WAIT_MS), "the thread ended");
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR2, SIG_DFL);
}

/* A fault goes to the faulting thread: its SIGSEGV handler runs there. */
static volatile int segv_tid;

static void on_segv(int sig)
{
	(void)sig;
	segv_tid = (int)rsys(SYS_gettid, 0, 0, 0);
	rsys(SYS_exit, 0, 0, 0);	/* ends this thread only */
}

static void test_fault_to_thread(void)
{
	static volatile int ctid = -1;
	signal(SIGSEGV, on_segv);
	segv_tid = 0;
	int tid = clone(fault_thread, new_stack(), THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL,
			NULL, NULL, (void *)&ctid);
	if (!UT_CHECK(tid > 0, "clone: %s", strerror(errno)))
		return;
	UT_CHECK(wait_for(&ctid, 0, WAIT_MS), "the faulting thread ended");
	UT_CHECK(segv_tid == tid, "SIGSEGV's handler ran in the faulting thread %d (got %d)",
		 tid, segv_tid);
	signal(SIGSEGV, SIG_DFL);
}

static void child_spinners_pause(void *unused)
{
	(void)unused;
	static volatile int c1, c2;
	start_spinner(&c1);
	start_spinner(&c2);
	sleep(20);
	_exit(99);
}

static int fault_thread(void *unused)
{
	(void)unused;
	volatile int *volatile bad = NULL;
	*bad = 1;
	return 0;
}

static void child_thread_faults(void *unused)
{
	(void)unused;
	clone(fault_thread, new_stack(), THREAD_FLAGS, NULL, NULL, NULL, NULL);
	sleep(20);
	_exit(99);
}

static void test_fatal_signals(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		child_spinners_pause(NULL);
	usleep(100 * 1000);
	UT_CHECK(kill(pid, SIGTERM) == 0, "kill(child, SIGTERM)");
	int st = -1;
	UT_CHECK(ut_wait(pid, &st, 10000) == pid, "reaped the child");
	UT_CHECK_SIGNALED(st, SIGTERM, "SIGTERM to a process of three threads");

	st = ut_run_child(child_thread_faults, NULL);
	UT_CHECK_SIGNALED(st, SIGSEGV, "a fault in a second thread ends the process");
}

/* ---- execve from a second thread ---- */

static int exec_thread(void *arg)
{
	char pidstr[16];
	snprintf(pidstr, sizeof(pidstr), "%d", *(int *)arg);
	char *argv[] = { "t_thread", "--exec-check", pidstr, NULL };
	char *envp[] = { NULL };
	mos_execve(self, argv, envp);
	rsys(SYS_exit_group, 1, 0, 0);
	return 0;
}

static void child_exec_from_thread(void *unused)
{
	(void)unused;
	static int pid;
	pid = getpid();
	clone(exec_thread, new_stack(), THREAD_FLAGS, &pid, NULL, NULL, NULL);
	sleep(20);
	_exit(99);
}

/* The exec'd image: same pid, a single thread whose id is the pid. */
static int exec_check(const char *pidstr)
{
	int want = atoi(pidstr);
	return getpid() == want && gettid() == getpid() ? EXEC_OK : 1;
}

static void test_exec_from_thread(void)
{
	int st = ut_run_child(child_exec_from_thread, NULL);
	UT_CHECK_EXITED(st, EXEC_OK, "execve from a second thread (same pid, tid == pid)");
}

/* ---- robust lists ---- */

struct robust_entry {
	uint32_t next;
	uint32_t word;
};

static struct {
	uint32_t list;
	int32_t futex_offset;
	uint32_t pending;
} rhead;
static struct robust_entry owned, waited, foreign;
static volatile int robust_rc, robust_ready, robust_readback;

static int robust_thread(void *unused)
{
	(void)unused;
	int tid = (int)rsys(SYS_gettid, 0, 0, 0);
	rhead.futex_offset = offsetof(struct robust_entry, word);
	rhead.list = (uint32_t)&owned;
	owned.next = (uint32_t)&waited;
	waited.next = (uint32_t)&foreign;
	foreign.next = (uint32_t)&rhead;
	owned.word = tid;
	waited.word = tid | FUTEX_WAITERS;
	foreign.word = tid + 1;
	robust_rc = (int)rsys(SYS_set_robust_list, (long)&rhead, sizeof(rhead), 0);
	uint32_t head = 0, len = 0;
	if (rsys(SYS_get_robust_list, 0, (long)&head, (long)&len) == 0)
		robust_readback = head == (uint32_t)&rhead && len == sizeof(rhead);
	robust_ready = 1;
	return 0;
}

static void test_robust(void)
{
	static volatile int ctid = -1;
	int tid = clone(robust_thread, new_stack(), THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL,
			NULL, NULL, (void *)&ctid);
	if (!UT_CHECK(tid > 0, "clone: %s", strerror(errno)))
		return;
	UT_CHECK(wait_for(&robust_ready, 1, WAIT_MS), "the robust-list thread ran");
	UT_CHECK(wait_for(&ctid, 0, WAIT_MS), "and ended");
	if (robust_rc == -ENOSYS && ut_emulated()) {
		UT_SKIP("robust futex lists: qemu-i386 does not implement set_robust_list");
		return;
	}
	UT_CHECK(robust_rc == 0, "set_robust_list: %d", robust_rc);
	UT_CHECK(robust_readback, "get_robust_list(0) gives back the head and its size");
	UT_CHECK(owned.word == FUTEX_OWNER_DIED, "an owned word becomes OWNER_DIED: %#x",
		 owned.word);
	UT_CHECK(waited.word == (FUTEX_OWNER_DIED | FUTEX_WAITERS),
		 "an owned word with waiters keeps WAITERS: %#x", waited.word);
	UT_CHECK(foreign.word == (uint32_t)tid + 1, "a word owned by another id is left alone: %#x",
		 foreign.word);
	UT_EXPECT_ERRNO(syscall(SYS_set_robust_list, &rhead, 8), EINVAL);
}

/* ---- many threads ---- */

#define BATCH 10
#define BATCHES 30
#define MOS_THREAD_LIMIT 256	/* live threads of a process on M-OS */

static volatile int many_done;
static volatile int hold_threads;

static int count_thread(void *unused)
{
	(void)unused;
	__atomic_add_fetch(&many_done, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int hold_thread(void *unused)
{
	(void)unused;
	while (hold_threads)
		rsys(SYS_sched_yield, 0, 0, 0);
	return 0;
}

/* 300 threads, 10 at a time, on 10 reused stacks: the exited ones are
 * freed (runall's leak check sees the kernel's thread count at the end). */
static void test_many(void)
{
	static volatile int ctid[BATCH];
	void *stacks[BATCH];
	int made = 0, cleared = 0;
	for (int i = 0; i < BATCH; i++)
		stacks[i] = new_stack();
	many_done = 0;
	for (int b = 0; b < BATCHES; b++) {
		for (int i = 0; i < BATCH; i++) {
			ctid[i] = -1;
			made += clone(count_thread, stacks[i], THREAD_FLAGS | CLONE_CHILD_CLEARTID,
				      NULL, NULL, NULL, (void *)&ctid[i]) > 0;
		}
		for (int i = 0; i < BATCH; i++)
			cleared += wait_for(&ctid[i], 0, WAIT_MS);
	}
	UT_CHECK(made == BATCH * BATCHES && cleared == BATCH * BATCHES && many_done == made,
		 "300 threads: %d made, %d cleared their tid, %d ran", made, cleared, many_done);

	if (!ut_is_mos())
		return;
	/* M-OS's limit: at most 256 live threads, then EAGAIN. */
	static volatile int lctid[MOS_THREAD_LIMIT];
	int live = 1, err = 0;
	hold_threads = 1;
	for (int i = 0; i < MOS_THREAD_LIMIT; i++) {
		lctid[i] = -1;
		if (clone(hold_thread, new_stack(), THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL,
			  NULL, NULL, (void *)&lctid[i]) < 0) {
			err = errno;
			lctid[i] = 0;
			break;
		}
		live++;
	}
	UT_CHECK(live == MOS_THREAD_LIMIT && err == EAGAIN,
		 "thread limit: %d live, then %s (expected 256, EAGAIN)", live, ut_errname(err));
	hold_threads = 0;
	int ended = 0;
	for (int i = 0; i < MOS_THREAD_LIMIT; i++)
		ended += wait_for(&lctid[i], 0, WAIT_MS);
	UT_CHECK(ended == MOS_THREAD_LIMIT, "all held threads ended: %d", ended);
}

/* ---- pthreads ---- */

static volatile int pt_flag;

static void *pt_set_flag(void *arg)
{
	pt_flag = (int)(intptr_t)arg;
	return arg;
}

static void child_pthread_create(void *unused)
{
	(void)unused;
	pthread_t th;
	if (pthread_create(&th, NULL, pt_set_flag, (void *)(intptr_t)17) != 0)
		_exit(2);
	_exit(wait_for(&pt_flag, 17, WAIT_MS) ? 0 : 1);
}

static void *pt_sum(void *arg)
{
	long n = (long)(intptr_t)arg, s = 0;
	for (long i = 1; i <= n; i++)
		s += i;
	return (void *)(intptr_t)s;
}

static void test_pthreads(void)
{
	int st = ut_run_child(child_pthread_create, NULL);
	UT_CHECK_EXITED(st, 0, "pthread_create runs the thread");

	int probe = 0;
	if (syscall(SYS_futex, &probe, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0 &&
	    errno == ENOSYS) {
		UT_NOTE("no futex in this kernel: pthread_join not tested");
		return;
	}
	pthread_t th[4];
	int made = 0;
	for (int i = 0; i < 4; i++)
		made += pthread_create(&th[i], NULL, pt_sum, (void *)(intptr_t)(1000 * (i + 1))) == 0;
	UT_CHECK(made == 4, "pthread_create x4: %d made", made);
	for (int i = 0; i < made; i++) {
		void *r = NULL;
		long n = 1000 * (i + 1);
		UT_CHECK(pthread_join(th[i], &r) == 0 && (long)(intptr_t)r == n * (n + 1) / 2,
			 "pthread_join %d gives the sum %ld", i, (long)(intptr_t)r);
	}
}

static void find_self(const char *argv0)
{
	if (strchr(argv0, '/') && realpath(argv0, self))
		return;
	snprintf(self, sizeof(self), "%s", strchr(argv0, '/') ? argv0 : "/tests/t_thread");
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--exec-check") == 0)
		return exec_check(argv[2]);
	find_self(argc > 0 ? argv[0] : "t_thread");
	test_ids_and_tids();
	test_settls();
	test_exit();
	test_tgkill();
	test_kill_process();
	test_pending_until_unblocked();
	test_fault_to_thread();
	test_fatal_signals();
	test_exec_from_thread();
	test_robust();
	test_many();
	test_pthreads();
	return ut_done("t_thread");
}
