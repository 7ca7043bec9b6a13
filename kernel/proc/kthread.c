/*
 * Kernel threads: creation, exit, cancellation and join.
 *
 * A new thread's stack is laid out as if it had called context_switch:
 * four zeroed callee-saved registers and a return address of
 * kthread_start, which finishes the switch (releases sched_lock, turns
 * interrupts on) and calls the thread's function.
 *
 * Exit takes proc_lock, then sched_lock, marks the thread EXITED (and, for
 * the last thread, the process dead), and switches away for good while
 * still holding sched_lock, so no reaper can free the stack it is
 * standing on until it is off it.  kthread_join and proc_waitpid free
 * exited threads.
 */
#include "proc/jobctl.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/timer.h"
#include "entry/intr.h"
#include "mm/kva.h"
#include "mm/slab.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/string.h"

#define FXSAVE_SIZE 512
#define FXSAVE_ALIGN 16

static slab_cache_t *kthread_cache;
static slab_cache_t *fpu_cache;	/* FXSAVE areas of user threads */
static uint8_t fpu_initial[FXSAVE_SIZE] __aligned(FXSAVE_ALIGN);
static int next_tid = 1;	/* under proc_lock */
void (*kthread_user_exit_hook)(kthread_t *t);	/* set once by the API at boot */
static size_t nthreads;		/* under proc_lock */

void kthread_init(void)
{
	kthread_cache = slab_cache_create("kthread", sizeof(kthread_t), 0, 0);
	fpu_cache = slab_cache_create("fpu_state", FXSAVE_SIZE, FXSAVE_ALIGN, 0);
	KASSERT(kthread_cache && fpu_cache, "no memory for the thread caches");
	/* The state every user thread starts with: FNINIT's x87 state and
	 * the power-on MXCSR (all SSE exceptions masked). */
	__asm__ volatile("fninit; fxsave %0" : "=m"(fpu_initial));
}

static void kthread_start(void)
{
	/* We arrive from sched_switch holding sched_lock. */
	cpu_this()->cli_was_enabled = true;
	spin_unlock(&sched_lock);
	kthread_t *t = curthr;
	kthread_exit(t->func(t->arg1, t->arg2));
}

static void kthread_setup(kthread_t *t, proc_t *proc)
{
	list_init(&t->proc_link);
	list_init(&t->run_link);
	list_init(&t->timer_link);
	list_init(&t->sig_queue);
	wait_queue_init(&t->joinq);
	t->state = KT_RUNNABLE;
	sched_thread_init(t);
	t->proc = proc;
	strlcpy(t->name, proc->name, sizeof(t->name));
	spin_lock(&proc_lock);
	t->tid = next_tid++;
	if (list_empty(&proc->threads))	/* the first thread's user id is the pid */
		t->utid = proc->pid;
	list_insert_tail(&proc->threads, &t->proc_link);
	proc->live_threads++;
	nthreads++;
	spin_unlock(&proc_lock);
}

kthread_t *kthread_create(proc_t *proc, kthread_func_t func, long arg1, void *arg2)
{
	kthread_t *t = slab_alloc(kthread_cache);
	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->kstack = kva_alloc_guarded(KTHREAD_STACK_PAGES);
	if (!t->kstack) {
		slab_free(kthread_cache, t);
		return NULL;
	}
	t->func = func;
	t->arg1 = arg1;
	t->arg2 = arg2;

	/* The top of the stack is kept for the user register frame the CPU
	 * pushes on entries from user mode (kthread_user_frame_slot), so
	 * that fork and exec can fill it in while kernel frames live below. */
	uint32_t *sp = (uint32_t *)kthread_user_frame_slot(t);
	*--sp = 0;				/* kthread_start's return slot */
	*--sp = (uint32_t)kthread_start;	/* context_switch's ret */
	for (int i = 0; i < 4; i++)
		*--sp = 0;			/* ebp ebx esi edi */
	t->saved_esp = (uint32_t)sp;
	kthread_setup(t, proc);
	return t;
}

kthread_t *kthread_adopt_boot(proc_t *proc, void *stack_low)
{
	kthread_t *t = slab_alloc(kthread_cache);
	KASSERT(t, "no memory for the boot thread");
	memset(t, 0, sizeof(*t));
	t->kstack = stack_low;
	kthread_setup(t, proc);
	cpu_this()->cur_thread = t;
	cpu_this()->idle_thread = t;
	return t;
}

void kthread_exit(void *retval)
{
	kthread_t *t = curthr;
	proc_t *p = t->proc;

	KASSERT(t != cpu_this()->idle_thread, "the idle thread cannot exit");
	if (kthread_is_user(t)) {
		/* While the address space is surely still there (it goes
		 * only with the last live thread, and exec waits for every
		 * other thread to be gone): clear_child_tid, robust list. */
		if (kthread_user_exit_hook && p->vmmap)
			kthread_user_exit_hook(t);
		timer_thread_exit(t);	/* its SIGEV_THREAD_ID timers signal no one */
		signal_thread_free(t);	/* its queued siginfos (late ones: at destroy) */
		proc_reap_threads(p);	/* free siblings that exited before */
	}
	spin_lock(&proc_lock);
	t->retval = retval;
	bool last = --p->live_threads == 0;
	jobctl_thread_gone_locked(p);	/* it may have been the last one running */
	spin_unlock(&proc_lock);
	/* The last thread closes the files and frees the address space
	 * now, as Linux's exit does: a reader waiting for EOF on a pipe must
	 * not wait for this process to be reaped. */
	if (last)
		proc_release_resources(p);
	spin_lock(&proc_lock);
	if (last)
		proc_last_thread_exited(p, W_EXITCODE((int)(intptr_t)retval, 0));
	spin_lock(&sched_lock);
	t->state = KT_EXITED;
	sched_broadcast_locked(&t->joinq);
	spin_unlock(&proc_lock);
	sched_switch_final();
}

void kthread_cancel(kthread_t *thr, void *retval)
{
	if (thr == curthr)
		kthread_exit(retval);
	spin_lock(&sched_lock);
	thr->retval = retval;
	spin_unlock(&sched_lock);
	sched_cancel(thr);
}

void kthread_testcancel(void)
{
	if (curthr->cancelled)
		kthread_exit(curthr->retval);
}

int kthread_join(kthread_t *thr, void **retval)
{
	if (thr == curthr || thr->proc != curproc)
		return -EINVAL;
	spin_lock(&proc_lock);
	while (thr->state != KT_EXITED)
		sched_sleep_on(&thr->joinq, &proc_lock);
	spin_unlock(&proc_lock);
	if (retval)
		*retval = thr->retval;
	kthread_destroy(thr);
	return 0;
}

int kthread_fpu_init(kthread_t *thr)
{
	if (!thr->fpu_state) {
		thr->fpu_state = slab_alloc(fpu_cache);
		if (!thr->fpu_state)
			return -ENOMEM;
	}
	memcpy(thr->fpu_state, fpu_initial, FXSAVE_SIZE);
	return 0;
}

intr_frame_t *kthread_user_frame_slot(kthread_t *thr)
{
	return (intr_frame_t *)(thr->kstack + KTHREAD_STACK_SIZE) - 1;
}

void kthread_destroy(kthread_t *thr)
{
	spin_lock(&proc_lock);
	KASSERT(thr->state == KT_EXITED, "destroying live thread %d", thr->tid);
	list_remove(&thr->proc_link);
	nthreads--;
	spin_unlock(&proc_lock);
	signal_thread_free(thr);
	kva_free_guarded(thr->kstack, KTHREAD_STACK_PAGES);
	if (thr->fpu_state)
		slab_free(fpu_cache, thr->fpu_state);
	slab_free(kthread_cache, thr);
}

size_t kthread_count(void)
{
	return nthreads;
}

void kthread_set_name(kthread_t *t, const char *name)
{
	spin_lock(&proc_lock);
	memset(t->name, 0, sizeof(t->name));
	strlcpy(t->name, name, sizeof(t->name));
	spin_unlock(&proc_lock);
}

void kthread_get_name(kthread_t *t, char out[KTHREAD_NAME_MAX])
{
	spin_lock(&proc_lock);
	memcpy(out, t->name, KTHREAD_NAME_MAX);
	spin_unlock(&proc_lock);
	out[KTHREAD_NAME_MAX - 1] = '\0';
}
