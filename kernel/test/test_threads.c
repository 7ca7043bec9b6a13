/*
 * Kernel checks of thread groups (doc/proc.md, "Thread groups"): user
 * thread ids come from the pid space, so they differ from one another and
 * from every pid, and a new process never gets a live thread's id; the
 * exited user threads of a live process are freed by their siblings
 * (proc_reap_threads), so only the last one is left when it ends; the
 * process then dies with the last thread's code.  The threads are kernel
 * threads given an FPU area, which is what makes a thread a user thread
 * to proc.c; the process has no address space, so the user exit hook
 * (clear_child_tid, robust lists: t_thread tests those) does nothing.
 */
#include "test/ktest.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"

#define NTHREADS 6
#define FIRST_CODE 40

static int siblings_left;	/* threads on the list when the last one ends */
static size_t threads_left;	/* kthread_count() then */

static void *early(long code, void *unused)
{
	(void)unused;
	return (void *)code;
}

/* proc_lock held: how many of p's threads have exited. */
static int exited_locked(proc_t *p)
{
	list_t *l;
	int n = 0;
	list_for_each(l, &p->threads)
		n += list_entry(l, kthread_t, proc_link)->state == KT_EXITED;
	return n;
}

/* Waits for its siblings to end, frees what they left, and records what
 * remains. */
static void *last_one(long code, void *unused)
{
	(void)unused;
	proc_t *p = curproc;
	for (;;) {
		spin_lock(&proc_lock);
		int gone = (int)p->live_threads == 1;
		spin_unlock(&proc_lock);
		if (gone)
			break;
		sched_yield();
	}
	proc_reap_threads(p);
	spin_lock(&proc_lock);
	siblings_left = 0;
	list_t *l;
	list_for_each(l, &p->threads)
		siblings_left++;
	siblings_left += exited_locked(p) * 100;	/* an exited one left: visible */
	threads_left = kthread_count();
	spin_unlock(&proc_lock);
	return (void *)code;
}

static void *nothing(long unused, void *unused2)
{
	(void)unused;
	(void)unused2;
	return NULL;
}

static void test_ids_and_reaping(void)
{
	int err = 0, ids[NTHREADS];
	kthread_t *t[NTHREADS];
	size_t base = kthread_count();
	proc_t *p = proc_create("threads", &err);
	KT_ASSERT(p != NULL, "proc_create: %d", err);
	if (!p)
		return;
	for (int i = 0; i < NTHREADS; i++) {
		bool last = i == NTHREADS - 1;
		t[i] = kthread_create(p, last ? last_one : early, FIRST_CODE + i, NULL);
		KT_ASSERT(t[i] && kthread_fpu_init(t[i]) == 0, "thread %d", i);
		spin_lock(&proc_lock);
		if (i > 0)
			t[i]->utid = proc_alloc_tid();
		ids[i] = t[i]->utid;
		spin_unlock(&proc_lock);
	}
	KT_EQ(ids[0], p->pid);
	int clashes = 0, not_found = 0;
	for (int i = 1; i < NTHREADS; i++) {
		clashes += ids[i] <= 0 || proc_lookup(ids[i]) != NULL;
		for (int j = 0; j < i; j++)
			clashes += ids[i] == ids[j];
		spin_lock(&proc_lock);
		not_found += proc_thread_lookup_locked(ids[i]) != t[i];
		spin_unlock(&proc_lock);
	}
	KT_EQ(clashes, 0);
	KT_EQ(not_found, 0);

	/* A process made now gets an id no live thread has. */
	proc_t *q = proc_create("threads-q", &err);
	KT_ASSERT(q != NULL, "proc_create q: %d", err);
	int qpid = q ? q->pid : -1;
	for (int i = 0; i < NTHREADS; i++)
		clashes += qpid == ids[i];
	KT_EQ(clashes, 0);
	kthread_t *qt = q ? kthread_create(q, nothing, 0, NULL) : NULL;
	if (qt) {
		sched_make_runnable(qt);
		KT_EQ(proc_waitpid(qpid, NULL, 0), qpid);
	}

	siblings_left = -1;
	for (int i = 0; i < NTHREADS; i++)
		sched_make_runnable(t[i]);
	int status = -1, pid = p->pid;
	KT_EQ(proc_waitpid(pid, &status, 0), pid);	/* p is freed now */
	KT_EQ(status, W_EXITCODE(FIRST_CODE + NTHREADS - 1, 0));
	KT_EQ(siblings_left, 1);		/* only the last thread was left */
	KT_EQ(threads_left, base + 1);	/* and no other thread of it existed */
	KT_EQ(kthread_count(), base);
	spin_lock(&proc_lock);
	kthread_t *stale = proc_thread_lookup_locked(ids[1]);
	spin_unlock(&proc_lock);
	KT_ASSERT(stale == NULL, "an ended thread's id is free again");
}

static void threads_suite(void)
{
	test_ids_and_reaping();
}

KTEST_SUITE("threads", threads_suite);
