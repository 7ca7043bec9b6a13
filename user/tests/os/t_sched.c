/*
 * t_sched: scheduling policies, priorities, nice and affinity.
 *
 *  - the priority ranges of every policy; defaults (SCHED_OTHER, priority
 *    0, nice 0);
 *  - errors as Linux: EINVAL (bad policy, priority out of range for the
 *    policy, negative pid, NULL param), ESRCH (no such pid), EFAULT;
 *  - SCHED_FIFO/SCHED_RR round trips through sched_setparam and
 *    sched_getparam; SCHED_RESET_ON_FORK is reported and makes a child
 *    SCHED_OTHER; without it a child inherits policy and priority, and
 *    exec keeps them; sched_rr_get_interval (100 ms for SCHED_RR on M-OS);
 *  - nice, getpriority, setpriority (clamping, PRIO_PGRP, errors), nice
 *    inherited by a child; on M-OS the time-sharing slice follows nice;
 *  - affinity: sched_getaffinity returns the kernel's mask size, EINVAL
 *    for a too-small size; a mask without an online CPU is EINVAL; a set
 *    mask is reported and inherited; getcpu (CPU 0 and node 0 on M-OS);
 *  - M-OS's cooperative class MOS_SCHED_COOP (EINVAL on Linux);
 *  - ordering, on M-OS only (one CPU; a multi-core host runs the children
 *    in parallel): a SCHED_FIFO child runs to completion before an OTHER
 *    one created before it; two SCHED_RR children spinning 600 ms
 *    take turns (every 100 ms slice) and two SCHED_FIFO ones do not; a MOS_SCHED_COOP child spinning 200 ms is
 *    not preempted by a spinning OTHER sibling (and an OTHER one is).
 *    Every spinning child is bounded in time.
 *
 * Real-time policies need root (or CAP_SYS_NICE) on Linux: as another
 * user the test checks EPERM instead.
 */
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "mos/sched.h"
#include "utest.h"

#define RT_LOW 10
#define RT_HIGH 20
#define RT_PARENT 50
#define SPIN_MS 100
#define RR_SPIN_MS 600
#define COOP_SPIN_MS 200
#define OTHER_BOUND_MS 3000
#define WAIT_MS 20000
#define BAD_PTR ((void *)8)
#define MOS_RR_INTERVAL_NS 100000000L
#define NICE_EMU "the emulator returns the new nice value (the host libc's nice()), not 0"

struct shared {
	volatile int ticket;		/* next order number */
	volatile int order[4];		/* each child's order numbers */
	volatile int last;		/* the last child seen running */
	volatile int switches;		/* changes of last */
	volatile long long deadline;	/* the rotating children's end (ms) */
	volatile long counter;		/* the OTHER sibling's progress */
	volatile int stop;
	volatile long seen[3];		/* counter before, after the spin, after yield */
};

static struct shared *sh;
static int rt_ok;		/* real-time policies may be set */
static const char *self;

static int set_policy(pid_t pid, int policy, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	return sched_setscheduler(pid, policy, &sp);
}

static int get_prio(pid_t pid)
{
	struct sched_param sp = { .sched_priority = -1 };
	if (sched_getparam(pid, &sp) < 0)
		return -1;
	return sp.sched_priority;
}

static void spin_ms(long ms)
{
	long long end = ut_now_ms() + ms;
	while (ut_now_ms() < end)
		;
}

/* A pid that names no process: a reaped child's. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	int st;
	waitpid(pid, &st, 0);
	return pid;
}

static void test_ranges(void)
{
	UT_CHECK(sched_get_priority_max(SCHED_FIFO) == 99, "max FIFO %d",
		 sched_get_priority_max(SCHED_FIFO));
	UT_CHECK(sched_get_priority_min(SCHED_FIFO) == 1, "min FIFO %d",
		 sched_get_priority_min(SCHED_FIFO));
	UT_CHECK(sched_get_priority_max(SCHED_RR) == 99, "max RR");
	UT_CHECK(sched_get_priority_min(SCHED_RR) == 1, "min RR");
	int others[] = { SCHED_OTHER, SCHED_BATCH, SCHED_IDLE };
	for (int i = 0; i < 3; i++)
		UT_CHECK(sched_get_priority_max(others[i]) == 0 &&
			 sched_get_priority_min(others[i]) == 0, "policy %d range", others[i]);
	UT_EXPECT_ERRNO(sched_get_priority_max(4), EINVAL);
	UT_EXPECT_ERRNO(sched_get_priority_min(-1), EINVAL);
	UT_EXPECT_ERRNO(sched_get_priority_max(77), EINVAL);
	if (ut_is_mos()) {
		UT_CHECK(sched_get_priority_max(MOS_SCHED_COOP) == 0 &&
			 sched_get_priority_min(MOS_SCHED_COOP) == 0, "MOS_SCHED_COOP range");
	} else {
		UT_EXPECT_ERRNO(sched_get_priority_max(MOS_SCHED_COOP), EINVAL);
	}
	UT_CHECK(sched_getscheduler(0) == SCHED_OTHER, "default policy %d", sched_getscheduler(0));
	UT_CHECK(get_prio(0) == 0, "default priority %d", get_prio(0));
	UT_CHECK(sched_getscheduler(getpid()) == SCHED_OTHER, "policy by own pid");
}

static void test_errors(void)
{
	struct sched_param sp = { .sched_priority = 0 };
	pid_t dead = dead_pid();
	UT_EXPECT_ERRNO(set_policy(-1, SCHED_OTHER, 0), EINVAL);
	UT_EXPECT_ERRNO(sched_setscheduler(0, SCHED_OTHER, NULL), EINVAL);
	UT_EXPECT_ERRNO(sched_setscheduler(0, SCHED_OTHER, BAD_PTR), EFAULT);
	UT_EXPECT_ERRNO(set_policy(0, 4, 0), EINVAL);
	UT_EXPECT_ERRNO(set_policy(0, 77, 0), EINVAL);
	UT_EXPECT_ERRNO(set_policy(0, -5, 0), EINVAL);
	UT_EXPECT_ERRNO(set_policy(0, SCHED_OTHER, 1), EINVAL);
	UT_EXPECT_ERRNO(set_policy(0, SCHED_BATCH, -1), EINVAL);
	UT_EXPECT_ERRNO(set_policy(0, SCHED_FIFO, 0), EINVAL);
	UT_EXPECT_ERRNO(set_policy(0, SCHED_FIFO, 100), EINVAL);
	UT_EXPECT_ERRNO(set_policy(0, SCHED_RR, -3), EINVAL);
	UT_EXPECT_ERRNO(set_policy(dead, SCHED_OTHER, 0), ESRCH);
	UT_EXPECT_ERRNO(sched_getscheduler(-1), EINVAL);
	UT_EXPECT_ERRNO(sched_getscheduler(dead), ESRCH);
	UT_EXPECT_ERRNO(sched_getparam(0, NULL), EINVAL);
	UT_EXPECT_ERRNO(sched_getparam(-1, &sp), EINVAL);
	UT_EXPECT_ERRNO(sched_getparam(dead, &sp), ESRCH);
	UT_EXPECT_ERRNO(sched_getparam(0, BAD_PTR), EFAULT);
	sp.sched_priority = 5;	/* SCHED_OTHER takes only 0 */
	UT_EXPECT_ERRNO(sched_setparam(0, &sp), EINVAL);
	UT_EXPECT_ERRNO(sched_setparam(0, NULL), EINVAL);
	UT_EXPECT_ERRNO(sched_setparam(-2, &sp), EINVAL);
	UT_EXPECT_ERRNO(sched_setparam(0, BAD_PTR), EFAULT);
	struct timespec ts;
	UT_EXPECT_ERRNO(sched_rr_get_interval(-1, &ts), EINVAL);
	UT_EXPECT_ERRNO(sched_rr_get_interval(dead, &ts), ESRCH);
	/* glibc converts from a time64 call itself: ask the kernel directly */
	UT_EXPECT_ERRNO(syscall(SYS_sched_rr_get_interval, 0, BAD_PTR), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_sched_rr_get_interval_time64, 0, BAD_PTR), EFAULT);
	UT_CHECK(sched_getscheduler(0) == SCHED_OTHER && get_prio(0) == 0,
		 "failed calls changed nothing");
}

/* The policy (with flag) and priority of a forked child, through its
 * exit status: policy in the high bits, priority in the low. */
static int child_policy_report(void)
{
	int pol = sched_getscheduler(0);
	int code = (pol == SCHED_OTHER ? 0 : pol == SCHED_FIFO ? 1 : pol == SCHED_RR ? 2 :
		    pol == (SCHED_FIFO | SCHED_RESET_ON_FORK) ? 3 : 7) << 5;
	int prio = get_prio(0);
	return code | (prio >= 0 && prio < 32 ? prio : 31);
}

static int forked_report(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_policy_report());
	int st = -1;
	if (ut_wait(pid, &st, WAIT_MS) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The policy report of this program exec'd in a forked child. */
static int execed_report(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, "--report", NULL };
		mos_execve(self, argv, environ);
		_exit(126);
	}
	int st = -1;
	if (ut_wait(pid, &st, WAIT_MS) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void test_rt_policies(void)
{
	if (!rt_ok) {
		UT_EXPECT_ERRNO(set_policy(0, SCHED_FIFO, RT_LOW), EPERM);
		UT_NOTE("not root: real-time policies are EPERM here, round trips skipped");
		return;
	}
	UT_CHECK(set_policy(0, SCHED_FIFO, RT_LOW) == 0, "FIFO %d: %s", RT_LOW, strerror(errno));
	UT_CHECK(sched_getscheduler(0) == SCHED_FIFO && get_prio(0) == RT_LOW,
		 "FIFO: got policy %d priority %d", sched_getscheduler(0), get_prio(0));
	struct sched_param sp = { .sched_priority = RT_HIGH };
	UT_CHECK(sched_setparam(0, &sp) == 0 && get_prio(0) == RT_HIGH &&
		 sched_getscheduler(0) == SCHED_FIFO, "setparam %d: priority %d", RT_HIGH,
		 get_prio(0));
	sp.sched_priority = 0;
	UT_EXPECT_ERRNO(sched_setparam(0, &sp), EINVAL);
	struct timespec ts = { 1, 1 };
	UT_CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 0,
		 "FIFO has no slice: %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
	int r = forked_report();
	UT_CHECK(r == (1 << 5 | RT_HIGH), "fork inherits FIFO %d: report %#x", RT_HIGH, r);
	r = execed_report();
	UT_CHECK(r == (1 << 5 | RT_HIGH), "exec keeps FIFO %d: report %#x", RT_HIGH, r);

	UT_CHECK(set_policy(0, SCHED_RR, RT_LOW) == 0 && sched_getscheduler(0) == SCHED_RR &&
		 get_prio(0) == RT_LOW, "RR %d", RT_LOW);
	UT_CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec > 0,
		 "RR slice %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
	if (ut_is_mos())
		UT_CHECK(ts.tv_nsec == MOS_RR_INTERVAL_NS, "RR slice %ld ns", ts.tv_nsec);
	struct { int64_t tv_sec, tv_nsec; } ts64 = { 1, 1 };	/* __kernel_timespec */
	UT_CHECK(syscall(SYS_sched_rr_get_interval_time64, 0, &ts64) == 0 &&
		 ts64.tv_sec == 0 && ts64.tv_nsec == ts.tv_nsec, "time64 interval %lld",
		 (long long)ts64.tv_nsec);
	r = forked_report();
	UT_CHECK(r == (2 << 5 | RT_LOW), "fork inherits RR %d: report %#x", RT_LOW, r);

	UT_CHECK(set_policy(0, SCHED_FIFO | SCHED_RESET_ON_FORK, RT_LOW) == 0,
		 "FIFO with SCHED_RESET_ON_FORK: %s", strerror(errno));
	UT_CHECK(sched_getscheduler(0) == (SCHED_FIFO | SCHED_RESET_ON_FORK),
		 "the flag is reported: %#x", sched_getscheduler(0));
	r = forked_report();
	UT_CHECK(r == 0, "a child of a reset-on-fork parent: report %#x (want OTHER 0)", r);
	UT_CHECK(set_policy(0, SCHED_OTHER, 0) == 0 && sched_getscheduler(0) == SCHED_OTHER &&
		 get_prio(0) == 0, "back to OTHER clears the flag (%#x)", sched_getscheduler(0));
	UT_CHECK(set_policy(0, SCHED_BATCH, 0) == 0 && sched_getscheduler(0) == SCHED_BATCH,
		 "SCHED_BATCH");
	UT_CHECK(set_policy(0, SCHED_IDLE, 0) == 0 && sched_getscheduler(0) == SCHED_IDLE,
		 "SCHED_IDLE");
	set_policy(0, SCHED_OTHER, 0);
}

static void test_coop_policy(void)
{
	if (!ut_is_mos()) {
		UT_EXPECT_ERRNO(set_policy(0, MOS_SCHED_COOP, 0), EINVAL);
		return;
	}
	UT_EXPECT_ERRNO(set_policy(0, MOS_SCHED_COOP, 1), EINVAL);
	UT_CHECK(set_policy(0, MOS_SCHED_COOP, 0) == 0 &&
		 sched_getscheduler(0) == MOS_SCHED_COOP, "MOS_SCHED_COOP: %d",
		 sched_getscheduler(0));
	struct timespec ts = { 1, 1 };
	UT_CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 0,
		 "cooperative: no slice");
	UT_CHECK(set_policy(0, SCHED_OTHER, 0) == 0, "back to OTHER");
}

static void test_nice(void)
{
	UT_CHECK(getpriority(PRIO_PROCESS, 0) == 0, "default nice %d", getpriority(PRIO_PROCESS, 0));
	long r = syscall(SYS_nice, 5);
	UT_CHECK_EMU(r == 0, NICE_EMU, "nice(5) returned %ld (%s), not 0", r, strerror(errno));
	UT_CHECK(getpriority(PRIO_PROCESS, 0) == 5, "after nice(5): %d",
		 getpriority(PRIO_PROCESS, 0));
	UT_CHECK(getpriority(PRIO_PROCESS, getpid()) == 5, "by pid");
	UT_CHECK(getpriority(PRIO_PGRP, 0) <= 5, "own group: %d", getpriority(PRIO_PGRP, 0));
	UT_CHECK(setpriority(PRIO_PROCESS, 0, 100) == 0 && getpriority(PRIO_PROCESS, 0) == 19,
		 "setpriority clamps to 19: %d", getpriority(PRIO_PROCESS, 0));
	r = syscall(SYS_nice, 1);
	UT_CHECK_EMU(r == 0, NICE_EMU, "nice(1) at 19 returned %ld, not 0", r);
	UT_CHECK(getpriority(PRIO_PROCESS, 0) == 19, "nice stops at 19: %d",
		 getpriority(PRIO_PROCESS, 0));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(getpriority(PRIO_PROCESS, 0) == 19 ? 0 : 1);
	int st = -1;
	ut_wait(pid, &st, WAIT_MS);
	UT_CHECK_EXITED(st, 0, "a child inherits nice 19");
	if (ut_is_mos()) {
		struct timespec ts;
		UT_CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_nsec == 10000000,
			 "nice 19 slice %ld ns (want 10 ms)", ts.tv_nsec);
	}
	pid_t dead = dead_pid();
	UT_EXPECT_ERRNO(getpriority(3, 0), EINVAL);
	UT_EXPECT_ERRNO(setpriority(-1, 0, 0), EINVAL);
	UT_EXPECT_ERRNO(getpriority(PRIO_PROCESS, dead), ESRCH);
	UT_EXPECT_ERRNO(setpriority(PRIO_PROCESS, dead, 0), ESRCH);
	if (geteuid() != 0 && !ut_is_mos()) {
		UT_EXPECT_ERRNO(setpriority(PRIO_PROCESS, 0, 0), EACCES);
		return;
	}
	UT_CHECK(setpriority(PRIO_PROCESS, 0, -25) == 0 && getpriority(PRIO_PROCESS, 0) == -20,
		 "setpriority clamps to -20: %d", getpriority(PRIO_PROCESS, 0));
	if (ut_is_mos()) {
		struct timespec ts;
		UT_CHECK(sched_rr_get_interval(0, &ts) == 0 && ts.tv_nsec == 100000000,
			 "nice -20 slice %ld ns (want 100 ms)", ts.tv_nsec);
	}
	UT_CHECK(setpriority(PRIO_PROCESS, 0, 0) == 0 && getpriority(PRIO_PROCESS, 0) == 0,
		 "back to nice 0");
}

static void test_affinity(void)
{
	cpu_set_t orig, set;
	CPU_ZERO(&orig);
	int n = syscall(SYS_sched_getaffinity, 0, sizeof(orig), &orig);
	UT_CHECK(n > 0 && n % 4 == 0 && n <= (int)sizeof(orig),
		 "getaffinity returns the mask size: %d", n);
	UT_CHECK(CPU_COUNT(&orig) >= 1, "some CPU allowed");
	if (ut_is_mos())
		UT_CHECK(n == 4 && CPU_COUNT(&orig) == 1 && CPU_ISSET(0, &orig),
			 "M-OS: 4 bytes, CPU 0 only (got %d bytes, %d CPUs)", n, CPU_COUNT(&orig));
	UT_EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 0, 0, &set), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 0, 3, &set), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 0, n + 2, &set), EINVAL);
	UT_EXPECT_ERRNO(syscall(SYS_sched_getaffinity, 0, sizeof(set), BAD_PTR), EFAULT);
	pid_t dead = dead_pid();
	UT_EXPECT_ERRNO(sched_getaffinity(dead, sizeof(set), &set), ESRCH);
	UT_EXPECT_ERRNO(sched_setaffinity(dead, sizeof(orig), &orig), ESRCH);
	UT_EXPECT_ERRNO(sched_setaffinity(0, sizeof(set), BAD_PTR), EFAULT);
	CPU_ZERO(&set);
	UT_EXPECT_ERRNO(sched_setaffinity(0, sizeof(set), &set), EINVAL);
	CPU_SET(1000, &set);	/* no machine has it online */
	UT_EXPECT_ERRNO(sched_setaffinity(0, sizeof(set), &set), EINVAL);
	if (ut_is_mos()) {
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		UT_EXPECT_ERRNO(sched_setaffinity(0, sizeof(set), &set), EINVAL);
	}
	int first = 0;
	while (first < CPU_SETSIZE - 1 && !CPU_ISSET(first, &orig))
		first++;
	CPU_ZERO(&set);
	CPU_SET(first, &set);
	CPU_SET(1000, &set);	/* offline CPUs beside an online one are fine */
	UT_CHECK(sched_setaffinity(0, sizeof(set), &set) == 0, "setaffinity CPU %d: %s", first,
		 strerror(errno));
	cpu_set_t got;
	CPU_ZERO(&got);
	UT_CHECK(sched_getaffinity(0, sizeof(got), &got) == 0 && CPU_COUNT(&got) == 1 &&
		 CPU_ISSET(first, &got), "mask reads back as CPU %d only (%d CPUs)", first,
		 CPU_COUNT(&got));
	unsigned cpu = 99, node = 99;
	UT_CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu == (unsigned)first,
		 "getcpu on the only allowed CPU %d: %u", first, cpu);
	if (ut_is_mos())
		UT_CHECK(node == 0, "getcpu node %u", node);
	UT_CHECK(syscall(SYS_getcpu, NULL, NULL, NULL) == 0, "getcpu(NULL, NULL)");
	UT_EXPECT_ERRNO(syscall(SYS_getcpu, BAD_PTR, NULL, NULL), EFAULT);
	UT_EXPECT_ERRNO(syscall(SYS_getcpu, &cpu, BAD_PTR, NULL), EFAULT);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		cpu_set_t c;
		CPU_ZERO(&c);
		_exit(sched_getaffinity(0, sizeof(c), &c) == 0 && CPU_EQUAL(&c, &got) ? 0 : 1);
	}
	int st = -1;
	ut_wait(pid, &st, WAIT_MS);
	UT_CHECK_EXITED(st, 0, "a child inherits the mask");
	UT_CHECK(sched_setaffinity(0, sizeof(orig), &orig) == 0, "mask restored");
}

/* Forks a child that runs fn; it inherits the caller's policy. */
static pid_t spawn(void (*fn)(int), int arg)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid, const char *what)
{
	int st = -1;
	UT_CHECK(pid > 0 && ut_wait(pid, &st, WAIT_MS) == pid, "%s: wait", what);
	UT_CHECK_EXITED(st, 0, what);
}

static void ordered_child(int slot)
{
	sh->order[slot * 2] = __atomic_fetch_add(&sh->ticket, 1, __ATOMIC_SEQ_CST);
	spin_ms(SPIN_MS);
	sh->order[slot * 2 + 1] = __atomic_fetch_add(&sh->ticket, 1, __ATOMIC_SEQ_CST);
}

/* A parent at FIFO 50 makes an OTHER child, then a FIFO 20 one, then
 * waits: the FIFO child runs first and to its end. */
static void test_fifo_before_other(void)
{
	memset((void *)sh, 0, sizeof(*sh));
	UT_CHECK(set_policy(0, SCHED_FIFO, RT_PARENT) == 0, "parent FIFO %d", RT_PARENT);
	pid_t other = spawn(ordered_child, 0);
	UT_CHECK(set_policy(other, SCHED_OTHER, 0) == 0, "first child OTHER");
	pid_t fifo = spawn(ordered_child, 1);
	UT_CHECK(set_policy(fifo, SCHED_FIFO, RT_HIGH) == 0, "second child FIFO %d", RT_HIGH);
	UT_CHECK(sched_getscheduler(fifo) == SCHED_FIFO && get_prio(fifo) == RT_HIGH,
		 "the child's policy reads back");
	UT_CHECK(sh->ticket == 0, "no child ran while the FIFO %d parent runs", RT_PARENT);
	set_policy(0, SCHED_OTHER, 0);	/* now both children outrank or equal us */
	reap(fifo, "FIFO child");
	reap(other, "OTHER child");
	UT_CHECK(sh->order[2] == 0 && sh->order[3] == 1 && sh->order[0] == 2,
		 "FIFO child ran first and to its end: FIFO %d..%d, OTHER %d..%d",
		 sh->order[2], sh->order[3], sh->order[0], sh->order[1]);
}

/* Spins (at least once round) until the shared deadline. */
static void rotating_child(int me)
{
	do {
		if (sh->last != me) {
			sh->last = me;
			sh->switches++;
		}
	} while (ut_now_ms() < sh->deadline);
}

/* Two children at the same real-time priority spin until a common
 * deadline RR_SPIN_MS away; returns how often the CPU changed hands
 * between them. */
static int rotations(int policy)
{
	memset((void *)sh, 0, sizeof(*sh));
	sh->deadline = ut_now_ms() + RR_SPIN_MS;
	set_policy(0, SCHED_FIFO, RT_PARENT);
	pid_t a = spawn(rotating_child, 1);
	pid_t b = spawn(rotating_child, 2);
	UT_CHECK(set_policy(a, policy, RT_LOW) == 0 && set_policy(b, policy, RT_LOW) == 0,
		 "children to policy %d priority %d", policy, RT_LOW);
	set_policy(0, SCHED_OTHER, 0);
	reap(a, "rotating child a");
	reap(b, "rotating child b");
	return sh->switches;
}

static void test_rr_rotates(void)
{
	int rr = rotations(SCHED_RR);
	UT_CHECK(rr >= 4, "two SCHED_RR children took turns %d times in %d ms (slices of 100 ms)",
		 rr, RR_SPIN_MS);
	int fifo = rotations(SCHED_FIFO);
	UT_NOTE("equal-priority children took turns: SCHED_RR %d times, SCHED_FIFO %d", rr, fifo);
	UT_CHECK(fifo == 2, "two SCHED_FIFO children took turns %d times (want 2: one after the other)",
		 fifo);
}

static void counting_child(int unused)
{
	(void)unused;
	long long end = ut_now_ms() + OTHER_BOUND_MS;
	while (!sh->stop && ut_now_ms() < end)
		sh->counter++;
}

static void spinning_child(int policy)
{
	if (set_policy(0, policy, 0) < 0)
		_exit(2);
	sh->seen[0] = sh->counter;
	spin_ms(COOP_SPIN_MS);
	sh->seen[1] = sh->counter;
	sched_yield();
	sh->seen[2] = sh->counter;
	sh->stop = 1;
}

/* An OTHER sibling counts while a child of `policy` spins; fills seen. */
static void spin_beside_counter(int policy)
{
	memset((void *)sh, 0, sizeof(*sh));
	pid_t counter = spawn(counting_child, 0);
	while (sh->counter == 0)
		ut_sleep_ms(5);
	pid_t spinner = spawn(spinning_child, policy);
	reap(spinner, "spinning child");
	sh->stop = 1;
	reap(counter, "counting child");
}

static void test_coop_not_preempted(void)
{
	spin_beside_counter(SCHED_OTHER);
	UT_CHECK(sh->seen[1] > sh->seen[0], "control: an OTHER spinner is preempted (%ld -> %ld)",
		 sh->seen[0], sh->seen[1]);
	spin_beside_counter(MOS_SCHED_COOP);
	UT_CHECK(sh->seen[1] == sh->seen[0],
		 "a MOS_SCHED_COOP child spinning %d ms let its OTHER sibling count %ld times",
		 COOP_SPIN_MS, sh->seen[1] - sh->seen[0]);
	UT_CHECK(sh->seen[2] > sh->seen[1], "its sched_yield let the sibling run (%ld -> %ld)",
		 sh->seen[1], sh->seen[2]);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--report") == 0)
		return child_policy_report();
	static char path[PATH_MAX];
	if (strchr(argv[0], '/') && realpath(argv[0], path))
		self = path;
	else
		self = "/tests/t_sched";
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		UT_CHECK(0, "mmap shared: %s", strerror(errno));
		return ut_done("t_sched");
	}
	rt_ok = ut_is_mos() || geteuid() == 0;
	test_ranges();
	test_errors();
	test_rt_policies();
	test_coop_policy();
	test_nice();
	test_affinity();
	if (ut_is_mos() && rt_ok) {
		test_fifo_before_other();
		test_rr_rotates();
		test_coop_not_preempted();
	}
	return ut_done("t_sched");
}
