/*
 * Scheduling policy, priority and affinity system calls, as Linux's:
 * sched_setscheduler/getscheduler/setparam/getparam, the priority ranges,
 * sched_rr_get_interval (and its time64 twin), nice, getpriority and
 * setpriority, sched_setaffinity/getaffinity and getcpu.  sched_setattr
 * and sched_getattr are not implemented (ENOSYS).
 *
 * The attributes live in each thread (sched_attrs_t, under sched_lock);
 * the scheduler (kernel/proc/sched.c) acts on them.  A pid names the
 * process's first thread (pid 0 the caller), which is every thread a
 * process has until threads get their own ids.  The target is found and
 * changed under proc_lock, so it cannot be reaped meanwhile; user memory
 * is copied before or after, never under the lock.
 *
 * Everyone is root on M-OS, so nothing is refused for lack of privilege;
 * sched_permitted() is where Linux's CAP_SYS_NICE checks would go.
 */
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "api/linux_abi.h"
#include "drivers/pit.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2
#define NICE_TO_PRIO(n) (20 - (n))	/* getpriority's result: 1..40 */
#define NICE_INC_LIMIT 40
#define CPUMASK_BYTES sizeof(uint32_t)	/* the kernel's cpu mask (NCPUS_MAX <= 32) */
#define NSEC_PER_SEC 1000000000u

/* The thread pid names (0: the caller); proc_lock held.  NULL: none.
 * As on Linux the id is a thread id (pthread_setaffinity_np and
 * pthread_setschedparam pass one); a process id whose first thread has
 * exited still names the process's oldest live thread. */
static kthread_t *target_locked(int32_t pid)
{
	if (pid == 0)
		return curthr;
	kthread_t *t = proc_thread_lookup_locked(pid);
	if (t && t->proc->pid != 0)
		return t;
	proc_t *p = pid > 0 ? proc_lookup_locked(pid) : NULL;
	if (!p || p->pid == 0 || list_empty(&p->threads))
		return NULL;	/* pid 0's idle thread is not a target */
	return list_entry(p->threads.next, kthread_t, proc_link);
}

static int target_get(int32_t pid, sched_attrs_t *out)
{
	spin_lock(&proc_lock);
	kthread_t *t = target_locked(pid);
	if (t)
		sched_attrs_get(t, out);
	spin_unlock(&proc_lock);
	return t ? 0 : -ESRCH;
}

/* Linux refuses real-time policies and lower nice values to processes
 * without CAP_SYS_NICE (or within RLIMIT_RTPRIO/RLIMIT_NICE); on M-OS
 * every process is root, so this is where that check would go. */
static int sched_permitted(const sched_attrs_t *old, const sched_attrs_t *new)
{
	(void)old;
	(void)new;
	return 0;
}

static bool rt_policy(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

static bool valid_policy(int policy)
{
	return policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ||
	       rt_policy(policy) || policy == MOS_SCHED_COOP;
}

/* Sets pid's policy (policy < 0: keep it, as sched_setparam) and static
 * priority, checked as Linux does: a real-time policy needs 1..99, any
 * other 0. */
static long set_scheduler(int32_t pid, int32_t policy, int32_t priority)
{
	bool reset_on_fork = false;
	if (policy >= 0) {
		reset_on_fork = (policy & SCHED_RESET_ON_FORK) != 0;
		policy &= ~SCHED_RESET_ON_FORK;
		if (!valid_policy(policy))
			return -EINVAL;
	}
	spin_lock(&proc_lock);
	long rc = -ESRCH;
	kthread_t *t = target_locked(pid);
	if (!t)
		goto out_unlock;
	sched_attrs_t old, a;
	sched_attrs_get(t, &old);
	a = old;
	if (policy >= 0) {
		a.policy = policy;
		a.reset_on_fork = reset_on_fork;
	}
	rc = -EINVAL;
	if (rt_policy(a.policy) ? priority < SCHED_RT_PRIO_MIN || priority > SCHED_RT_PRIO_MAX
				: priority != 0)
		goto out_unlock;
	a.priority = priority;
	if ((rc = sched_permitted(&old, &a)) < 0)
		goto out_unlock;
	sched_attrs_set(t, &a);
	rc = 0;
out_unlock:
	spin_unlock(&proc_lock);
	return rc;
}

/* struct sched_param: one int. */
static long read_param(uint32_t uparam, int32_t pid, int32_t *priority)
{
	if (!uparam || pid < 0)
		return -EINVAL;
	return copy_from_user(priority, (void *)uparam, sizeof(*priority)) < 0 ? -EFAULT : 0;
}

SYSCALL(sched_setscheduler)
{
	int32_t priority;
	if ((int32_t)a2 < 0)	/* negative means "keep" only inside */
		return -EINVAL;
	long rc = read_param(a3, (int32_t)a1, &priority);
	return rc < 0 ? rc : set_scheduler((int32_t)a1, (int32_t)a2, priority);
}

SYSCALL(sched_setparam)
{
	int32_t priority;
	long rc = read_param(a2, (int32_t)a1, &priority);
	return rc < 0 ? rc : set_scheduler((int32_t)a1, -1, priority);
}

SYSCALL(sched_getscheduler)
{
	sched_attrs_t a;
	if ((int32_t)a1 < 0)
		return -EINVAL;
	long rc = target_get((int32_t)a1, &a);
	if (rc < 0)
		return rc;
	return a.policy | (a.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

SYSCALL(sched_getparam)
{
	sched_attrs_t a;
	if (!a2 || (int32_t)a1 < 0)
		return -EINVAL;
	long rc = target_get((int32_t)a1, &a);
	if (rc < 0)
		return rc;
	int32_t priority = a.priority;
	return copy_to_user((void *)a2, &priority, sizeof(priority)) < 0 ? -EFAULT : 0;
}

SYSCALL(sched_get_priority_max)
{
	int32_t policy = (int32_t)a1;
	if (!valid_policy(policy))
		return -EINVAL;
	return rt_policy(policy) ? SCHED_RT_PRIO_MAX : 0;
}

SYSCALL(sched_get_priority_min)
{
	int32_t policy = (int32_t)a1;
	if (!valid_policy(policy))
		return -EINVAL;
	return rt_policy(policy) ? SCHED_RT_PRIO_MIN : 0;
}

/* The slice sched_rr_get_interval reports, in nanoseconds: SCHED_RR's,
 * or a time-sharing thread's by its nice; 0 for FIFO and cooperative
 * threads (they have none). */
static long rr_interval_ns(int32_t pid, uint64_t *ns)
{
	sched_attrs_t a;
	if (pid < 0)
		return -EINVAL;
	long rc = target_get(pid, &a);
	if (rc < 0)
		return rc;
	*ns = (uint64_t)sched_slice_ticks(&a) * (NSEC_PER_SEC / HZ);
	return 0;
}

SYSCALL(sched_rr_get_interval)
{
	uint64_t ns;
	long rc = rr_interval_ns((int32_t)a1, &ns);
	if (rc < 0)
		return rc;
	struct linux_timespec32 ts = { (int32_t)(ns / NSEC_PER_SEC), (int32_t)(ns % NSEC_PER_SEC) };
	return copy_to_user((void *)a2, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

SYSCALL(sched_rr_get_interval_time64)
{
	uint64_t ns;
	long rc = rr_interval_ns((int32_t)a1, &ns);
	if (rc < 0)
		return rc;
	struct linux_timespec64 ts = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
	return copy_to_user((void *)a2, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

static int clamp_nice(int32_t nice)
{
	return nice < SCHED_NICE_MIN ? SCHED_NICE_MIN : nice > SCHED_NICE_MAX ? SCHED_NICE_MAX : nice;
}

/* Sets t's nice (proc_lock held); 0 or -EPERM. */
static int set_nice_locked(kthread_t *t, int nice)
{
	sched_attrs_t old, a;
	sched_attrs_get(t, &old);
	a = old;
	a.nice = nice;
	int rc = sched_permitted(&old, &a);
	if (rc == 0)
		sched_attrs_set(t, &a);
	return rc;
}

/* nice(inc): Linux's system call returns 0, not the new value (glibc's
 * nice() asks getpriority for that). */
SYSCALL(nice)
{
	int32_t inc = (int32_t)a1;
	inc = inc < -NICE_INC_LIMIT ? -NICE_INC_LIMIT : inc > NICE_INC_LIMIT ? NICE_INC_LIMIT : inc;
	sched_attrs_t a;
	spin_lock(&proc_lock);
	sched_attrs_get(curthr, &a);
	int rc = set_nice_locked(curthr, clamp_nice(a.nice + inc));
	spin_unlock(&proc_lock);
	return rc;
}

/* Whether process p is one that (which, who) names; proc_lock held.
 * PRIO_USER names the processes whose real uid is who (0: the caller's). */
static bool prio_matches(proc_t *p, int which, int32_t who)
{
	if (p->pid == 0)
		return false;
	cred_t mine, its;
	switch (which) {
	case PRIO_PGRP: return p->pgid == (who ? who : curproc->pgid);
	case PRIO_USER:
		cred_get(curproc, &mine);
		cred_get(p, &its);
		return its.uid.real == (who ? (uint32_t)who : mine.uid.real);
	default: return false;
	}
}

/* Visits every thread (which, who) names: getpriority
 * (set == false: the lowest nice into *nice) or setpriority (set: *nice
 * given to each).  Returns 0, -ESRCH if none matched, -EPERM. */
static long for_each_prio_target(int which, int32_t who, bool set, int *nice)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	long rc = -ESRCH;
	int lowest = SCHED_NICE_MAX + 1;
	spin_lock(&proc_lock);
	if (which == PRIO_PROCESS) {
		kthread_t *t = target_locked(who);
		if (t) {
			sched_attrs_t a;
			sched_attrs_get(t, &a);
			lowest = a.nice;
			rc = set ? set_nice_locked(t, *nice) : 0;
		}
		goto out_unlock;
	}
	list_t *l, *tl;
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (!prio_matches(p, which, who))
			continue;
		list_for_each(tl, &p->threads) {
			kthread_t *t = list_entry(tl, kthread_t, proc_link);
			sched_attrs_t a;
			sched_attrs_get(t, &a);
			lowest = MIN(lowest, a.nice);
			if (rc == -ESRCH)
				rc = 0;
			if (set && rc == 0)
				rc = set_nice_locked(t, *nice);
		}
	}
out_unlock:
	spin_unlock(&proc_lock);
	if (rc == 0 && !set)
		*nice = lowest;
	return rc;
}

/* The raw system call returns 20 - nice (1..40); glibc converts. */
SYSCALL(getpriority)
{
	int nice = 0;
	long rc = for_each_prio_target((int)a1, (int32_t)a2, false, &nice);
	return rc < 0 ? rc : NICE_TO_PRIO(nice);
}

SYSCALL(setpriority)
{
	int nice = clamp_nice((int32_t)a3);
	return for_each_prio_target((int)a1, (int32_t)a2, true, &nice);
}

/* Linux copies at most its mask's size (and zero-fills a shorter one);
 * the new mask must name an online CPU. */
SYSCALL(sched_setaffinity)
{
	uint32_t mask = 0;
	size_t len = MIN((size_t)a2, CPUMASK_BYTES);
	if (copy_from_user(&mask, (void *)a3, len) < 0)
		return -EFAULT;
	spin_lock(&proc_lock);
	long rc = -ESRCH;
	kthread_t *t = target_locked((int32_t)a1);
	if (!t)
		goto out_unlock;
	rc = -EINVAL;
	if (!(mask & sched_online_cpus()))
		goto out_unlock;
	sched_attrs_t a;
	sched_attrs_get(t, &a);
	a.affinity = mask & ((1u << NCPUS_MAX) - 1);	/* the CPUs that exist */
	sched_attrs_set(t, &a);
	rc = 0;
out_unlock:
	spin_unlock(&proc_lock);
	return rc;
}

/* Returns the bytes written: the kernel's mask size.  A buffer too small
 * for it, or not a whole number of longs, is EINVAL. */
SYSCALL(sched_getaffinity)
{
	if (a2 < CPUMASK_BYTES || (a2 & (sizeof(uint32_t) - 1)))
		return -EINVAL;
	sched_attrs_t a;
	long rc = target_get((int32_t)a1, &a);
	if (rc < 0)
		return rc;
	uint32_t mask = a.affinity & sched_online_cpus();
	if (copy_to_user((void *)a3, &mask, CPUMASK_BYTES) < 0)
		return -EFAULT;
	return CPUMASK_BYTES;
}

/* getcpu(cpu, node, cache): CPU and NUMA node 0; either pointer may be
 * NULL; the third argument is unused, as on Linux. */
SYSCALL(getcpu)
{
	uint32_t cpu = (uint32_t)cpu_this()->id, node = 0;
	if (a1 && copy_to_user((void *)a1, &cpu, sizeof(cpu)) < 0)
		return -EFAULT;
	if (a2 && copy_to_user((void *)a2, &node, sizeof(node)) < 0)
		return -EFAULT;
	return 0;
}
