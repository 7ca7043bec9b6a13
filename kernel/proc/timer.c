/*
 * Per-process timers (alarm, the itimers, POSIX timers) and CPU-time
 * accounting.
 *
 * An armed timer sits on `armed`, sorted by the tick at which it expires
 * (the first tick whose monotonic time is at or past its expiry, so it
 * never fires early by CLOCK_MONOTONIC).  The timer tick (timer_tick, in
 * the PIT interrupt) charges the running thread a tick of user or system
 * time, runs down the CPU-time itimers, and moves expired timers to
 * `fired` and schedules a bottom half; the bottom half (fire_bh) sends
 * their signals, which needs proc_lock, and re-arms periodic ones.
 *
 * A timer's signal stays "queued" (sig_queued) from the send until a
 * thread takes it (timer_signal_taken, from signal delivery or
 * sigtimedwait); expiries meanwhile are counted as overruns, and the
 * count is latched at delivery for timer_getoverrun, as POSIX says.  If
 * the pending signal vanished otherwise (ignored, sigaction discarded
 * it), the next expiry queues a new one.  Several timers may share a
 * signal: each is queued on its own, and the signal stays pending until
 * every one has been taken (timer_signal_taken says whether one is left).
 *
 * A SIGEV_THREAD_ID timer signals one thread of its process (target_tid,
 * a user thread id); when that thread exits (timer_thread_exit) the
 * target is cleared and its expiries signal no one, as on Linux, where
 * the timer keeps the dead thread's pid and the signal finds no task.
 *
 * timer_lock protects `armed`, `fired`, every process's proc_timers (its
 * list, ids and itimers) and every ktimer's fields.  Lock order:
 * proc_lock -> timer_lock -> sched_lock.  It is taken in the timer
 * interrupt; nothing that sleeps runs under it.
 */
#include "proc/timer.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "drivers/pit.h"
#include "entry/intr.h"
#include "main/cpu.h"
#include "mm/kmalloc.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/list.h"
#include "util/string.h"

#define NSEC_PER_TICK_ (1000000000ll / HZ)
#define ITIMER_CPU_COUNT 2	/* VIRTUAL and PROF */

typedef struct ktimer {
	list_t proc_link;	/* on proc_timers.list (POSIX timers) */
	list_t armed_link;	/* on `armed` while armed */
	list_t fired_link;	/* on `fired` until the bottom half runs */
	proc_t *proc;
	int id;			/* timer_t; -1 for ITIMER_REAL */
	int clock;
	int notify, signo;
	int target_tid;		/* SIGEV_THREAD_ID: the thread; 0 once it exited */
	uint32_t sigval;
	int64_t expiry_ns;	/* monotonic; 0: disarmed */
	int64_t interval_ns;	/* 0: one-shot */
	uint64_t tick;		/* when it fires */
	uint32_t overrun;	/* expiries while its signal was queued */
	uint32_t overrun_last;	/* latched when the signal was taken */
	bool sig_queued;	/* its signal is pending and not yet taken */
} ktimer_t;

typedef struct proc_timers {
	ktimer_t real;				/* ITIMER_REAL, alarm */
	int64_t cpu_left_ns[ITIMER_CPU_COUNT];	/* VIRTUAL, PROF; 0: off */
	int64_t cpu_interval_ns[ITIMER_CPU_COUNT];
	list_t list;				/* POSIX timers, by proc_link */
	int count;
	int next_id;
} proc_timers_t;

static spinlock_t timer_lock = SPINLOCK_INIT("process timers, armed and fired lists");
static list_t armed = LIST_INIT(armed);		/* ktimer_t.armed_link, by tick */
static list_t fired = LIST_INIT(fired);		/* ktimer_t.fired_link */
static bh_work_t fire_work;

static int64_t now_ns(void)
{
	return (int64_t)ticks_now() * NSEC_PER_TICK_;
}

static void ktimer_init(ktimer_t *tm, proc_t *p, int id)
{
	memset(tm, 0, sizeof(*tm));
	list_init(&tm->proc_link);
	list_init(&tm->armed_link);
	list_init(&tm->fired_link);
	tm->proc = p;
	tm->id = id;
}

/* timer_lock held: off both lists. */
static void disarm_locked(ktimer_t *tm)
{
	if (list_linked(&tm->armed_link))
		list_remove(&tm->armed_link);
	if (list_linked(&tm->fired_link))
		list_remove(&tm->fired_link);
	tm->expiry_ns = 0;
}

/* timer_lock held: onto `armed` at its expiry. */
static void arm_locked(ktimer_t *tm)
{
	list_t *pos;
	tm->tick = (uint64_t)((tm->expiry_ns + NSEC_PER_TICK_ - 1) / NSEC_PER_TICK_);
	list_for_each(pos, &armed)
		if (list_entry(pos, ktimer_t, armed_link)->tick > tm->tick)
			break;
	list_insert_tail(pos, &tm->armed_link);	/* i.e. before pos */
}

/* timer_lock held: takes a new setting. */
static void set_locked(ktimer_t *tm, const ktimer_spec_t *spec)
{
	disarm_locked(tm);
	tm->overrun = 0;
	tm->interval_ns = spec->interval_ns;
	if (spec->value_ns > 0) {
		tm->expiry_ns = spec->value_ns;
		arm_locked(tm);
	}
}

/* A timer's signal went out: proc_lock and timer_lock held. */
static void notify_locked(ktimer_t *tm, uint32_t missed)
{
	proc_t *p = tm->proc;
	kthread_t *t = NULL;
	if (tm->notify == SIGEV_THREAD_ID) {
		t = tm->target_tid ? proc_thread_lookup_locked(tm->target_tid) : NULL;
		if (!t || t->proc != p) {	/* its thread is gone: no one to tell */
			tm->sig_queued = false;
			return;
		}
	} else if (tm->notify != SIGEV_SIGNAL) {
		return;
	}
	if (tm->sig_queued && signal_is_pending_locked(p, t, tm->signo)) {
		tm->overrun += 1 + missed;
		return;
	}
	tm->overrun = missed;
	if (t)
		signal_send_thread_locked(t, tm->signo);
	else
		signal_send_proc_locked(p, tm->signo);
	tm->sig_queued = signal_is_pending_locked(p, t, tm->signo);
}

/* The bottom half: signals for every fired timer, periodic ones again. */
static void fire_bh(void *unused)
{
	spin_lock(&proc_lock);
	spin_lock(&timer_lock);
	int64_t now = now_ns();
	list_t *l;
	while ((l = list_pop_head(&fired)) != NULL) {
		ktimer_t *tm = list_entry(l, ktimer_t, fired_link);
		uint32_t missed = 0;
		if (tm->interval_ns > 0) {
			int64_t late = now > tm->expiry_ns ? now - tm->expiry_ns : 0;
			int64_t periods = late / tm->interval_ns + 1;
			missed = (uint32_t)MIN(periods - 1, (int64_t)0x7fffffff);
			tm->expiry_ns += periods * tm->interval_ns;
			arm_locked(tm);
		} else {
			tm->expiry_ns = 0;
		}
		notify_locked(tm, missed);
	}
	spin_unlock(&timer_lock);
	spin_unlock(&proc_lock);
}

/* timer_lock held: one CPU-time itimer ran for a tick. */
static void cpu_itimer_tick(proc_timers_t *pt, int idx, kthread_t *t, int sig)
{
	if (pt->cpu_left_ns[idx] <= 0)
		return;
	pt->cpu_left_ns[idx] -= NSEC_PER_TICK_;
	if (pt->cpu_left_ns[idx] > 0)
		return;
	pt->cpu_left_ns[idx] = pt->cpu_interval_ns[idx];
	/* The thread is running: the signal is delivered on its way back
	 * to user mode (ignored ones are dropped there). */
	spin_lock(&sched_lock);
	t->sig_pending |= SIGBIT(sig);
	spin_unlock(&sched_lock);
}

/* The PIT's per-tick hook (interrupt context). */
static void timer_tick(bool from_user)
{
	kthread_t *t = curthr;
	uint64_t tick = ticks_now();
	bool any = false;

	spin_lock(&timer_lock);
	if (t && t != cpu_this()->idle_thread) {
		spin_lock(&sched_lock);
		if (from_user)
			t->utime_ticks++;
		else
			t->stime_ticks++;
		spin_unlock(&sched_lock);
		proc_timers_t *pt = t->proc->timers;
		if (pt && t->fpu_state) {
			if (from_user)
				cpu_itimer_tick(pt, ITIMER_VIRTUAL - 1, t, SIGVTALRM);
			cpu_itimer_tick(pt, ITIMER_PROF - 1, t, SIGPROF);
		}
	}
	while (!list_empty(&armed)) {
		ktimer_t *tm = list_entry(armed.next, ktimer_t, armed_link);
		if (tm->tick > tick)
			break;
		list_remove(&tm->armed_link);
		list_insert_tail(&fired, &tm->fired_link);
		any = true;
	}
	spin_unlock(&timer_lock);
	if (any)
		bh_schedule(&fire_work);
}

void timer_init(void)
{
	bh_init_work(&fire_work, fire_bh, NULL);
	pit_cputime_hook = timer_tick;
}

/* The caller's timers, made on first use; NULL when out of memory. */
static proc_timers_t *my_timers(void)
{
	proc_t *p = curproc;
	if (p->timers)
		return p->timers;
	proc_timers_t *pt = kmalloc(sizeof(*pt));
	if (!pt)
		return NULL;
	memset(pt, 0, sizeof(*pt));
	ktimer_init(&pt->real, p, -1);
	pt->real.notify = SIGEV_SIGNAL;
	pt->real.signo = SIGALRM;
	list_init(&pt->list);
	spin_lock(&timer_lock);
	p->timers = pt;		/* only the process's own threads get here */
	spin_unlock(&timer_lock);
	return pt;
}

/* timer_lock held. */
static ktimer_t *lookup_locked(proc_timers_t *pt, int id)
{
	list_t *l;
	if (!pt)
		return NULL;
	list_for_each(l, &pt->list) {
		ktimer_t *tm = list_entry(l, ktimer_t, proc_link);
		if (tm->id == id)
			return tm;
	}
	return NULL;
}

int ptimer_create(int clock, int notify, int signo, int tid, uint32_t sigval,
		  bool default_sigval, int *id)
{
	proc_timers_t *pt = my_timers();
	if (!pt)
		return -ENOMEM;
	ktimer_t *tm = kmalloc(sizeof(*tm));
	if (!tm)
		return -ENOMEM;
	ktimer_init(tm, curproc, 0);
	tm->clock = clock;
	tm->notify = notify;
	tm->signo = signo;
	tm->target_tid = notify == SIGEV_THREAD_ID ? tid : 0;
	spin_lock(&timer_lock);
	if (pt->count >= PTIMER_MAX) {
		spin_unlock(&timer_lock);
		kfree(tm);
		return -EAGAIN;
	}
	while (lookup_locked(pt, pt->next_id))	/* ids wrap below INT_MAX */
		pt->next_id = (pt->next_id + 1) & 0x7fffffff;
	tm->id = pt->next_id;
	pt->next_id = (pt->next_id + 1) & 0x7fffffff;
	tm->sigval = default_sigval ? (uint32_t)tm->id : sigval;
	list_insert_tail(&pt->list, &tm->proc_link);
	pt->count++;
	spin_unlock(&timer_lock);
	*id = tm->id;
	return 0;
}

/* timer_lock held. */
static void get_locked(const ktimer_t *tm, ktimer_spec_t *cur)
{
	cur->value_ns = tm->expiry_ns;
	cur->interval_ns = tm->interval_ns;
}

int ptimer_settime(int id, const ktimer_spec_t *spec, ktimer_spec_t *old)
{
	spin_lock(&timer_lock);
	ktimer_t *tm = lookup_locked(curproc->timers, id);
	if (tm) {
		if (old)
			get_locked(tm, old);
		set_locked(tm, spec);
	}
	spin_unlock(&timer_lock);
	return tm ? 0 : -EINVAL;
}

int ptimer_gettime(int id, ktimer_spec_t *cur, int *clock)
{
	spin_lock(&timer_lock);
	ktimer_t *tm = lookup_locked(curproc->timers, id);
	if (tm) {
		get_locked(tm, cur);
		*clock = tm->clock;
	}
	spin_unlock(&timer_lock);
	return tm ? 0 : -EINVAL;
}

int ptimer_getoverrun(int id)
{
	spin_lock(&timer_lock);
	ktimer_t *tm = lookup_locked(curproc->timers, id);
	int rc = tm ? (int)MIN(tm->overrun_last, 0x7fffffffu) : -EINVAL;
	spin_unlock(&timer_lock);
	return rc;
}

/* timer_lock held: off every list; the caller frees it. */
static void delete_locked(proc_timers_t *pt, ktimer_t *tm)
{
	disarm_locked(tm);
	list_remove(&tm->proc_link);
	pt->count--;
}

int ptimer_delete(int id)
{
	proc_timers_t *pt = curproc->timers;
	spin_lock(&timer_lock);
	ktimer_t *tm = lookup_locked(pt, id);
	if (tm)
		delete_locked(pt, tm);
	spin_unlock(&timer_lock);
	kfree(tm);
	return tm ? 0 : -EINVAL;
}

int itimer_set(int which, const ktimer_spec_t *spec, ktimer_spec_t *old)
{
	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	proc_timers_t *pt = my_timers();
	if (!pt)
		return -ENOMEM;
	spin_lock(&timer_lock);
	if (which == ITIMER_REAL) {
		ktimer_spec_t abs = *spec;
		if (old) {
			get_locked(&pt->real, old);
			if (old->value_ns)
				old->value_ns = MAX(old->value_ns - now_ns(), 1);
		}
		if (abs.value_ns > 0)
			abs.value_ns += now_ns();
		set_locked(&pt->real, &abs);
	} else {
		if (old) {
			old->value_ns = pt->cpu_left_ns[which - 1];
			old->interval_ns = pt->cpu_interval_ns[which - 1];
		}
		pt->cpu_left_ns[which - 1] = spec->value_ns;
		pt->cpu_interval_ns[which - 1] = spec->interval_ns;
	}
	spin_unlock(&timer_lock);
	return 0;
}

int itimer_get(int which, ktimer_spec_t *cur)
{
	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	proc_timers_t *pt = curproc->timers;
	memset(cur, 0, sizeof(*cur));
	spin_lock(&timer_lock);
	if (pt && which == ITIMER_REAL) {
		get_locked(&pt->real, cur);
		if (cur->value_ns)
			cur->value_ns = MAX(cur->value_ns - now_ns(), 1);
	} else if (pt) {
		cur->value_ns = pt->cpu_left_ns[which - 1];
		cur->interval_ns = pt->cpu_interval_ns[which - 1];
	}
	spin_unlock(&timer_lock);
	return 0;
}

/* Takes every POSIX timer off p's list into `dead` (timer_lock held). */
static void unlink_all_locked(proc_timers_t *pt, list_t *dead)
{
	list_t *l, *tmp;
	list_for_each_safe(l, tmp, &pt->list) {
		ktimer_t *tm = list_entry(l, ktimer_t, proc_link);
		delete_locked(pt, tm);
		list_insert_tail(dead, &tm->proc_link);
	}
}

static void free_all(list_t *dead)
{
	list_t *l;
	while ((l = list_pop_head(dead)) != NULL)
		kfree(list_entry(l, ktimer_t, proc_link));
}

void proc_timers_exec(proc_t *p)
{
	list_t dead = LIST_INIT(dead);
	spin_lock(&timer_lock);
	if (p->timers)
		unlink_all_locked(p->timers, &dead);
	spin_unlock(&timer_lock);
	free_all(&dead);
}

void proc_timers_exit(proc_t *p)
{
	list_t dead = LIST_INIT(dead);
	spin_lock(&timer_lock);
	proc_timers_t *pt = p->timers;
	p->timers = NULL;
	if (pt) {
		unlink_all_locked(pt, &dead);
		disarm_locked(&pt->real);
	}
	spin_unlock(&timer_lock);
	free_all(&dead);
	kfree(pt);
}

/* timer_lock held: the signal queued by tm is being taken. */
static void take_locked(ktimer_t *tm, ksiginfo_t *info)
{
	tm->sig_queued = false;
	tm->overrun_last = tm->overrun;
	tm->overrun = 0;
	if (tm->id < 0) {
		info->si_code = SI_KERNEL;
		return;
	}
	info->si_code = SI_TIMER;
	info->si_fields[0] = (uint32_t)tm->id;
	info->si_fields[1] = tm->overrun_last;
	info->si_fields[2] = tm->sigval;
}

/* Did tm queue signal sig on t's set (t NULL: the process's)? */
static bool queued_on(const ktimer_t *tm, const kthread_t *t, int sig)
{
	if (!tm->sig_queued || tm->signo != sig)
		return false;
	return tm->notify == SIGEV_THREAD_ID ? t && t->utid == tm->target_tid : !t;
}

bool timer_signal_taken(proc_t *p, kthread_t *t, int sig, ksiginfo_t *info)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	list_t *l;
	bool taken = false, more = false;
	spin_lock(&timer_lock);
	proc_timers_t *pt = p->timers;
	if (!pt)
		goto out;
	if (queued_on(&pt->real, t, sig)) {
		take_locked(&pt->real, info);
		taken = true;
	}
	list_for_each(l, &pt->list) {
		ktimer_t *tm = list_entry(l, ktimer_t, proc_link);
		if (!queued_on(tm, t, sig))
			continue;
		if (taken) {
			more = true;
			break;
		}
		take_locked(tm, info);
		taken = true;
	}
out:
	spin_unlock(&timer_lock);
	return more;
}

void timer_thread_exit(kthread_t *t)
{
	list_t *l;
	spin_lock(&timer_lock);
	proc_timers_t *pt = t->proc->timers;
	if (pt) {
		list_for_each(l, &pt->list) {
			ktimer_t *tm = list_entry(l, ktimer_t, proc_link);
			if (tm->notify == SIGEV_THREAD_ID && tm->target_tid == t->utid)
				tm->target_tid = 0;
		}
	}
	spin_unlock(&timer_lock);
}

void cputime_thread(kthread_t *t, uint64_t *user, uint64_t *sys)
{
	spin_lock(&sched_lock);
	*user = t->utime_ticks;
	*sys = t->stime_ticks;
	spin_unlock(&sched_lock);
}

void cputime_proc(proc_t *p, uint64_t *user, uint64_t *sys)
{
	list_t *l;
	*user = *sys = 0;
	spin_lock(&proc_lock);
	spin_lock(&sched_lock);
	list_for_each(l, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		*user += t->utime_ticks;
		*sys += t->stime_ticks;
	}
	spin_unlock(&sched_lock);
	spin_unlock(&proc_lock);
}

void cputime_reaped(proc_t *parent, proc_t *child)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	uint64_t user = child->cutime_ticks, sys = child->cstime_ticks;
	spin_lock(&sched_lock);
	list_for_each(l, &child->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		user += t->utime_ticks;
		sys += t->stime_ticks;
	}
	spin_unlock(&sched_lock);
	parent->cutime_ticks += user;
	parent->cstime_ticks += sys;
}
