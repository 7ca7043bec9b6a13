/*
 * Signals: sending, the default actions, user handlers on a Linux i386
 * rt_sigframe, and rt_sigreturn.
 *
 * The frame a handler runs on, from the new user esp upwards, is Linux's
 * (so glibc's restorer and any program reading its ucontext work):
 *   pretcode (sa_restorer), sig, &info, &uc, siginfo (128 bytes),
 *   ucontext (flags, link, stack, sigcontext, saved mask), retcode[8]
 * and, above it and 64-byte aligned, the FXSAVE image the sigcontext's
 * fpstate points at.  rt_sigreturn finds the frame at esp - 4 (the
 * handler's `ret` popped pretcode) and restores registers, FPU state and
 * the mask, accepting only user segments and user-changeable flags.
 * A handler installed without SA_RESTORER returns through the vDSO's
 * __kernel_sigreturn/__kernel_rt_sigreturn (as on Linux), or through the
 * frame's own retcode when the process has no vDSO (it unmapped it).
 *
 * An SA_ONSTACK handler's frame goes on the thread's alternate stack
 * (sigaltstack) unless it is already there.  sigsuspend swaps the mask
 * for the wait and leaves the old one in sig_saved_mask for the handler's
 * frame to return to; sigtimedwait takes a signal of its set off the
 * pending sets itself (sig_waiting makes a sender wake it as if the set
 * were unblocked).  A siginfo's timer fields come from proc/timer.c.
 *
 * Siginfo queues (Linux's sigqueue lists): each pending set (a process's,
 * a thread's) has a list of sigq_t, under proc_lock, counted per process
 * in sigq_count.  An entry of signal s is there only while s's bit is set
 * in that set; the bit stays set while another entry of s (or another
 * timer's signal s, proc/timer.c) is left.  Entries are allocated before
 * proc_lock is taken and freed after it is dropped.
 */
#include "proc/signal.h"
#include "proc/jobctl.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/timer.h"
#include "api/syscall_nr.h"
#include "api/usercopy.h"
#include "boot/gdt.h"
#include "drivers/pit.h"
#include "entry/intr.h"
#include "mm/kmalloc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"
#include "vdso_syms.h"

#define FXSAVE_SIZE 512
#define FPSTATE_ALIGN 64
#define STACK_ALIGN 16
#define EFLAGS_USER_MASK 0x00040DD5u	/* CF PF AF ZF SF TF DF OF AC */
#define EFLAGS_TF_DF 0x00000500u
#define MXCSR_OFFSET 24
#define MXCSR_VALID_MASK 0x0000FFBFu
#define INT80_LEN 2
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define NSEC_PER_TICK (1000000000ll / HZ)

struct sigcontext {
	uint16_t gs, gsh, fs, fsh, es, esh, ds, dsh;
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t trapno, err, eip;
	uint16_t cs, csh;
	uint32_t eflags, esp_at_signal;
	uint16_t ss, ssh;
	uint32_t fpstate, oldmask, cr2;
} __packed;

struct ucontext {
	uint32_t uc_flags, uc_link;
	uint32_t ss_sp;
	int32_t ss_flags;
	uint32_t ss_size;
	struct sigcontext mcontext;
	uint64_t sigmask;
} __packed;

struct siginfo {
	ksiginfo_t head;
	uint8_t pad[SIGINFO_SIZE - sizeof(ksiginfo_t)];
} __packed;

struct rt_sigframe {
	uint32_t pretcode;
	int32_t sig;
	uint32_t pinfo, puc;
	struct siginfo info;
	struct ucontext uc;
	uint8_t retcode[8];
} __packed;

/* The frame of a handler installed without SA_SIGINFO (Linux's i386
 * sigframe): only the signal number is passed, and the restorer calls
 * the old sigreturn, finding the frame at esp - 8. */
struct sigframe {
	uint32_t pretcode;
	int32_t sig;
	struct sigcontext sc;
	uint32_t extramask;	/* the high 32 bits of the saved mask */
	uint8_t retcode[8];
} __packed;

/* mov $NR_rt_sigreturn, %eax; int $0x80 -- used when no restorer. */
static const uint8_t rt_sigreturn_code[8] = {
	0xb8, NR_rt_sigreturn & 0xff, (NR_rt_sigreturn >> 8) & 0xff, 0, 0, 0xcd, 0x80, 0x90
};
/* popl %eax; mov $NR_sigreturn, %eax; int $0x80 */
static const uint8_t sigreturn_code[8] = {
	0x58, 0xb8, NR_sigreturn & 0xff, (NR_sigreturn >> 8) & 0xff, 0, 0, 0xcd, 0x80
};

/* A queued instance of a signal and the siginfo it carries. */
typedef struct sigq {
	list_t link;		/* on a proc's or thread's sig_queue */
	ksiginfo_t info;
} sigq_t;

enum default_action { ACT_TERMINATE, ACT_IGNORE, ACT_STOP };

static enum default_action default_action(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
		return ACT_IGNORE;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return ACT_STOP;	/* proc/jobctl.c */
	default:
		return ACT_TERMINATE;
	}
}

/* Stop signals and SIGCONT are never queued with a siginfo: sending one
 * discards pending instances of the other (bits only, no entries to
 * free under proc_lock); taken, they carry a bare SI_USER. */
static bool never_queued(int sig)
{
	return sig == SIGCONT || jobctl_is_stop_signal(sig);
}

static bool valid_signal(int sig)
{
	return sig >= 1 && sig <= NSIG;
}

/* proc_lock held: would sig be thrown away on arrival? */
static bool ignored(proc_t *p, int sig)
{
	uint32_t h = p->sigactions[sig].handler;
	return sig != SIGKILL && (h == SIG_IGN || (h == SIG_DFL && default_action(sig) == ACT_IGNORE));
}

/* proc_lock held: does every thread of p block sig (or wait for it in
 * sigtimedwait)?  Then an ignored signal is kept pending, as on Linux,
 * for sigpending and sigwait to see. */
static bool blocked_by_all(proc_t *p, int sig)
{
	list_t *l;
	bool any = false;
	spin_lock(&sched_lock);
	list_for_each(l, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		if (t->state == KT_EXITED)
			continue;
		any = true;
		if (!((t->sig_blocked | t->sig_waiting) & SIGBIT(sig))) {
			any = false;
			break;
		}
	}
	spin_unlock(&sched_lock);
	return any;
}

/* proc_lock held: puts q (if any) on queue, whose set had `was` pending
 * before this send; true if it took q.  A standard signal already
 * pending keeps its first siginfo; past SIGQUEUE_MAX the siginfo is
 * lost (the signal is still sent, as Linux does for kill). */
static bool enqueue_locked(proc_t *p, list_t *queue, uint64_t was, int sig, sigq_t *q)
{
	if (!q || (sig < SIGRTMIN && (was & SIGBIT(sig))) || p->sigq_count >= SIGQUEUE_MAX ||
	    never_queued(sig))
		return false;
	list_insert_tail(queue, &q->link);
	p->sigq_count++;
	return true;
}

/* proc_lock held: moves every entry of the signals in `sigs` from queue
 * to `dead` (freed by the caller with free_sigqs). */
static void drop_queued_locked(proc_t *p, list_t *queue, uint64_t sigs, list_t *dead)
{
	list_t *l, *tmp;
	list_for_each_safe(l, tmp, queue) {
		sigq_t *q = list_entry(l, sigq_t, link);
		if (sigs & SIGBIT(q->info.si_signo)) {
			list_remove(&q->link);
			p->sigq_count--;
			list_insert_tail(dead, &q->link);
		}
	}
}

static void free_sigqs(list_t *dead)
{
	list_t *l;
	while ((l = list_pop_head(dead)) != NULL)
		kfree(list_entry(l, sigq_t, link));
}

void signal_discard_locked(proc_t *p, uint64_t sigs)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	KASSERT(!(sigs & ~(SIGBIT(SIGCONT) | SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) |
			   SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))),
		"discarding signals %#llx that may be queued", (unsigned long long)sigs);
	p->sig_pending &= ~sigs;
	spin_lock(&sched_lock);
	list_for_each(l, &p->threads)
		list_entry(l, kthread_t, proc_link)->sig_pending &= ~sigs;
	spin_unlock(&sched_lock);
}

/* proc_lock held: what sending sig does at once, whatever its action:
 * SIGCONT continues p and discards its pending stop signals; a stop
 * signal discards a pending SIGCONT. */
static void job_control_on_send_locked(proc_t *p, int sig)
{
	if (sig == SIGCONT)
		jobctl_continue_locked(p);
	else if (jobctl_is_stop_signal(sig))
		signal_discard_locked(p, SIGBIT(SIGCONT));
}

/* proc_lock held; true if it took q. */
static bool send_locked(proc_t *p, int sig, sigq_t *q)
{
	list_t *l;
	if (p->state == PROC_DEAD)
		return false;
	if (sig == SIGKILL || !p->vmmap) {	/* kernel processes only die */
		if (sig == SIGKILL || default_action(sig) == ACT_TERMINATE)
			proc_kill_locked(p, W_EXITCODE(0, sig));
		return false;
	}
	job_control_on_send_locked(p, sig);
	if (ignored(p, sig) && !blocked_by_all(p, sig))
		return false;
	bool took = enqueue_locked(p, &p->sig_queue, p->sig_pending, sig, q);
	p->sig_pending |= SIGBIT(sig);
	/* One thread that does not block it is told (any thread that does
	 * not block it may take it); if all block it, it waits. */
	list_for_each(l, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		if (!(t->sig_blocked & ~t->sig_waiting & SIGBIT(sig)) && t->state != KT_EXITED) {
			sched_interrupt(t);	/* it may act on it, or sigtimedwait takes it */
			break;
		}
	}
	return took;
}

/* proc_lock held: process-directed signals in `sigs` that `from` has just
 * blocked go to another thread that takes them. */
static void reroute_locked(proc_t *p, kthread_t *from, uint64_t sigs)
{
	list_t *l;
	list_for_each(l, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		if (t != from && t->state != KT_EXITED && (sigs & ~(t->sig_blocked & ~t->sig_waiting)))
			sched_interrupt(t);
	}
}

/* proc_lock held: a signal to one thread of a live process; true if it
 * took q. */
static bool send_thread_locked(kthread_t *t, int sig, sigq_t *q)
{
	proc_t *p = t->proc;
	if (sig == SIGKILL || !p->vmmap)
		return send_locked(p, sig, q);	/* the whole process dies */
	job_control_on_send_locked(p, sig);
	/* As for a process: a blocked (or awaited) signal stays pending though
	 * ignored, and wakes the thread if sigtimedwait awaits it. */
	spin_lock(&sched_lock);
	if (ignored(p, sig) && !((t->sig_blocked | t->sig_waiting) & SIGBIT(sig))) {
		spin_unlock(&sched_lock);
		return false;
	}
	bool took = enqueue_locked(p, &t->sig_queue, t->sig_pending, sig, q);
	t->sig_pending |= SIGBIT(sig);
	/* Told if it does not block it, or waits for it in sigtimedwait. */
	bool wake = !(t->sig_blocked & ~t->sig_waiting & SIGBIT(sig));
	spin_unlock(&sched_lock);
	if (wake)
		sched_interrupt(t);
	return took;
}

void signal_send_thread_locked(kthread_t *t, int sig)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	send_thread_locked(t, sig, NULL);
}

bool signal_is_pending_locked(proc_t *p, kthread_t *t, int sig)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	if (!t)
		return (p->sig_pending & SIGBIT(sig)) != 0;
	spin_lock(&sched_lock);
	bool pending = (t->sig_pending & SIGBIT(sig)) != 0;
	spin_unlock(&sched_lock);
	return pending;
}

/* proc_lock held: the process a kill-style pid names (a thread's id
 * names its process, as on Linux), or NULL. */
static proc_t *pid_target_locked(int pid)
{
	proc_t *p = proc_lookup_locked(pid);
	if (!p) {
		kthread_t *t = proc_thread_lookup_locked(pid);
		p = t ? t->proc : NULL;
	}
	return p && p->state != PROC_DEAD ? p : NULL;
}

/* Whether the caller may send sig to p (kill's permission rule, with
 * Linux's exception for SIGCONT within a session); proc_lock held. */
static bool may_signal_locked(proc_t *p, int sig)
{
	return (sig == SIGCONT && p->sid == curproc->sid) || cred_may_signal(p);
}

/* Sends sig with *info to a process (tid <= 0: pid tgid) or a thread;
 * strict: -EAGAIN rather than lose a real-time siginfo; check: the
 * caller's permission is checked (-EPERM), as for a user's kill. */
static int queue_info(int tgid, int tid, int sig, const ksiginfo_t *info, bool strict,
		      bool check)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (tid <= 0 && tgid <= 0)
		return -ESRCH;
	sigq_t *q = sig ? kmalloc(sizeof(*q)) : NULL;
	if (sig && !q && strict)
		return -ENOMEM;
	if (q) {
		q->info = *info;
		q->info.si_signo = sig;
	}
	int rc = 0;
	bool took = false;
	spin_lock(&proc_lock);
	kthread_t *t = tid > 0 ? proc_thread_lookup_locked(tid) : NULL;
	proc_t *p = tid > 0 ? (t && (tgid < 0 || t->proc->pid == tgid) ? t->proc : NULL)
		: pid_target_locked(tgid);
	if (!p || p->state == PROC_DEAD)
		rc = -ESRCH;
	else if (check && !may_signal_locked(p, sig))
		rc = -EPERM;
	else if (strict && sig >= SIGRTMIN && p->sigq_count >= SIGQUEUE_MAX)
		rc = -EAGAIN;
	else if (sig)
		took = t ? send_thread_locked(t, sig, q) : send_locked(p, sig, q);
	spin_unlock(&proc_lock);
	if (!took)
		kfree(q);
	return rc;
}

int signal_queue_info(int tgid, int tid, int sig, const ksiginfo_t *info)
{
	return queue_info(tgid, tid, sig, info, true, true);
}

int signal_queue_info_kernel(int tgid, int tid, int sig, const ksiginfo_t *info)
{
	return queue_info(tgid, tid, sig, info, true, false);
}

/* kill's and tkill's siginfo: who sent it. */
static ksiginfo_t sender_info(int code)
{
	ksiginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_code = code;
	cred_t cred;
	cred_get(curproc, &cred);
	info.si_fields[0] = (uint32_t)curproc->pid;	/* si_pid */
	info.si_fields[1] = cred.uid.real;		/* si_uid */
	return info;
}

int signal_send_tid(int tgid, int tid, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (tid <= 0)
		return -ESRCH;
	ksiginfo_t info = sender_info(SI_TKILL);
	return queue_info(tgid, tid, sig, &info, false, true);
}

void signal_send_proc_locked(proc_t *p, int sig)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	send_locked(p, sig, NULL);
}

int signal_send_pid(int pid, int sig)
{
	ksiginfo_t info = sender_info(SI_USER);
	return queue_info(pid, 0, sig, &info, false, true);
}

void signal_send_group_locked(int pgid, int sig)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->pgid == pgid && p->state != PROC_DEAD)
			send_locked(p, sig, NULL);
	}
}

void signal_send_chld_locked(proc_t *parent, int code, int pid, int status)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	if (!(parent->sig_pending & SIGBIT(SIGCHLD))) {	/* coalesced: the first one's */
		ksiginfo_t *i = &parent->chld_info;
		memset(i, 0, sizeof(*i));
		i->si_signo = SIGCHLD;
		i->si_code = code;
		i->si_fields[0] = (uint32_t)pid;	/* si_pid; si_uid 0 */
		i->si_fields[2] = (uint32_t)status;	/* si_status */
	}
	send_locked(parent, SIGCHLD, NULL);
}

/* check: only to the processes the caller may signal (-EPERM if it
 * may signal none of those that match). */
static int send_group(int pgid, int sig, bool check)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	int found = 0, allowed = 0;
	list_t *l;
	spin_lock(&proc_lock);
	list_for_each(l, proc_list_locked()) {
		proc_t *p = list_entry(l, proc_t, all_link);
		bool match = pgid > 0 ? p->pgid == pgid
			: (p->pid > PID_INIT && p != curproc);	/* pgid -1: everyone */
		if (!match || p->state == PROC_DEAD)
			continue;
		found++;
		if (check && !may_signal_locked(p, sig))
			continue;
		allowed++;
		if (sig)
			send_locked(p, sig, NULL);
	}
	spin_unlock(&proc_lock);
	return !found ? -ESRCH : !allowed ? -EPERM : 0;
}

int signal_send_group(int pgid, int sig)
{
	return send_group(pgid, sig, false);
}

int signal_kill_group(int pgid, int sig)
{
	return send_group(pgid, sig, true);
}

int signal_send_thread(kthread_t *t, int sig)
{
	if (!valid_signal(sig))
		return -EINVAL;
	spin_lock(&proc_lock);
	bool drop = ignored(t->proc, sig);
	spin_unlock(&proc_lock);
	if (drop)
		return 0;
	spin_lock(&sched_lock);
	t->sig_pending |= SIGBIT(sig);
	bool wake = !(t->sig_blocked & ~t->sig_waiting & SIGBIT(sig));
	spin_unlock(&sched_lock);
	if (wake)
		sched_interrupt(t);
	return 0;
}

void signal_force_fault(kthread_t *t, int sig, int code, uint32_t addr)
{
	t->fault_sig = sig;
	t->fault_code = code;
	t->fault_addr = addr;
	signal_force(t, sig);
}

void signal_force(kthread_t *t, int sig)
{
	spin_lock(&proc_lock);
	k_sigaction_t *a = &t->proc->sigactions[sig];
	if (a->handler == SIG_IGN)
		a->handler = SIG_DFL;
	spin_unlock(&proc_lock);
	spin_lock(&sched_lock);
	t->sig_blocked &= ~SIGBIT(sig);
	t->sig_pending |= SIGBIT(sig);
	spin_unlock(&sched_lock);
}

/* proc_lock held: takes the first queued siginfo of sig off queue into
 * *info (returning its entry, for the caller to free), or NULL; *more
 * says whether another of sig is still queued there. */
static sigq_t *collect_locked(proc_t *p, list_t *queue, int sig, ksiginfo_t *info, bool *more)
{
	list_t *l;
	sigq_t *found = NULL;
	*more = false;
	list_for_each(l, queue) {
		sigq_t *q = list_entry(l, sigq_t, link);
		if (q->info.si_signo != sig)
			continue;
		if (found) {
			*more = true;
			break;
		}
		found = q;
	}
	if (found) {
		list_remove(&found->link);
		p->sigq_count--;
		*info = found->info;
	}
	return found;
}

/* Takes the lowest pending signal of `allowed` off the pending sets (the
 * thread's instance before the process's), with its action and what the
 * handler is told; 0 if none (and then, with clear_interrupt, the
 * sleep-interrupting flag is cleared). */
static int take_signal_from(kthread_t *t, uint64_t allowed, bool clear_interrupt,
			    k_sigaction_t *action, ksiginfo_t *info)
{
	proc_t *p = t->proc;
	int sig = 0;
	sigq_t *q = NULL;
	bool mine = false, more = false;
	spin_lock(&proc_lock);
	spin_lock(&sched_lock);
	uint64_t ready = (t->sig_pending | p->sig_pending) & allowed;
	if (ready) {
		sig = __builtin_ctzll(ready) + 1;
		mine = (t->sig_pending & SIGBIT(sig)) != 0;
		q = collect_locked(p, mine ? &t->sig_queue : &p->sig_queue, sig, info, &more);
		if (!more) {
			if (mine)
				t->sig_pending &= ~SIGBIT(sig);
			else
				p->sig_pending &= ~SIGBIT(sig);
		}
		*action = p->sigactions[sig];
		if (action->flags & SA_RESETHAND)
			p->sigactions[sig].handler = SIG_DFL;
		if (clear_interrupt && action->handler == SIG_DFL && default_action(sig) == ACT_STOP) {
			spin_unlock(&sched_lock);
			jobctl_stop_begin_locked(p, sig);
			spin_lock(&sched_lock);
		}
	} else if (clear_interrupt) {
		t->sig_interrupt = false;
	}
	spin_unlock(&sched_lock);
	if (sig && !q) {
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		if (sig == SIGCHLD && !mine && p->chld_info.si_signo == SIGCHLD) {
			*info = p->chld_info;	/* a child's exit, stop or continue */
			memset(&p->chld_info, 0, sizeof(p->chld_info));
		} else if (sig == t->fault_sig) {	/* a fault: say where and why */
			info->si_code = t->fault_code;
			info->si_fields[0] = t->fault_addr;
		} else if (timer_signal_taken(p, mine ? t : NULL, sig, info)) {
			/* another timer's signal sig is still queued there */
			spin_lock(&sched_lock);
			if (mine)
				t->sig_pending |= SIGBIT(sig);
			else
				p->sig_pending |= SIGBIT(sig);
			spin_unlock(&sched_lock);
		}
	}
	spin_unlock(&proc_lock);
	kfree(q);
	return sig;
}

/* The next deliverable signal; 0 if none. */
static int take_signal(kthread_t *t, k_sigaction_t *action, ksiginfo_t *info)
{
	return take_signal_from(t, ~t->sig_blocked, true, action, info);
}

bool signal_pending(kthread_t *t)
{
	return t->jobctl_stop || ((t->sig_pending | t->proc->sig_pending) & ~t->sig_blocked) != 0;
}

static void fill_sigcontext(struct sigcontext *sc, const intr_frame_t *f,
			    uint32_t fpstate, uint64_t oldmask)
{
	memset(sc, 0, sizeof(*sc));
	sc->gs = f->gs; sc->fs = f->fs; sc->es = f->es; sc->ds = f->ds;
	sc->edi = f->edi; sc->esi = f->esi; sc->ebp = f->ebp; sc->esp = f->user_esp;
	sc->ebx = f->ebx; sc->edx = f->edx; sc->ecx = f->ecx; sc->eax = f->eax;
	sc->trapno = f->vector; sc->err = f->error; sc->eip = f->eip;
	sc->cs = f->cs; sc->eflags = f->eflags; sc->esp_at_signal = f->user_esp;
	sc->ss = f->user_ss; sc->fpstate = fpstate; sc->oldmask = (uint32_t)oldmask;
}

static bool on_altstack(const kthread_t *t, uint32_t sp)
{
	return t->altstack_size && sp - t->altstack_sp < t->altstack_size;
}

/* Where the frame goes: the alternate stack's top for an SA_ONSTACK
 * handler when there is one and the thread is not on it already, else
 * below the interrupted stack. */
static uint32_t frame_base(kthread_t *t, const k_sigaction_t *a, uint32_t user_esp)
{
	if (!(a->flags & SA_ONSTACK) || !t->altstack_size || on_altstack(t, user_esp))
		return user_esp;
	return t->altstack_sp + t->altstack_size;
}

/* The uc_stack of a frame: the alternate stack as it was, its flags as
 * x86 Linux records them (SS_DISABLE, SS_ONSTACK or 0: not
 * SS_AUTODISARM, so rt_sigreturn re-arms it without). */
static void fill_stack(const kthread_t *t, struct ucontext *uc, uint32_t user_esp)
{
	uc->ss_sp = t->altstack_sp;
	uc->ss_size = t->altstack_size;
	uc->ss_flags = !t->altstack_size ? SS_DISABLE : on_altstack(t, user_esp) ? SS_ONSTACK : 0;
}

/* Writes the frame (rt or old style, as the handler was installed) below
 * the interrupted stack or on the alternate stack; returns the new esp,
 * or 0 if the user stack cannot take it. */
static uint32_t write_frame(int sig, const k_sigaction_t *a, const intr_frame_t *f,
			    uint64_t mask, const ksiginfo_t *info)
{
	kthread_t *t = curthr;
	uint32_t fpstate = ALIGN_DOWN(frame_base(t, a, f->user_esp) - FXSAVE_SIZE, FPSTATE_ALIGN);
	bool rt = a->flags & SA_SIGINFO;
	size_t size = rt ? sizeof(struct rt_sigframe) : sizeof(struct sigframe);
	uint32_t sp = ALIGN_DOWN(fpstate - size + 4, STACK_ALIGN) - 4;	/* esp+4 aligned */
	int rc;

	__asm__ volatile("fxsave (%0)" : : "r"(t->fpu_state) : "memory");
	if (copy_to_user((void *)fpstate, t->fpu_state, FXSAVE_SIZE) < 0)
		return 0;
	if (rt) {
		struct rt_sigframe fr;
		memset(&fr, 0, sizeof(fr));
		fr.sig = sig;
		fr.pinfo = sp + offsetof(struct rt_sigframe, info);
		fr.puc = sp + offsetof(struct rt_sigframe, uc);
		memcpy(&fr.info, info, sizeof(*info));
		fill_stack(t, &fr.uc, f->user_esp);
		fill_sigcontext(&fr.uc.mcontext, f, fpstate, mask);
		fr.uc.sigmask = mask;
		memcpy(fr.retcode, rt_sigreturn_code, sizeof(fr.retcode));
		fr.pretcode = (a->flags & SA_RESTORER) ? a->restorer
			: t->proc->vdso_base ? t->proc->vdso_base + VDSO_OFF___kernel_rt_sigreturn
			: sp + offsetof(struct rt_sigframe, retcode);
		rc = copy_to_user((void *)sp, &fr, sizeof(fr));
	} else {
		struct sigframe fr;
		memset(&fr, 0, sizeof(fr));
		fr.sig = sig;
		fill_sigcontext(&fr.sc, f, fpstate, mask);
		fr.extramask = (uint32_t)(mask >> 32);
		memcpy(fr.retcode, sigreturn_code, sizeof(fr.retcode));
		fr.pretcode = (a->flags & SA_RESTORER) ? a->restorer
			: t->proc->vdso_base ? t->proc->vdso_base + VDSO_OFF___kernel_sigreturn
			: sp + offsetof(struct sigframe, retcode);
		rc = copy_to_user((void *)sp, &fr, sizeof(fr));
	}
	return rc < 0 ? 0 : sp;
}

/* Builds the frame and points the user context at the handler; false if
 * the user stack cannot take it. */
static bool setup_frame(int sig, const k_sigaction_t *a, intr_frame_t *f,
			const ksiginfo_t *info)
{
	kthread_t *t = curthr;
	/* After sigsuspend the handler returns to the mask it replaced. */
	uint64_t mask = t->sig_restore_mask ? t->sig_saved_mask : t->sig_blocked;
	uint32_t sp = write_frame(sig, a, f, mask, info);
	if (!sp)
		return false;
	if ((a->flags & SA_ONSTACK) && (t->altstack_flags & SS_AUTODISARM) &&
	    on_altstack(t, sp))
		t->altstack_sp = t->altstack_size = t->altstack_flags = 0;
	t->sig_restore_mask = false;
	kthread_fpu_init(t);	/* the handler starts with a clean FPU */
	__asm__ volatile("fxrstor (%0)" : : "r"(t->fpu_state) : "memory");
	f->user_esp = sp;
	f->eip = a->handler;
	f->eax = sig;
	f->edx = (a->flags & SA_SIGINFO) ? sp + offsetof(struct rt_sigframe, info) : 0;
	f->ecx = (a->flags & SA_SIGINFO) ? sp + offsetof(struct rt_sigframe, uc) : 0;
	f->eflags &= ~EFLAGS_TF_DF;
	f->cs = SEL_USER_CODE;
	f->user_ss = f->ds = f->es = SEL_USER_DATA;
	spin_lock(&sched_lock);
	t->sig_blocked |= a->mask | ((a->flags & SA_NODEFER) ? 0 : SIGBIT(sig));
	t->sig_blocked &= ~UNBLOCKABLE;
	spin_unlock(&sched_lock);
	return true;
}

/* A system call interrupted by a signal whose handler asked for
 * SA_RESTART runs again when the handler returns. */
static void restart_syscall(intr_frame_t *f)
{
	f->eax = curthr->syscall_nr;
	f->eip -= INT80_LEN;
}

/* A restartable call interrupted on the way to a handler: restarted with
 * SA_RESTART, else it fails with EINTR. */
static void restart_or_eintr(intr_frame_t *f, const k_sigaction_t *a)
{
	if (f->vector != INTR_SYSCALL || (int32_t)f->eax != -ERESTARTSYS)
		return;
	if (a->flags & SA_RESTART)
		restart_syscall(f);
	else
		f->eax = (uint32_t)-EINTR;
}

void signal_deliver(intr_frame_t *f)
{
	kthread_t *t = curthr;
	k_sigaction_t a;
	ksiginfo_t info;
	int sig;

	if (!t->fpu_state)
		return;
	jobctl_stop_point();	/* another thread's stop signal stops this one too */
	kthread_testcancel();
	while ((sig = take_signal(t, &a, &info)) != 0) {
		if (a.handler == SIG_IGN ||
		    (a.handler == SIG_DFL && default_action(sig) == ACT_IGNORE))
			continue;
		if (a.handler == SIG_DFL && default_action(sig) == ACT_STOP) {
			jobctl_stop_point();	/* until SIGCONT, or SIGKILL */
			kthread_testcancel();
			continue;
		}
		if (a.handler == SIG_DFL)
			proc_exit_status(W_EXITCODE(0, sig));
		restart_or_eintr(f, &a);
		if (!setup_frame(sig, &a, f, &info)) {
			kprintf("pid %d (%s): cannot deliver signal %d: bad user stack, killed by SIGSEGV\n",
				t->proc->pid, t->proc->name, sig);
			proc_exit_status(W_EXITCODE(0, SIGSEGV));
		}
		return;	/* one handler frame at a time */
	}
	/* No handler ran (the signal was ignored, or none came): an
	 * interrupted restartable call simply runs again, and a sigsuspend
	 * mask is replaced by the one it stood in for. */
	if (f->vector == INTR_SYSCALL && (int32_t)f->eax == -ERESTARTSYS)
		restart_syscall(f);
	if (t->sig_restore_mask) {
		spin_lock(&sched_lock);
		t->sig_blocked = t->sig_saved_mask;
		t->sig_restore_mask = false;
		spin_unlock(&sched_lock);
	}
}

int signal_sigaction(int sig, const k_sigaction_t *act, k_sigaction_t *old)
{
	if (!valid_signal(sig) || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	proc_t *p = curproc;
	list_t dead = LIST_INIT(dead);
	spin_lock(&proc_lock);
	if (old)
		*old = p->sigactions[sig];
	if (act) {
		p->sigactions[sig] = *act;
		p->sigactions[sig].mask &= ~UNBLOCKABLE;
		if (ignored(p, sig)) {	/* POSIX: pending instances are discarded */
			p->sig_pending &= ~SIGBIT(sig);
			drop_queued_locked(p, &p->sig_queue, SIGBIT(sig), &dead);
		}
	}
	spin_unlock(&proc_lock);
	free_sigqs(&dead);
	return 0;
}

int signal_sigprocmask(int how, const uint64_t *set, uint64_t *old)
{
	kthread_t *t = curthr;
	int rc = 0;
	spin_lock(&proc_lock);
	spin_lock(&sched_lock);
	uint64_t was = t->sig_blocked;
	if (old)
		*old = t->sig_blocked;
	if (set) {
		switch (how) {
		case SIG_BLOCK: t->sig_blocked |= *set; break;
		case SIG_UNBLOCK: t->sig_blocked &= ~*set; break;
		case SIG_SETMASK: t->sig_blocked = *set; break;
		default: rc = -EINVAL;
		}
		t->sig_blocked &= ~UNBLOCKABLE;
	}
	uint64_t now_blocked = t->proc->sig_pending & t->sig_blocked & ~was;
	spin_unlock(&sched_lock);
	if (now_blocked)
		reroute_locked(t->proc, t, now_blocked);
	spin_unlock(&proc_lock);
	if (rc == 0 && signal_pending(t))
		sched_interrupt(t);	/* unblocked ones are delivered on return */
	return rc;
}

/* A selector user code may leave in a data segment register: null, user
 * data, or one of the thread's present TLS descriptors.  Anything else
 * would fault while the kernel reloads it on the way out. */
static uint16_t sanitize_selector(const kthread_t *t, uint16_t sel)
{
	unsigned idx = sel >> 3;
	if (sel == SEL_USER_DATA)
		return sel;
	if ((sel & 3) == 3 && idx >= GDT_TLS_MIN && idx < GDT_TLS_MIN + GDT_TLS_ENTRIES &&
	    (t->tls[idx - GDT_TLS_MIN][1] & GDT_DESC_PRESENT))
		return sel;
	return 0;
}

/* Restores the user context saved in sc (and the mask); false if the
 * saved FPU state cannot be read. */
static bool restore_context(intr_frame_t *f, const struct sigcontext *sc, uint64_t mask)
{
	kthread_t *t = curthr;
	uint8_t fx[FXSAVE_SIZE] __aligned(16);
	if (sc->fpstate && copy_from_user(fx, (void *)sc->fpstate, FXSAVE_SIZE) < 0)
		return false;
	f->edi = sc->edi; f->esi = sc->esi; f->ebp = sc->ebp; f->ebx = sc->ebx;
	f->edx = sc->edx; f->ecx = sc->ecx; f->eax = sc->eax;
	f->eip = sc->eip;
	f->user_esp = sc->esp;
	f->eflags = (f->eflags & ~EFLAGS_USER_MASK) | (sc->eflags & EFLAGS_USER_MASK);
	f->cs = SEL_USER_CODE;
	f->user_ss = f->ds = f->es = SEL_USER_DATA;
	f->fs = sanitize_selector(t, sc->fs);
	f->gs = sanitize_selector(t, sc->gs);
	if (sc->fpstate) {
		uint32_t *mxcsr = (uint32_t *)(fx + MXCSR_OFFSET);
		*mxcsr &= MXCSR_VALID_MASK;	/* a reserved bit would fault fxrstor */
		memcpy(t->fpu_state, fx, FXSAVE_SIZE);
		__asm__ volatile("fxrstor (%0)" : : "r"(t->fpu_state) : "memory");
	}
	spin_lock(&sched_lock);
	t->sig_blocked = mask & ~UNBLOCKABLE;
	spin_unlock(&sched_lock);
	if (signal_pending(t))
		sched_interrupt(t);
	return true;
}

static void __noreturn bad_frame(uint32_t frame)
{
	kprintf("pid %d (%s): bad signal frame at %#x, killed by SIGSEGV\n",
		curproc->pid, curproc->name, frame);
	proc_exit_status(W_EXITCODE(0, SIGSEGV));
}

long signal_sigreturn(intr_frame_t *f, bool rt)
{
	if (rt) {
		uint32_t frame = f->user_esp - 4;	/* the handler's ret popped pretcode */
		struct rt_sigframe fr;
		if (copy_from_user(&fr, (void *)frame, sizeof(fr)) < 0 ||
		    !restore_context(f, &fr.uc.mcontext, fr.uc.sigmask))
			bad_frame(frame);
		/* The alternate stack as the frame recorded it (undoes
		 * SS_AUTODISARM); refused, as on Linux, if still on it. */
		linux_stack_t st = { fr.uc.ss_sp, fr.uc.ss_flags, fr.uc.ss_size };
		signal_altstack(&st, NULL, f->user_esp);
	} else {
		uint32_t frame = f->user_esp - 8;	/* ret, then the restorer's pop */
		struct sigframe fr;
		if (copy_from_user(&fr, (void *)frame, sizeof(fr)) < 0 ||
		    !restore_context(f, &fr.sc, fr.sc.oldmask | ((uint64_t)fr.extramask << 32)))
			bad_frame(frame);
	}
	return f->eax;
}

void signal_reset_on_exec(proc_t *p)
{
	kthread_t *t = curthr;
	t->altstack_sp = t->altstack_size = t->altstack_flags = 0;
	spin_lock(&proc_lock);
	for (int sig = 1; sig <= NSIG; sig++) {
		k_sigaction_t *a = &p->sigactions[sig];
		uint32_t keep_ignored = a->handler == SIG_IGN ? SIG_IGN : SIG_DFL;
		memset(a, 0, sizeof(*a));
		a->handler = keep_ignored;
	}
	spin_unlock(&proc_lock);
}

uint64_t signal_pending_set(void)
{
	kthread_t *t = curthr;
	spin_lock(&proc_lock);
	spin_lock(&sched_lock);
	uint64_t set = (t->sig_pending | t->proc->sig_pending) & t->sig_blocked;
	spin_unlock(&sched_lock);
	spin_unlock(&proc_lock);
	return set;
}

/* sched_lock held: may the thread sleep, nothing deliverable having come?
 * Then a stale "interrupted" flag is cleared so that the sleep waits; a
 * signal sent after this check sets it again and ends the sleep. */
static bool quiet_locked(kthread_t *t, uint64_t also)
{
	if (t->cancelled || t->jobctl_stop ||
	    ((t->sig_pending | t->proc->sig_pending) & (~t->sig_blocked | also)))
		return false;
	t->sig_interrupt = false;
	return true;
}

long signal_suspend(uint64_t mask)
{
	kthread_t *t = curthr;
	wait_queue_t never;	/* only a signal or a cancel ends the wait */
	wait_queue_init(&never);
	spin_lock(&sched_lock);
	t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	t->sig_blocked = mask & ~UNBLOCKABLE;
	while (quiet_locked(t, 0))
		sched_sleep_locked(&never, true);
	spin_unlock(&sched_lock);
	return -EINTR;	/* signal_deliver runs the handler, then restores */
}

void signal_mask_begin(uint64_t mask)
{
	kthread_t *t = curthr;
	spin_lock(&sched_lock);
	t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	t->sig_blocked = mask & ~UNBLOCKABLE;
	if (!quiet_locked(t, 0))
		t->sig_interrupt = true;	/* one the new mask lets in is pending */
	spin_unlock(&sched_lock);
}

void signal_mask_end(bool interrupted)
{
	kthread_t *t = curthr;
	if (interrupted)
		return;	/* signal_deliver restores it once the handler has its frame */
	spin_lock(&sched_lock);
	t->sig_blocked = t->sig_saved_mask;
	t->sig_restore_mask = false;
	spin_unlock(&sched_lock);
}

long signal_timedwait(uint64_t set, int64_t timeout_ns, ksiginfo_t *info)
{
	kthread_t *t = curthr;
	k_sigaction_t unused;
	uint64_t deadline = 0;
	long rc;
	set &= ~UNBLOCKABLE;
	if (timeout_ns > 0)
		deadline = ticks_now() + (uint64_t)((timeout_ns + NSEC_PER_TICK - 1) / NSEC_PER_TICK);
	spin_lock(&sched_lock);
	t->sig_waiting = set;	/* kept pending even if ignored meanwhile */
	spin_unlock(&sched_lock);
	for (;;) {
		int sig = take_signal_from(t, set, false, &unused, info);
		if (sig) {
			rc = sig;
			break;
		}
		uint64_t now = ticks_now();
		if (timeout_ns == 0 || (timeout_ns > 0 && now >= deadline)) {
			rc = -EAGAIN;
			break;
		}
		spin_lock(&sched_lock);
		bool quiet = quiet_locked(t, set);
		spin_unlock(&sched_lock);
		if (!quiet) {
			if (signal_pending(t) || t->cancelled) {	/* another one: handle it */
				rc = -EINTR;
				break;
			}
			continue;	/* one of set: take it */
		}
		if (timeout_ns < 0) {
			wait_queue_t never;
			wait_queue_init(&never);
			sched_cancellable_sleep_on(&never, NULL);
		} else {
			uint64_t left = deadline - now;
			sched_sleep_ms((uint32_t)MIN(left * MS_PER_SEC / HZ, 0x7fffffffull));
		}
	}
	spin_lock(&sched_lock);
	t->sig_waiting = 0;
	spin_unlock(&sched_lock);
	return rc;
}

long signal_altstack(const linux_stack_t *ss, linux_stack_t *old, uint32_t user_esp)
{
	kthread_t *t = curthr;
	bool on = on_altstack(t, user_esp);
	if (old) {
		old->ss_sp = t->altstack_sp;
		old->ss_size = t->altstack_size;
		old->ss_flags = !t->altstack_size ? SS_DISABLE
			: (int32_t)(t->altstack_flags | (on ? SS_ONSTACK : 0));
	}
	if (!ss)
		return 0;
	if (on)
		return -EPERM;
	uint32_t mode = (uint32_t)ss->ss_flags & ~SS_AUTODISARM;
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		t->altstack_sp = t->altstack_size = t->altstack_flags = 0;
		return 0;
	}
	if (ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	t->altstack_sp = ss->ss_sp;
	t->altstack_size = ss->ss_size;
	t->altstack_flags = (uint32_t)ss->ss_flags & SS_AUTODISARM;
	return 0;
}

void signal_thread_free(kthread_t *t)
{
	list_t dead = LIST_INIT(dead);
	spin_lock(&proc_lock);
	drop_queued_locked(t->proc, &t->sig_queue, ~0ull, &dead);
	spin_unlock(&proc_lock);
	free_sigqs(&dead);
}

void signal_proc_free(proc_t *p)
{
	list_t dead = LIST_INIT(dead);
	spin_lock(&proc_lock);
	drop_queued_locked(p, &p->sig_queue, ~0ull, &dead);
	spin_unlock(&proc_lock);
	free_sigqs(&dead);
}
