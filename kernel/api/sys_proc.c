/*
 * Process and signal system calls: wait (waitpid, wait4, waitid: exits,
 * stops and continues, proc/jobctl.h), ids, process groups and
 * sessions, kill, sigaction/sigprocmask/sigreturn.  exit, exit_group and
 * the thread calls (gettid, set_tid_address, robust lists, tkill,
 * tgkill) are in thread.c.
 */
#include "api/cputime.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "proc/jobctl.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "util/errno.h"
#include "util/string.h"

#define WAIT_OPTIONS_KNOWN (WNOHANG | WUNTRACED | WCONTINUED)
#define WAITID_EVENTS (WEXITED | WUNTRACED | WCONTINUED)
#define WAITID_OPTIONS_KNOWN (WNOHANG | WNOWAIT | WAITID_EVENTS)
#define KERNEL_SIGSET_SIZE 8
#define RUSAGE_SIZE 72		/* struct rusage */
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

static long wait_common(int32_t pid, uint32_t user_status, uint32_t options,
			uint32_t user_rusage)
{
	if (options & ~WAIT_OPTIONS_KNOWN)
		return -EINVAL;
	if (pid == 0)	/* the caller's group */
		pid = -curproc->pgid;
	int status = 0;
	uint64_t cputime[2];
	int rc = proc_wait(pid, (int)options | WEXITED, &status, cputime);
	if (rc > 0 && user_status && copy_to_user((void *)user_status, &status, sizeof(status)) < 0)
		return -EFAULT;
	if (rc > 0 && user_rusage && rusage_put(user_rusage, cputime[0], cputime[1]) < 0)
		return -EFAULT;
	return rc;
}

SYSCALL(waitpid)
{
	return wait_common((int32_t)a1, a2, a3, 0);
}

/* The rusage is the reaped child's CPU time (with its reaped children's),
 * the other fields 0; all zero when nothing was reaped. */
SYSCALL(wait4)
{
	if (a4 && clear_user((void *)a4, RUSAGE_SIZE) < 0)
		return -EFAULT;
	return wait_common((int32_t)a1, a2, a3, a4);
}

/* The SIGCHLD part of Linux's i386 siginfo_t, as waitid fills it. */
struct waitid_info {
	int32_t si_signo, si_errno, si_code;
	int32_t si_pid;
	uint32_t si_uid;
	int32_t si_status;
	int32_t si_utime, si_stime;
};

/* A wait status as waitid reports it: si_code and si_status. */
static void waitid_fill(struct waitid_info *info, int pid, int status)
{
	info->si_signo = SIGCHLD;
	info->si_pid = pid;
	if (status == W_CONTINUED) {
		info->si_code = CLD_CONTINUED;
		info->si_status = SIGCONT;
	} else if ((status & WAIT_SIG_MASK) == WAIT_SIG_MASK) {
		info->si_code = CLD_STOPPED;
		info->si_status = (status >> WAIT_CODE_SHIFT) & WAIT_CODE_MASK;
	} else if (status & WAIT_SIG_MASK) {
		info->si_code = CLD_KILLED;
		info->si_status = status & WAIT_SIG_MASK;
	} else {
		info->si_code = CLD_EXITED;
		info->si_status = (status >> WAIT_CODE_SHIFT) & WAIT_CODE_MASK;
	}
}

/* waitid(idtype, id, infop, options, rusage): 0 once a child is found
 * (or, with WNOHANG, none yet: si_pid 0). */
SYSCALL(waitid)
{
	int32_t id = (int32_t)a2;
	int options = (int)a4, pid;
	if ((options & ~WAITID_OPTIONS_KNOWN) || !(options & WAITID_EVENTS))
		return -EINVAL;
	switch (a1) {
	case P_ALL: pid = -1; break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		pid = id;
		break;
	case P_PGID:
		if (id < 0 || id == 1)	/* -1 would mean "any" */
			return id < 0 ? -EINVAL : -ECHILD;
		pid = id ? -id : -curproc->pgid;
		break;
	default:
		return -EINVAL;
	}
	if (a5 && clear_user((void *)a5, RUSAGE_SIZE) < 0)
		return -EFAULT;
	int status = 0;
	uint64_t cputime[2];
	int rc = proc_wait(pid, options, &status, cputime);
	if (rc < 0)
		return rc;
	struct waitid_info info;
	memset(&info, 0, sizeof(info));
	if (rc > 0)
		waitid_fill(&info, rc, status);
	if (a3 && copy_to_user((void *)a3, &info, sizeof(info)) < 0)
		return -EFAULT;
	if (rc > 0 && a5 && rusage_put(a5, cputime[0], cputime[1]) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL(getpid) { return curproc->pid; }
SYSCALL(getppid) { return curproc->parent ? curproc->parent->pid : 0; }

SYSCALL(umask)
{
	uint32_t old = curproc->umask;
	curproc->umask = a1 & 0777;
	return old;
}

SYSCALL(getpgid) { return jobctl_getpgid((int32_t)a1); }
SYSCALL(getpgrp) { return jobctl_getpgid(0); }
SYSCALL(getsid) { return jobctl_getsid((int32_t)a1); }
SYSCALL(setpgid) { return jobctl_setpgid((int32_t)a1, (int32_t)a2); }
SYSCALL(setsid) { return jobctl_setsid(); }

SYSCALL(kill)
{
	int32_t pid = (int32_t)a1;
	int sig = (int)a2;
	if (pid > 0)
		return signal_send_pid(pid, sig);
	if (pid == 0)
		return signal_kill_group(curproc->pgid, sig);
	return signal_kill_group(pid == -1 ? -1 : -pid, sig);
}

SYSCALL(rt_sigaction)
{
	k_sigaction_t act, old;
	if (a4 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (a2 && copy_from_user(&act, (void *)a2, sizeof(act)) < 0)
		return -EFAULT;
	int rc = signal_sigaction((int)a1, a2 ? &act : NULL, a3 ? &old : NULL);
	if (rc == 0 && a3 && copy_to_user((void *)a3, &old, sizeof(old)) < 0)
		return -EFAULT;
	return rc;
}

SYSCALL(rt_sigprocmask)
{
	uint64_t set, old;
	if (a4 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (a2 && copy_from_user(&set, (void *)a2, sizeof(set)) < 0)
		return -EFAULT;
	int rc = signal_sigprocmask((int)a1, a2 ? &set : NULL, a3 ? &old : NULL);
	if (rc == 0 && a3 && copy_to_user((void *)a3, &old, sizeof(old)) < 0)
		return -EFAULT;
	return rc;
}

SYSCALL(rt_sigreturn)
{
	return signal_sigreturn(curthr->user_frame, true);
}

SYSCALL(sigreturn)
{
	return signal_sigreturn(curthr->user_frame, false);
}

SYSCALL(sched_yield)
{
	sched_yield();
	return 0;
}

SYSCALL(pause)
{
	wait_queue_t never;
	wait_queue_init(&never);
	sched_cancellable_sleep_on(&never, NULL);
	return -EINTR;
}
