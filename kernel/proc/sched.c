/*
 * The scheduler: run queues, switching, preemption, sleep and wakeup.
 *
 * Each CPU has run queues of RUNNABLE threads (the running thread is not
 * on them) and an idle thread that is never queued: one FIFO queue per
 * real-time priority, with a bitmap of the non-empty ones, and one FIFO
 * queue for time-sharing and cooperative threads, taken from only when no
 * real-time thread is runnable.  sched_switch() is
 * the only place threads change: it is entered with sched_lock held and
 * the outgoing thread already queued or parked on a wait queue, and the
 * incoming thread releases sched_lock (in its own sched_switch caller, or
 * in kthread_start for a new thread).  The interrupt-enable state belongs
 * to each thread, so it is saved around the switch.
 *
 * Preemption: the timer counts down the running thread's slice and sets
 * need_resched, and so does making a thread runnable that outranks the
 * running one (rank: the real-time priority, 0 for the others).  The
 * interrupt and system-call exit paths call sched_preempt_point(), which
 * decides (preempt_reason): a thread is preempted by a higher rank (and
 * goes back to the head of its queue), or at the end of its slice if it
 * is time-sharing, or SCHED_RR with an equal-priority thread runnable
 * (to the tail).  SCHED_FIFO and cooperative threads have no slice.
 * Nice sets the time-sharing slice's length, so it sets the CPU share of
 * time-sharing threads that compete (doc/proc.md).
 *
 * Timed sleeps sit on sleep_timers, sorted by wake tick, and on the
 * timed_sleepers wait queue (so cancellation finds them like any sleeper).
 *
 * sched_lock protects run queues, the real-time bitmap, wait queues,
 * thread states, wchan, cancelled, scheduling attributes (policy, sched),
 * timer entries and nrunnable.
 */
#include "proc/sched.h"
#include "proc/proc.h"
#include "boot/gdt.h"
#include "drivers/pit.h"
#include "main/cpu.h"
#include "main/io.h"
#include "mm/pagetable.h"
#include "proc/loadavg.h"
#include "proc/pollwait.h"
#include "util/debug.h"
#include "util/errno.h"

void context_switch(uint32_t *save_esp, uint32_t new_esp);

spinlock_t sched_lock = SPINLOCK_INIT("run queues, wait queues, thread states");
static list_t runq = LIST_INIT(runq);		/* per CPU (one CPU): time sharing, coop */
static list_t rt_runq[SCHED_RT_PRIO_MAX + 1];	/* per CPU: by real-time priority */
#define RT_BITMAP_WORDS ((SCHED_RT_PRIO_MAX + 32) / 32)
static uint32_t rt_bitmap[RT_BITMAP_WORDS];	/* bit p: rt_runq[p] not empty */
static size_t nrunnable;
static list_t sleep_timers = LIST_INIT(sleep_timers);
static wait_queue_t timed_sleepers;

void sched_init(void)
{
	for (int p = 0; p <= SCHED_RT_PRIO_MAX; p++)
		list_init(&rt_runq[p]);
	wait_queue_init(&timed_sleepers);
	pit_tick_hook = sched_tick;
}

void wait_queue_init(wait_queue_t *wq)
{
	list_init(&wq->waiters);
	wq->count = 0;
	list_init(&wq->pollers);
	wq->npollers = 0;
}

bool wait_queue_empty(const wait_queue_t *wq)
{
	return wq->count == 0;
}

static bool is_rt(const kthread_t *t)
{
	return t->policy == SCHED_POLICY_RT_FIFO || t->policy == SCHED_POLICY_RT_RR;
}

/* Who runs first: the real-time priority, 0 for the others, -1 idle. */
static int rank(const kthread_t *t)
{
	if (t == cpu_this()->idle_thread)
		return -1;
	return is_rt(t) ? t->sched.priority : 0;
}

/* The highest priority with a runnable real-time thread, or 0. */
static int rt_top(void)
{
	for (int w = RT_BITMAP_WORDS - 1; w >= 0; w--)
		if (rt_bitmap[w])
			return w * 32 + 31 - __builtin_clz(rt_bitmap[w]);
	return 0;
}

static list_t *queue_of(const kthread_t *t)
{
	return is_rt(t) ? &rt_runq[t->sched.priority] : &runq;
}

/* Queues t at the tail of its queue, or at the head (a thread preempted
 * by a higher rank keeps its place among its equals, as on Linux). */
static void runq_insert(kthread_t *t, bool at_head)
{
	cpu_t *cpu = cpu_this();
	KASSERT(t != cpu->idle_thread, "idle thread queued");
	t->state = KT_RUNNABLE;
	t->wchan = NULL;
	list_t *q = queue_of(t);
	if (at_head)
		list_insert_head(q, &t->run_link);
	else
		list_insert_tail(q, &t->run_link);
	if (is_rt(t))
		rt_bitmap[t->sched.priority / 32] |= 1u << (t->sched.priority % 32);
	nrunnable++;
	if (cpu->cur_thread && rank(t) > rank(cpu->cur_thread))
		cpu->need_resched = true;
}

static void runq_add(kthread_t *t)
{
	runq_insert(t, false);
}

/* Takes a queued thread off its run queue. */
static void runq_remove(kthread_t *t)
{
	list_remove(&t->run_link);
	nrunnable--;
	if (is_rt(t) && list_empty(&rt_runq[t->sched.priority]))
		rt_bitmap[t->sched.priority / 32] &= ~(1u << (t->sched.priority % 32));
}

static kthread_t *runq_take(void)
{
	int top = rt_top();
	list_t *q = top ? &rt_runq[top] : &runq;
	if (list_empty(q))
		return NULL;
	kthread_t *t = list_entry(q->next, kthread_t, run_link);
	runq_remove(t);
	return t;
}

/* The eagerly switched per-thread CPU state of user threads: FPU/SSE
 * registers and TLS descriptors (DESIGN.md decision 13). */
static void switch_user_state(kthread_t *prev, kthread_t *next)
{
	if (prev->fpu_state)
		__asm__ volatile("fxsave (%0)" : : "r"(prev->fpu_state) : "memory");
	if (next->fpu_state) {
		__asm__ volatile("fxrstor (%0)" : : "r"(next->fpu_state) : "memory");
		gdt_load_tls(next->tls);
	}
}

static void sched_switch(void)
{
	cpu_t *cpu = cpu_this();
	KASSERT(spin_holding(&sched_lock), "sched_switch without sched_lock");
	if (cpu->spinlocks_held != 1)
		panic("thread %d (%s) blocking while holding %d spinlock(s) besides sched_lock",
		      cpu->cur_thread->tid, cpu->cur_thread->name, cpu->spinlocks_held - 1);
	KASSERT(!in_interrupt(), "switching threads inside a hard interrupt");

	kthread_t *prev = cpu->cur_thread;
	kthread_t *next = runq_take();
	if (!next)
		next = cpu->idle_thread;
	cpu->need_resched = false;
	cpu->slice_left = sched_slice_ticks(&next->sched);
	if (next == prev)
		return;

	bool intr_was_enabled = cpu->cli_was_enabled;
	cpu->cur_thread = next;
	switch_user_state(prev, next);
	if (next->proc->pagedir != prev->proc->pagedir)
		pt_switch(next->proc->pagedir);
	tss_set_kernel_stack((uint32_t)next->kstack + KTHREAD_STACK_SIZE);
	context_switch(&prev->saved_esp, next->saved_esp);
	cpu_this()->cli_was_enabled = intr_was_enabled;
}

void sched_switch_final(void)
{
	sched_switch();
	panic("exited thread %d ran again", curthr->tid);
}

void sched_make_runnable(kthread_t *thr)
{
	spin_lock(&sched_lock);
	KASSERT(thr->state == KT_RUNNABLE && !list_linked(&thr->run_link) &&
		thr != cpu_this()->cur_thread,
		"sched_make_runnable: thread %d is not a new thread (state %d, %s)", thr->tid,
		thr->state, list_linked(&thr->run_link) ? "queued" : "not queued");
	runq_add(thr);
	spin_unlock(&sched_lock);
}

void sched_yield(void)
{
	spin_lock(&sched_lock);
	kthread_t *cur = curthr;
	if (cur != cpu_this()->idle_thread)
		runq_add(cur);
	sched_switch();
	spin_unlock(&sched_lock);
}

enum preempt { PREEMPT_NONE, PREEMPT_OUTRANKED, PREEMPT_SLICE_END };

/* Whether the running thread cur gives way now, and why (sched_lock). */
static enum preempt preempt_reason(const cpu_t *cpu, const kthread_t *cur)
{
	int top = rt_top();
	if (cur == cpu->idle_thread)
		return PREEMPT_SLICE_END;
	if (top > rank(cur))
		return PREEMPT_OUTRANKED;
	if (cpu->slice_left > 0)
		return PREEMPT_NONE;
	switch (cur->policy) {
	case SCHED_POLICY_RR:
		return PREEMPT_SLICE_END;
	case SCHED_POLICY_RT_RR:
		return top == rank(cur) ? PREEMPT_SLICE_END : PREEMPT_NONE;
	default:	/* FIFO and cooperative threads have no slice */
		return PREEMPT_NONE;
	}
}

void sched_preempt_point(void)
{
	cpu_t *cpu = cpu_this();
	if (!cpu->need_resched || !cpu->cur_thread)
		return;
	spin_lock(&sched_lock);
	kthread_t *cur = cpu->cur_thread;
	enum preempt why = preempt_reason(cpu, cur);
	if (why == PREEMPT_NONE) {
		cpu->need_resched = false;
		if (cpu->slice_left == 0)	/* alone at its level: a new slice */
			cpu->slice_left = sched_slice_ticks(&cur->sched);
	} else {
		if (cur != cpu->idle_thread)
			runq_insert(cur, why == PREEMPT_OUTRANKED);
		sched_switch();
	}
	spin_unlock(&sched_lock);
}

void sched_idle_once(void)
{
	/* nrunnable is read without the lock as a hint: a thread made
	 * runnable just after the check is run at the next interrupt (sti
	 * takes effect after hlt starts, so no interrupt is missed). */
	intr_disable();
	if (__atomic_load_n(&nrunnable, __ATOMIC_RELAXED) == 0)
		__asm__ volatile("sti; hlt" ::: "memory");
	else
		intr_enable();
	sched_yield();
}

static void timer_remove(kthread_t *t)
{
	if (list_linked(&t->timer_link))
		list_remove(&t->timer_link);
}

int sched_sleep_locked(wait_queue_t *wq, bool cancellable)
{
	kthread_t *t = curthr;
	KASSERT(t != cpu_this()->idle_thread, "the idle thread cannot sleep");
	if (cancellable && (t->cancelled || t->sig_interrupt))
		return -EINTR;
	t->state = cancellable ? KT_SLEEP_CANCELLABLE : KT_SLEEP;
	t->wchan = wq;
	list_insert_tail(&wq->waiters, &t->run_link);
	wq->count++;
	sched_switch();
	return (cancellable && (t->cancelled || t->sig_interrupt)) ? -EINTR : 0;
}

static int sleep_common(wait_queue_t *wq, spinlock_t *lock, bool cancellable)
{
	spin_lock(&sched_lock);
	if (lock)
		spin_unlock(lock);	/* we are on no queue yet, but hold sched_lock */
	int rc = sched_sleep_locked(wq, cancellable);
	spin_unlock(&sched_lock);
	if (lock)
		spin_lock(lock);
	return rc;
}

void sched_sleep_on(wait_queue_t *wq, spinlock_t *lock)
{
	sleep_common(wq, lock, false);
}

int sched_cancellable_sleep_on(wait_queue_t *wq, spinlock_t *lock)
{
	return sleep_common(wq, lock, true);
}

kthread_t *sched_wakeup_locked(wait_queue_t *wq)
{
	if (wq->npollers)
		poll_wake_locked(wq);	/* pollers watch every wakeup */
	list_t *l = list_pop_head(&wq->waiters);
	if (!l)
		return NULL;
	wq->count--;
	kthread_t *t = list_entry(l, kthread_t, run_link);
	timer_remove(t);
	runq_add(t);
	return t;
}

void sched_broadcast_locked(wait_queue_t *wq)
{
	while (sched_wakeup_locked(wq))
		;
}

kthread_t *sched_wakeup_on(wait_queue_t *wq)
{
	spin_lock(&sched_lock);
	kthread_t *t = sched_wakeup_locked(wq);
	spin_unlock(&sched_lock);
	return t;
}

void sched_broadcast_on(wait_queue_t *wq)
{
	spin_lock(&sched_lock);
	sched_broadcast_locked(wq);
	spin_unlock(&sched_lock);
}

/* Takes a sleeping thread off its queue and timer and runs it. */
static void unsleep_locked(kthread_t *t)
{
	list_remove(&t->run_link);
	t->wchan->count--;
	timer_remove(t);
	runq_add(t);
}

void sched_cancel(kthread_t *thr)
{
	spin_lock(&sched_lock);
	thr->cancelled = true;
	if (thr->state == KT_SLEEP_CANCELLABLE)
		unsleep_locked(thr);
	spin_unlock(&sched_lock);
}

void sched_interrupt(kthread_t *thr)
{
	spin_lock(&sched_lock);
	thr->sig_interrupt = true;
	if (thr->state == KT_SLEEP_CANCELLABLE)
		unsleep_locked(thr);
	spin_unlock(&sched_lock);
}

/* sched_lock held: arms t's timer for tick `wake`. */
static void timer_insert(kthread_t *t, uint64_t wake)
{
	list_t *pos;
	list_for_each(pos, &sleep_timers)	/* keep the list sorted */
		if (list_entry(pos, kthread_t, timer_link)->wake_tick > wake)
			break;
	t->wake_tick = wake;
	t->timed_out = false;
	list_insert_tail(pos, &t->timer_link);	/* i.e. before pos */
}

int sched_sleep_ms(uint32_t ms)
{
	uint64_t wake = ticks_now() + ((uint64_t)ms * HZ + 999) / 1000;
	spin_lock(&sched_lock);
	kthread_t *t = curthr;
	timer_insert(t, wake);
	int rc = sched_sleep_locked(&timed_sleepers, true);
	timer_remove(t);	/* cancelled before the timer fired */
	spin_unlock(&sched_lock);
	return rc;
}

int sched_timed_sleep_on(wait_queue_t *wq, spinlock_t *lock, uint64_t wake_tick)
{
	kthread_t *t = curthr;
	spin_lock(&sched_lock);
	if (lock)
		spin_unlock(lock);	/* we are on no queue yet, but hold sched_lock */
	timer_insert(t, wake_tick);
	int rc = sched_sleep_locked(wq, true);
	timer_remove(t);	/* woken or cancelled before the timer fired */
	if (rc == 0 && t->timed_out)
		rc = -ETIMEDOUT;
	spin_unlock(&sched_lock);
	if (lock)
		spin_lock(lock);
	return rc;
}

int sched_timed_sleep_locked(wait_queue_t *wq, uint64_t wake_tick)
{
	kthread_t *t = curthr;
	timer_insert(t, wake_tick);
	int rc = sched_sleep_locked(wq, true);
	timer_remove(t);	/* woken or cancelled before the timer fired */
	if (rc == 0 && t->timed_out)
		rc = -ETIMEDOUT;
	return rc;
}

void sched_tick(void)
{
	cpu_t *cpu = cpu_this();
	kthread_t *cur = cpu->cur_thread;
	uint64_t now = ticks_now();

	spin_lock(&sched_lock);
	if (cur && cur != cpu->idle_thread) {
		cur->run_ticks++;
		if (cpu->slice_left > 0 && --cpu->slice_left == 0)
			cpu->need_resched = true;
	}
	while (!list_empty(&sleep_timers)) {
		kthread_t *t = list_entry(sleep_timers.next, kthread_t, timer_link);
		if (t->wake_tick > now)
			break;
		t->timed_out = true;
		unsleep_locked(t);
	}
	uint32_t active = (uint32_t)nrunnable + (cur && cur != cpu->idle_thread);
	spin_unlock(&sched_lock);
	loadavg_tick(active);
}

static sched_policy_t class_of(int policy)
{
	switch (policy) {
	case SCHED_FIFO: return SCHED_POLICY_RT_FIFO;
	case SCHED_RR: return SCHED_POLICY_RT_RR;
	case MOS_SCHED_COOP: return SCHED_POLICY_COOP;
	default: return SCHED_POLICY_RR;	/* OTHER, BATCH, IDLE */
	}
}

uint32_t sched_online_cpus(void)
{
	return (1u << NCPUS_MAX) - 1;
}

uint32_t sched_slice_ticks(const sched_attrs_t *a)
{
	switch (class_of(a->policy)) {
	case SCHED_POLICY_RT_RR:
		return SCHED_RR_SLICE_TICKS;
	case SCHED_POLICY_RR:
		if (a->policy == SCHED_IDLE)
			return 1;
		/* nice -20: SCHED_SLICE_MAX_TICKS; 0: SCHED_SLICE_TICKS; 19: 1 */
		return MAX(1, SCHED_SLICE_MAX_TICKS * (SCHED_NICE_MAX + 1 - a->nice) /
			   (2 * (SCHED_NICE_MAX + 1)));
	default:
		return 0;
	}
}

void sched_thread_init(kthread_t *thr)
{
	thr->policy = SCHED_POLICY_RR;
	thr->sched = (sched_attrs_t){
		.policy = SCHED_OTHER,
		.affinity = sched_online_cpus(),
	};
}

void sched_fork_attrs(const kthread_t *parent, kthread_t *child)
{
	sched_attrs_t a;
	sched_attrs_get(parent, &a);
	if (a.reset_on_fork) {
		if (class_of(a.policy) == SCHED_POLICY_RT_FIFO ||
		    class_of(a.policy) == SCHED_POLICY_RT_RR) {
			a.policy = SCHED_OTHER;
			a.priority = 0;
		}
		a.nice = MAX(a.nice, 0);
		a.reset_on_fork = false;
	}
	sched_attrs_set(child, &a);
}

void sched_attrs_get(const kthread_t *thr, sched_attrs_t *out)
{
	spin_lock(&sched_lock);
	*out = thr->sched;
	spin_unlock(&sched_lock);
}

void sched_attrs_set(kthread_t *thr, const sched_attrs_t *attrs)
{
	cpu_t *cpu = cpu_this();
	spin_lock(&sched_lock);
	bool queued = thr->state == KT_RUNNABLE && list_linked(&thr->run_link);
	if (queued)
		runq_remove(thr);
	thr->sched = *attrs;
	thr->policy = class_of(attrs->policy);
	if (queued)
		runq_insert(thr, false);
	if (thr == cpu->cur_thread) {
		if (rt_top() > rank(thr))
			cpu->need_resched = true;
		uint32_t slice = sched_slice_ticks(attrs);
		if (cpu->slice_left == 0 || cpu->slice_left > slice)
			cpu->slice_left = slice;
	}
	spin_unlock(&sched_lock);
}

void sched_set_policy(kthread_t *thr, sched_policy_t policy)
{
	sched_attrs_t a;
	sched_attrs_get(thr, &a);
	a.policy = policy == SCHED_POLICY_COOP ? MOS_SCHED_COOP : SCHED_OTHER;
	a.priority = 0;
	sched_attrs_set(thr, &a);
}
