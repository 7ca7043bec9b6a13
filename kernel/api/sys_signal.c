/*
 * Waiting for signals and the alternate signal stack: rt_sigsuspend and
 * sigsuspend, rt_sigpending and sigpending, rt_sigtimedwait (and its
 * time64 form), sigaltstack.  The signal layer (kernel/proc/signal.c)
 * does the work; this file checks and copies what user space passes, in
 * Linux's order (sigsetsize, then pointers, then values).  The old calls
 * (sigsuspend, sigpending) see only signals 1-32, as on Linux.
 *
 * rt_sigqueueinfo and rt_tgsigqueueinfo (sigqueue(3), pthread_sigqueue)
 * send a signal with the caller's siginfo; as on Linux, only a negative
 * si_code other than SI_TKILL may go to another thread or process (the
 * others would impersonate the kernel or kill): EPERM.
 */
#include "api/linux_abi.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "drivers/clock.h"
#include "entry/intr.h"
#include "proc/kthread.h"
#include "proc/signal.h"
#include "util/errno.h"
#include "util/string.h"

#define KERNEL_SIGSET_SIZE 8
#define OLD_SIGSET_MASK 0xffffffffull

SYSCALL(rt_sigsuspend)
{
	uint64_t mask;
	if (a2 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, (void *)a1, sizeof(mask)) < 0)
		return -EFAULT;
	return signal_suspend(mask);
}

/* i386: sigsuspend(unused, unused, old_sigset_t mask). */
SYSCALL(sigsuspend)
{
	return signal_suspend((uint64_t)a3);
}

SYSCALL(rt_sigpending)
{
	if (a2 > KERNEL_SIGSET_SIZE)
		return -EINVAL;
	uint64_t set = signal_pending_set();
	return copy_to_user((void *)a1, &set, a2) < 0 ? -EFAULT : 0;
}

SYSCALL(sigpending)
{
	uint32_t set = (uint32_t)(signal_pending_set() & OLD_SIGSET_MASK);
	return copy_to_user((void *)a1, &set, sizeof(set)) < 0 ? -EFAULT : 0;
}

static long timedwait(uint32_t user_set, uint32_t user_info, int64_t timeout_ns)
{
	uint64_t set;
	if (copy_from_user(&set, (void *)user_set, sizeof(set)) < 0)
		return -EFAULT;
	ksiginfo_t info;
	long sig = signal_timedwait(set, timeout_ns, &info);
	if (sig > 0 && user_info) {
		uint8_t buf[SIGINFO_SIZE];
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &info, sizeof(info));
		if (copy_to_user((void *)user_info, buf, sizeof(buf)) < 0)
			return -EFAULT;
	}
	return sig;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize) */
SYSCALL(rt_sigtimedwait)
{
	int64_t ns = -1;
	if (a4 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (a3) {
		struct linux_timespec32 ts;
		if (copy_from_user(&ts, (void *)a3, sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		ns = (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	}
	return timedwait(a1, a2, ns);
}

/* As Linux, a 32-bit caller's tv_nsec is the low half of the 64-bit field. */
SYSCALL(rt_sigtimedwait_time64)
{
	int64_t ns = -1;
	if (a4 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (a3) {
		struct linux_timespec64 ts;
		if (copy_from_user(&ts, (void *)a3, sizeof(ts)) < 0)
			return -EFAULT;
		int32_t nsec = (int32_t)ts.tv_nsec;
		if (ts.tv_sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
			return -EINVAL;
		ns = MIN(ts.tv_sec, CLOCK_REALTIME_LIMIT_SEC) * NSEC_PER_SEC + nsec;
	}
	return timedwait(a1, a2, ns);
}

SYSCALL(sigaltstack)
{
	linux_stack_t ss, old;
	if (a1 && copy_from_user(&ss, (void *)a1, sizeof(ss)) < 0)
		return -EFAULT;
	long rc = signal_altstack(a1 ? &ss : NULL, &old, curthr->user_frame->user_esp);
	if (rc == 0 && a2 && copy_to_user((void *)a2, &old, sizeof(old)) < 0)
		return -EFAULT;
	return rc;
}

/* The caller's siginfo for the queueing calls; the signal number is the
 * call's.  -EFAULT, or -EPERM if it may not go to tid. */
static long queued_info(uint32_t user, int tid, ksiginfo_t *info)
{
	if (copy_from_user(info, (void *)user, sizeof(*info)) < 0)
		return -EFAULT;
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) && tid != curthr->utid)
		return -EPERM;
	return 0;
}

/* rt_sigqueueinfo(pid, sig, info) */
SYSCALL(rt_sigqueueinfo)
{
	ksiginfo_t info;
	long rc = queued_info(a3, (int)a1, &info);
	return rc ? rc : signal_queue_info((int)a1, 0, (int)a2, &info);
}

/* rt_tgsigqueueinfo(tgid, tid, sig, info) */
SYSCALL(rt_tgsigqueueinfo)
{
	ksiginfo_t info;
	if (copy_from_user(&info, (void *)a4, sizeof(info)) < 0)
		return -EFAULT;
	if ((int32_t)a1 <= 0 || (int32_t)a2 <= 0)
		return -EINVAL;
	long rc = queued_info(a4, (int)a2, &info);
	return rc ? rc : signal_queue_info((int)a1, (int)a2, (int)a3, &info);
}
