/* POSIX signals with Linux's numbers and i386 frame layout
 * (kernel/proc/signal.c).
 *
 * Signals are sent to a process (pending in the process; one thread that
 * does not block it is interrupted, and whichever unblocking thread
 * returns to user mode first takes it) or a thread (tkill/tgkill and
 * faults: pending in the thread), and delivered when a thread is
 * about to return to user mode: the lowest-numbered pending signal that
 * the thread does not block is taken, and its action -- default (ignore,
 * terminate), ignore, or a user handler run on a Linux-compatible frame
 * (rt_sigframe with SA_SIGINFO, the old sigframe without) -- is carried
 * out.  Sending a signal interrupts a
 * cancellable sleep of the target so blocking calls return -EINTR.
 * SIGKILL cannot be caught, blocked or ignored.  Stop signals stop the
 * whole process by default and SIGCONT continues it (proc/jobctl.h).
 *
 * Every send may carry a siginfo (kill's SI_USER, sigqueue's value, a
 * message queue's SI_MESGQ...), kept on the pending set's queue: real-time
 * signals (SIGRTMIN and up) queue every instance, in order, each with its
 * own siginfo; a standard signal already pending is not queued again.  A
 * pending signal without a queued siginfo (timers, faults, SIGCHLD) gets
 * its siginfo when taken (faults, proc/timer.c) or a bare SI_USER.
 *
 * Action tables, process-pending sets and every siginfo queue (the
 * process's and its threads') are under proc_lock; thread
 * pending sets, masks and sig_waiting under sched_lock; a thread's
 * alternate stack and sigsuspend's saved mask are its own (only it
 * touches them). */
#pragma once
#include "util/types.h"

#define NSIG 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28

#define SIG_DFL 0u
#define SIG_IGN 1u

#define SA_NOCLDSTOP 0x00000001u
#define SA_SIGINFO 0x00000004u
#define SA_ONSTACK 0x08000000u
#define SA_RESTART 0x10000000u
#define SA_NODEFER 0x40000000u
#define SA_RESETHAND 0x80000000u
#define SA_RESTORER 0x04000000u

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SIGBIT(sig) (1ull << ((sig) - 1))

/* Linux's struct sigaction as rt_sigaction passes it on i386. */
typedef struct k_sigaction {
	uint32_t handler;
	uint32_t flags;
	uint32_t restorer;
	uint64_t mask;
} __packed k_sigaction_t;

struct proc;
struct kthread;
struct intr_frame;

/* What a handler (SA_SIGINFO) or sigtimedwait learns about a signal: the
 * head of Linux's siginfo_t and the first words of its union (kill:
 * pid, uid; timers: timer id, overrun, sigval; faults: address). */
typedef struct ksiginfo {
	int32_t si_signo, si_errno, si_code;
	uint32_t si_fields[3];
} ksiginfo_t;
#define SIGINFO_SIZE 128	/* Linux's siginfo_t */
#define SI_USER 0
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_MESGQ (-3)
#define SI_TKILL (-6)
#define SIGRTMIN 32		/* from here on, every instance is queued */
#define SIGQUEUE_MAX 1024	/* queued siginfos per process (sigqueue: EAGAIN) */

/* Queue a signal with the siginfo it carries (rt_sigqueueinfo, mq_notify):
 * to process pid, or (tid > 0) to the live thread tid of process tgid
 * (tgid < 0: any).  A signal at or above SIGRTMIN gets a queue entry per
 * send, taken in order; a standard one already pending is not queued
 * again (one instance, the first siginfo).  sig 0 only checks.  -EINVAL,
 * -ESRCH, -EAGAIN (SIGQUEUE_MAX queued), -ENOMEM. */
int signal_queue_info(int tgid, int tid, int sig, const ksiginfo_t *info);
/* The same without kill's permission check: the kernel's own signals
 * (mq_notify); signal_queue_info checks it (-EPERM). */
int signal_queue_info_kernel(int tgid, int tid, int sig, const ksiginfo_t *info);
/* A signal to thread t of p, proc_lock held (SIGEV_THREAD_ID timers). */
void signal_send_thread_locked(struct kthread *t, int sig);
/* proc_lock held: is sig pending in t (or, t NULL, in p's own set)? */
bool signal_is_pending_locked(struct proc *p, struct kthread *t, int sig);
/* Free the queued siginfos of a thread that exits or is destroyed, of
 * a process being released (idempotent). */
void signal_thread_free(struct kthread *t);
void signal_proc_free(struct proc *p);

/* Sends sig to a thread; 0 or -EINVAL.  Safe in any thread. */
int signal_send_thread(struct kthread *t, int sig);
/* kill(2)'s targets: one pid (or a thread id: its process) (pgid -1: every process
 * but init and the caller).  -ESRCH if nothing matched; sig 0 only
 * checks.  signal_send_pid and signal_kill_group apply kill's permission
 * rule (proc/cred.h; -EPERM when no target may be signalled);
 * signal_send_group is the kernel's (the tty's ^C) and does not. */
int signal_send_pid(int pid, int sig);
int signal_send_group(int pgid, int sig);
int signal_kill_group(int pgid, int sig);
/* tkill/tgkill: sig to the live thread whose user id is tid (and whose
 * process is tgid, unless tgid < 0).  -ESRCH if there is none; sig 0
 * only checks.  A signal whose action is to terminate still ends the
 * whole process, as any fatal signal does. */
int signal_send_tid(int tgid, int tid, int sig);
/* A fault the thread caused: deliver sig even if blocked or ignored;
 * the _fault variant also records si_code and si_addr for the handler. */
void signal_force(struct kthread *t, int sig);
void signal_force_fault(struct kthread *t, int sig, int code, uint32_t addr);
/* Sends a valid sig to process p, proc_lock held (exit's SIGCHLD). */
void signal_send_proc_locked(struct proc *p, int sig);
/* proc_lock held: sig to every process of group pgid. */
void signal_send_group_locked(int pgid, int sig);
/* proc_lock held: SIGCHLD to parent about child pid (si_code CLD_*,
 * si_status), the siginfo kept for when it is taken. */
void signal_send_chld_locked(struct proc *parent, int code, int pid, int status);
/* proc_lock held: drops pending SIGCONT or stop signals (never queued
 * with a siginfo) from p and its threads. */
void signal_discard_locked(struct proc *p, uint64_t sigs);

/* si_code values for faults (Linux's). */
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_FLTINV 7
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define SI_KERNEL 0x80

/* A system call interrupted by a signal that may run again: the signal
 * layer restarts it (no handler, or SA_RESTART) or turns it into -EINTR.
 * Never seen by user space. */
#define ERESTARTSYS 512
/* Delivers pending signals before returning to user mode via frame. */
void signal_deliver(struct intr_frame *frame);
/* True if t has a signal it would act on now. */
bool signal_pending(struct kthread *t);

int signal_sigaction(int sig, const k_sigaction_t *act, k_sigaction_t *old);
int signal_sigprocmask(int how, const uint64_t *set, uint64_t *old);
/* rt_sigreturn (rt) and sigreturn: restore the context saved in the
 * handler's frame, found from the user esp. */
long signal_sigreturn(struct intr_frame *frame, bool rt);
/* exec: handlers become SIG_DFL (ignored stay ignored), no alternate
 * stack. */
void signal_reset_on_exec(struct proc *p);

/* rt_sigpending: the pending signals the caller blocks. */
uint64_t signal_pending_set(void);
/* rt_sigsuspend: waits with mask until a signal is delivered; the old
 * mask comes back when its handler returns.  Always -EINTR. */
long signal_suspend(uint64_t mask);
/* ppoll and pselect: mask is blocked while the call waits (a pending
 * signal it lets in interrupts the wait at once).  signal_mask_end puts
 * the old mask back, or, if the call was interrupted, leaves that to
 * signal delivery, so the handler runs under the temporary mask and
 * returns to the old one, as sigsuspend does. */
void signal_mask_begin(uint64_t mask);
void signal_mask_end(bool interrupted);
/* rt_sigtimedwait: takes a pending signal of set (info filled), waiting
 * at most timeout_ns (< 0: for ever).  -EAGAIN on timeout, -EINTR when
 * another signal is to be handled. */
long signal_timedwait(uint64_t set, int64_t timeout_ns, ksiginfo_t *info);
/* sigaltstack on the caller's thread (user esp for the EPERM check). */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048
typedef struct linux_stack { uint32_t ss_sp; int32_t ss_flags; uint32_t ss_size; } linux_stack_t;
long signal_altstack(const linux_stack_t *ss, linux_stack_t *old, uint32_t user_esp);
