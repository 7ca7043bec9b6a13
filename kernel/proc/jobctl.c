/*
 * Job control: group stop and continue, the wait reports and SIGCHLD
 * they cause, process groups and sessions, and the rules a controlling
 * terminal applies to background processes.
 *
 * Group stop.  The thread that takes a stop signal with the default
 * action sets p->stop_sig and marks every other live thread jobctl_stop,
 * interrupting its cancellable sleep; each thread parks in
 * jobctl_stop_point (from signal delivery, on its way to user mode),
 * counted in p->stopped_threads.  The last one to park makes the process
 * stopped: stop_report is set for wait (WUNTRACED) and the parent told.
 * A thread that exits meanwhile may complete the stop too.  SIGCONT
 * clears stop_sig and wakes p->stop_wait; a parked thread also leaves
 * when cancelled (SIGKILL, exit_group), so a stopped process can die.
 * An interrupted restartable call runs again after the continue; a
 * sleep that is not restartable (nanosleep, pause, sigsuspend,
 * sigtimedwait) ends with EINTR (doc/proc.md).
 *
 * Process groups and sessions are the pgid and sid of each proc_t; a
 * group exists while a live or zombie process has its id.  A controlling
 * terminal is p->ctty, shared by a session (set for every member by
 * TIOCSCTTY, inherited by fork, dropped by setsid); the tty itself
 * records its session and foreground group (drivers/tty.h).
 *
 * Everything here is under proc_lock; a thread's jobctl_stop and the
 * sleep on stop_wait under sched_lock (taken after proc_lock).
 */
#include "proc/jobctl.h"
#include "proc/kthread.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "util/debug.h"
#include "util/errno.h"

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

bool jobctl_is_stop_signal(int sig)
{
	return sig >= 1 && sig <= NSIG && (STOP_SIGNALS & SIGBIT(sig));
}

/* proc_lock held: is group pgid orphaned (POSIX: no member has a parent
 * in another group of the same session), not counting `ignore`, as a
 * member or as a parent?  A group with no other members is orphaned. */
static bool orphaned_locked(int pgid, const proc_t *ignore)
{
	list_t *l;
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p == ignore || p->pgid != pgid || p->state == PROC_DEAD)
			continue;
		proc_t *parent = p->parent;
		if (parent && parent != ignore && parent != proc_init_proc && parent->pgid != pgid &&
		    parent->sid == p->sid)
			return false;
	}
	return true;
}

/* proc_lock held: has group pgid a stopped (or stopping) member? */
static bool has_stopped_locked(int pgid)
{
	list_t *l;
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->pgid == pgid && p->state != PROC_DEAD && p->stop_sig)
			return true;
	}
	return false;
}

void jobctl_notify_parent_locked(proc_t *p, int code, int status)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	proc_t *parent = p->parent;
	if (!parent)
		return;
	sched_broadcast_on(&parent->child_wait);
	bool stopcont = code == CLD_STOPPED || code == CLD_CONTINUED;
	if (stopcont && (parent->sigactions[SIGCHLD].flags & SA_NOCLDSTOP))
		return;
	signal_send_chld_locked(parent, code, p->pid, status);
}

/* proc_lock held: once every live thread is parked, p is stopped. */
static void check_stopped_locked(proc_t *p)
{
	if (!p->stop_sig || p->stopped || p->live_threads == 0 ||
	    p->stopped_threads < p->live_threads || p->exiting)
		return;
	p->stopped = true;
	p->stop_report = W_STOPCODE(p->stop_sig);
	p->cont_report = false;
	dbg(DBG_PROC, "process %d (%s) stopped by signal %d\n", p->pid, p->name, p->stop_sig);
	jobctl_notify_parent_locked(p, CLD_STOPPED, p->stop_sig);
}

void jobctl_stop_begin_locked(proc_t *p, int sig)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	if (p->exiting || p->stop_sig)
		return;
	if (sig != SIGSTOP && orphaned_locked(p->pgid, NULL))
		return;	/* POSIX: discarded in an orphaned group */
	p->stop_sig = sig;
	p->stopped = false;
	list_for_each(l, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		if (t->state == KT_EXITED)
			continue;
		spin_lock(&sched_lock);
		t->jobctl_stop = true;
		spin_unlock(&sched_lock);
		if (t != curthr)
			sched_interrupt(t);
	}
}

void jobctl_stop_point(void)
{
	kthread_t *t = curthr;
	proc_t *p = t->proc;
	spin_lock(&proc_lock);
	if (!p->stop_sig) {
		spin_unlock(&proc_lock);
		return;
	}
	p->stopped_threads++;
	check_stopped_locked(p);
	while (p->stop_sig) {
		spin_lock(&sched_lock);
		spin_unlock(&proc_lock);
		t->jobctl_stop = false;
		/* Other signals wait until the continue; only a cancel
		 * (SIGKILL) or the continue's wakeup ends this sleep. */
		t->sig_interrupt = false;
		int rc = sched_sleep_locked(&p->stop_wait, true);
		bool cancelled = t->cancelled;
		spin_unlock(&sched_lock);
		spin_lock(&proc_lock);
		if (rc < 0 && cancelled)
			break;
	}
	p->stopped_threads--;
	spin_unlock(&proc_lock);
}

void jobctl_continue_locked(proc_t *p)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	signal_discard_locked(p, STOP_SIGNALS);
	if (!p->stop_sig)
		return;
	bool was_stopped = p->stopped;
	p->stop_sig = 0;
	p->stopped = false;
	p->stop_report = 0;
	spin_lock(&sched_lock);
	list_for_each(l, &p->threads)
		list_entry(l, kthread_t, proc_link)->jobctl_stop = false;
	sched_broadcast_locked(&p->stop_wait);
	spin_unlock(&sched_lock);
	if (was_stopped) {
		p->cont_report = true;
		dbg(DBG_PROC, "process %d (%s) continued\n", p->pid, p->name);
		jobctl_notify_parent_locked(p, CLD_CONTINUED, SIGCONT);
	}
}

void jobctl_thread_gone_locked(proc_t *p)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	check_stopped_locked(p);
}

bool jobctl_wait_event_locked(proc_t *c, int options, int *status, int *code)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	if (c->state == PROC_DEAD)
		return false;
	if ((options & WUNTRACED) && c->stop_report) {
		*status = c->stop_report;
		*code = CLD_STOPPED;
		if (!(options & WNOWAIT))
			c->stop_report = 0;
		return true;
	}
	if ((options & WCONTINUED) && c->cont_report) {
		*status = W_CONTINUED;
		*code = CLD_CONTINUED;
		if (!(options & WNOWAIT))
			c->cont_report = false;
		return true;
	}
	return false;
}

/* proc_lock held: SIGHUP then SIGCONT to group pgid if leaving it
 * orphaned (without `gone`) strands stopped members. */
static void hangup_if_orphaned_locked(int pgid, proc_t *gone)
{
	if (!orphaned_locked(pgid, gone) || !has_stopped_locked(pgid))
		return;
	signal_send_group_locked(pgid, SIGHUP);
	signal_send_group_locked(pgid, SIGCONT);
}

void jobctl_exit_orphans_locked(proc_t *p)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	/* Its own group, if its parent was the group's link outside. */
	proc_t *parent = p->parent;
	if (parent && parent->pgid != p->pgid && parent->sid == p->sid)
		hangup_if_orphaned_locked(p->pgid, p);
	/* Its children's groups, whose link to the session it may have been. */
	list_for_each(l, &p->children) {
		proc_t *c = list_entry(l, proc_t, child_link);
		if (c->state != PROC_DEAD && c->pgid != p->pgid && c->sid == p->sid)
			hangup_if_orphaned_locked(c->pgid, p);
	}
}

/* ---- process groups and sessions ---------------------------------- */

/* proc_lock held: the live process pid names (a thread id names its
 * process), or NULL. */
static proc_t *target_locked(int pid)
{
	proc_t *p = proc_lookup_locked(pid);
	if (!p) {
		kthread_t *t = proc_thread_lookup_locked(pid);
		p = t ? t->proc : NULL;
	}
	return p;
}

/* proc_lock held: does a group pgid exist in session sid? */
static bool pgrp_in_session_locked(int pgid, int sid)
{
	list_t *l;
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->pgid == pgid && p->sid == sid)
			return true;
	}
	return false;
}

int jobctl_pgrp_check(int pgid, int sid)
{
	list_t *l;
	int rc = -ESRCH;
	spin_lock(&proc_lock);
	if (pgrp_in_session_locked(pgid, sid)) {
		rc = 0;
	} else {
		list_for_each(l, proc_list_locked())
			if (list_entry(l, proc_t, all_link)->pgid == pgid)
				rc = -EPERM;
	}
	spin_unlock(&proc_lock);
	return rc;
}

int jobctl_setpgid(int pid, int pgid)
{
	proc_t *me = curproc;
	int rc = 0;
	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	proc_t *p = pid ? proc_lookup_locked(pid) : me;
	if (!pgid && p)
		pgid = p->pid;
	if (!p || p->state == PROC_DEAD || (p != me && p->parent != me)) {
		rc = -ESRCH;
	} else if (p != me && p->sid != me->sid) {
		rc = -EPERM;
	} else if (p != me && p->did_exec) {
		rc = -EACCES;
	} else if (p->sid == p->pid) {
		rc = -EPERM;	/* a session leader keeps its group */
	} else if (pgid != p->pid && !pgrp_in_session_locked(pgid, me->sid)) {
		rc = -EPERM;
	} else {
		p->pgid = pgid;
	}
	spin_unlock(&proc_lock);
	return rc;
}

int jobctl_setsid(void)
{
	proc_t *me = curproc;
	int rc;
	spin_lock(&proc_lock);
	list_t *l;
	bool leader = false;
	list_for_each(l, proc_list_locked())
		leader |= list_entry(l, proc_t, all_link)->pgid == me->pid;
	if (leader) {
		rc = -EPERM;	/* a group with its id exists */
	} else {
		me->sid = me->pgid = me->pid;
		me->ctty = NULL;
		rc = me->sid;
	}
	spin_unlock(&proc_lock);
	return rc;
}

int jobctl_getpgid(int pid)
{
	spin_lock(&proc_lock);
	proc_t *p = pid ? target_locked(pid) : curproc;
	int rc = p ? p->pgid : -ESRCH;
	spin_unlock(&proc_lock);
	return rc;
}

int jobctl_getsid(int pid)
{
	spin_lock(&proc_lock);
	proc_t *p = pid ? target_locked(pid) : curproc;
	int rc = p ? p->sid : -ESRCH;
	spin_unlock(&proc_lock);
	return rc;
}

/* ---- controlling terminals ------------------------------------------ */

static bool session_alive_locked(int sid)
{
	list_t *l;
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->sid == sid && p->state != PROC_DEAD)
			return true;
	}
	return false;
}

bool jobctl_session_alive(int sid)
{
	spin_lock(&proc_lock);
	bool alive = session_alive_locked(sid);
	spin_unlock(&proc_lock);
	return alive;
}

int jobctl_ctty_check(struct tty *tty, int tty_sid)
{
	proc_t *me = curproc;
	int rc = 0;
	spin_lock(&proc_lock);
	if (me->ctty == tty && tty_sid == me->sid)
		rc = 0;
	else if (me->sid != me->pid || me->ctty)
		rc = -EPERM;
	else if (tty_sid && tty_sid != me->sid && session_alive_locked(tty_sid))
		rc = -EPERM;
	spin_unlock(&proc_lock);
	return rc;
}

void jobctl_ctty_set(struct tty *tty)
{
	proc_t *me = curproc;
	list_t *l;
	spin_lock(&proc_lock);
	if (!tty) {
		me->ctty = NULL;
	} else {
		list_for_each(l, proc_list_locked()) {
			proc_t *p = list_entry(l, proc_t, all_link);
			if (p->sid == me->sid)
				p->ctty = tty;
		}
	}
	spin_unlock(&proc_lock);
}

bool jobctl_is_ctty(struct tty *tty, int *sid)
{
	proc_t *me = curproc;
	spin_lock(&proc_lock);
	bool is = me->ctty == tty;
	*sid = me->sid;
	spin_unlock(&proc_lock);
	return is;
}

int jobctl_tty_access(struct tty *tty, int fg_pgid, int sig)
{
	proc_t *me = curproc;
	kthread_t *t = curthr;
	int rc = 0;
	spin_lock(&proc_lock);
	if (me->ctty != tty || fg_pgid <= 0 || me->pgid == fg_pgid || !me->vmmap)
		goto out;
	spin_lock(&sched_lock);
	bool blocked = (t->sig_blocked & SIGBIT(sig)) != 0;
	spin_unlock(&sched_lock);
	if (blocked || me->sigactions[sig].handler == SIG_IGN) {
		rc = sig == SIGTTIN ? -EIO : 0;
		goto out;
	}
	if (orphaned_locked(me->pgid, NULL)) {
		rc = -EIO;
		goto out;
	}
	signal_send_group_locked(me->pgid, sig);
	rc = -EINTR;
out:
	spin_unlock(&proc_lock);
	return rc;
}
