/*
 * Process and signal system calls: wait, ids, process groups and
 * sessions, kill, sigaction/sigprocmask/sigreturn.  exit, exit_group and
 * the thread calls (gettid, set_tid_address, robust lists, tkill,
 * tgkill) are in thread.c.
 */
#include "api/cputime.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "util/errno.h"

#define WUNTRACED 2
#define WCONTINUED 8
#define WAIT_OPTIONS_KNOWN (WNOHANG | WUNTRACED | WCONTINUED)
#define KERNEL_SIGSET_SIZE 8


static long wait_common(int32_t pid, uint32_t user_status, uint32_t options,
			uint32_t user_rusage)
{
	if (options & ~WAIT_OPTIONS_KNOWN)
		return -EINVAL;
	if (pid < -1 || pid == 0)	/* process-group waits: any child for now */
		pid = -1;
	int status = 0;
	uint64_t cputime[2];
	int rc = proc_waitpid_cputime(pid, &status, options & WNOHANG, cputime);
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
	if (a4 && clear_user((void *)a4, 72) < 0)	/* struct rusage */
		return -EFAULT;
	return wait_common((int32_t)a1, a2, a3, a4);
}

SYSCALL(getpid) { return curproc->pid; }
SYSCALL(getppid) { return curproc->parent ? curproc->parent->pid : 0; }

SYSCALL(umask)
{
	uint32_t old = curproc->umask;
	curproc->umask = a1 & 0777;
	return old;
}

SYSCALL(getpgid)
{
	proc_t *p = a1 ? proc_lookup(a1) : curproc;
	return p ? p->pgid : -ESRCH;
}

SYSCALL(getpgrp) { return curproc->pgid; }

SYSCALL(getsid)
{
	proc_t *p = a1 ? proc_lookup(a1) : curproc;
	return p ? p->sid : -ESRCH;
}

SYSCALL(setpgid)
{
	int32_t pid = a1 ? (int32_t)a1 : curproc->pid;
	int32_t pgid = a2 ? (int32_t)a2 : pid;
	if (pgid < 0)
		return -EINVAL;
	proc_t *p = proc_lookup(pid);
	if (!p || (p != curproc && p->parent != curproc))
		return -ESRCH;
	if (p->sid != curproc->sid)
		return -EPERM;
	if (p->pid == p->sid)	/* a session leader keeps its group */
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

SYSCALL(setsid)
{
	proc_t *p = curproc;
	if (p->pgid == p->pid)
		return -EPERM;
	p->sid = p->pgid = p->pid;
	return p->sid;
}

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
