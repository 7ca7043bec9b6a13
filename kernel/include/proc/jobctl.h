/* Job control (kernel/proc/jobctl.c): stopping and continuing whole
 * processes, what wait reports about it, process groups, sessions and
 * the controlling terminal's view of them.
 *
 * A stop signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) whose action is the
 * default starts a *group stop* when a thread takes it: p->stop_sig is
 * set and every other thread is interrupted (kthread_t.jobctl_stop); each
 * thread parks in jobctl_stop_point on its way to user mode.  When all
 * live threads are parked the process is stopped: its parent can wait for
 * it (WUNTRACED) and gets SIGCHLD (CLD_STOPPED) unless SA_NOCLDSTOP.
 * SIGCONT, when sent, discards pending stop signals, ends the stop (the
 * threads go on, and then take pending signals: a SIGCONT handler runs
 * after continuing) and, if the process had stopped, reports CLD_CONTINUED.
 * A stopped process still dies of SIGKILL (parked threads sleep
 * cancellably).
 *
 * Every field lives in proc_t and is under proc_lock; a thread's
 * jobctl_stop is under sched_lock. */
#pragma once
#include "util/types.h"
#include "proc/proc.h"

/* si_code values of SIGCHLD (Linux's). */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

struct tty;

bool jobctl_is_stop_signal(int sig);
/* proc_lock held: a thread of p took stop signal sig with the default
 * action.  Starts the group stop (not for an orphaned group's SIGTSTP,
 * SIGTTIN or SIGTTOU, which are discarded, as POSIX asks). */
void jobctl_stop_begin_locked(proc_t *p, int sig);
/* On the way to user mode: if p is stopping, park until continued or
 * cancelled (the caller then tests for cancellation). */
void jobctl_stop_point(void);
/* proc_lock held: SIGCONT was sent to p (before its action counts). */
void jobctl_continue_locked(proc_t *p);
/* proc_lock held, p's live thread count just dropped. */
void jobctl_thread_gone_locked(proc_t *p);
/* proc_lock held: has child c a stop or continue to report for these
 * wait options?  *status gets it; consumed unless WNOWAIT. */
bool jobctl_wait_event_locked(proc_t *c, int options, int *status, int *code);
/* proc_lock held: tells p's parent about p (SIGCHLD with si_code `code`
 * and si_status `status`, and a wakeup of its waits); SA_NOCLDSTOP
 * spares the signal for stops and continues. */
void jobctl_notify_parent_locked(proc_t *p, int code, int status);
/* proc_lock held: p is exiting (before its children are handed to
 * init): groups it leaves orphaned that hold stopped processes get
 * SIGHUP and SIGCONT. */
void jobctl_exit_orphans_locked(proc_t *p);

/* The calls.  -ESRCH, -EPERM, -EACCES, -EINVAL as Linux. */
int jobctl_setpgid(int pid, int pgid);
int jobctl_setsid(void);
int jobctl_getpgid(int pid);
int jobctl_getsid(int pid);

/* Controlling terminals (api/sys_tty.c does the tty's side). */
/* Is any live process in session sid? */
bool jobctl_session_alive(int sid);
/* TIOCSCTTY by the caller: may it take a tty now owned by session
 * tty_sid (0: none)?  0, or -EPERM (not a session leader, or it already
 * has another terminal, or the tty belongs to a live session). */
int jobctl_ctty_check(struct tty *tty, int tty_sid);
/* Makes tty the controlling terminal of the caller's session (every
 * member), or (NULL) drops the caller's. */
void jobctl_ctty_set(struct tty *tty);
/* Is tty the caller's controlling terminal?  Its session id in *sid. */
bool jobctl_is_ctty(struct tty *tty, int *sid);
/* May group pgid be the foreground of session sid's terminal?  0 if
 * it is a group of that session, -EPERM if of another, else -ESRCH. */
int jobctl_pgrp_check(int pgid, int sid);
/* A caller outside tty's foreground group fg_pgid touching its
 * controlling terminal (sig: SIGTTIN to read, SIGTTOU to write with
 * TOSTOP or to change the terminal): 0 to go ahead (not a background
 * access, or SIGTTOU blocked or ignored), -EIO (SIGTTIN blocked or
 * ignored, or an orphaned group), or -EINTR after sending sig to the
 * caller's group (the call restarts once it is continued). */
int jobctl_tty_access(struct tty *tty, int fg_pgid, int sig);
