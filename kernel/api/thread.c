/*
 * Threads of user processes: clone with CLONE_THREAD, and what a user
 * thread must do as it ends.
 *
 * A thread group is one proc_t with several kthreads: they share the
 * address space, the descriptor table, the working directory and the
 * signal actions because those live in the process; each thread has its
 * own registers, FPU state, TLS descriptors, signal mask and pending set.
 * getpid() is the process's pid (the group id); gettid() is the thread's
 * utid, which for the first thread is the pid and for the others an id
 * taken from the pid space (proc_alloc_tid), so no thread id is ever a
 * pid of another process, as on Linux.
 *
 * Only the combination glibc's pthread_create uses is supported:
 * CLONE_THREAD needs CLONE_SIGHAND, CLONE_VM, CLONE_FS and CLONE_FILES
 * (Linux itself requires the first two; a thread with its own files or
 * working directory has no place in this model yet, so that is -ENOSYS).
 *
 * When a user thread ends (kthread_exit calls thread_exit_user through
 * kthread_user_exit_hook, while the address space is certainly still
 * there), it walks its robust futex list, marking the futex words it
 * still owns FUTEX_OWNER_DIED, then, if other threads of the process are
 * still alive (as Linux: only if someone else uses the address space),
 * stores 0 at clear_child_tid and wakes one waiter there: that is what
 * pthread_join sleeps on.  A process killed for want of memory does
 * neither.  The wake-ups go through futex_wake_addr (vm/futex.h).  Those
 * stores are plain copy_to_user stores (Linux's are
 * atomic against user space: here a user thread preempted between the
 * read and the write of a robust word could see its own store lost).
 */
#include "api/thread.h"
#include "api/syscall_handlers.h"
#include "api/usercopy.h"
#include "main/io.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "util/errno.h"
#include "util/string.h"
#include "vm/futex.h"

#define CLONE_THREAD_NEEDS (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_FS | CLONE_FILES)
#define CLONE_THREAD_KNOWN (CLONE_THREAD_NEEDS | CLONE_SYSVSEM | CLONE_SETTLS | \
			    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
			    CLONE_CHILD_SETTID | CLONE_DETACHED)
#define ROBUST_LIST_LIMIT 2048	/* entries walked at most (Linux's bound) */
#define ROBUST_HEAD_SIZE 12	/* struct robust_list_head on i386 */
#define ROBUST_PI_BIT 1u	/* low bit of an entry pointer: a PI futex */
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

struct robust_list_head {
	uint32_t list;		/* first entry; the head's address when empty */
	int32_t futex_offset;	/* from an entry to its futex word */
	uint32_t list_op_pending;	/* an entry being taken or released */
} __packed;

/* The new thread's first steps in the kernel: its frame was filled in by
 * thread_clone. */
static void *thread_start(long unused, void *arg)
{
	(void)unused;
	(void)arg;
	intr_frame_t *f = kthread_user_frame_slot(curthr);
	curthr->user_frame = f;
	kthread_testcancel();	/* its process was killed before it ran */
	intr_disable();
	userland_enter(f);
}

/* proc_lock held: may p get one more thread? 0 or -errno. */
static int thread_admit_locked(proc_t *p, kthread_t *me)
{
	if (p->exiting || p->execer || me->cancelled)
		return -EINTR;	/* the caller is about to die anyway */
	if (p->live_threads > PROC_MAX_THREADS)	/* it counts the new one */
		return -EAGAIN;
	return 0;
}

long thread_clone(uint32_t flags, uint32_t newsp, uint32_t parent_tidptr,
		  uint32_t tlsp, uint32_t child_tidptr)
{
	proc_t *p = curproc;
	kthread_t *me = curthr;
	uint32_t tls[GDT_TLS_ENTRIES][2];
	int err;

	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS ||
	    (flags & ~(CLONE_THREAD_KNOWN | CLONE_SIGNAL_MASK)))
		return -ENOSYS;
	if (!p->vmmap)
		return -EINVAL;
	memcpy(tls, me->tls, sizeof(tls));
	if (flags & CLONE_SETTLS) {
		struct linux_user_desc d;
		if (copy_from_user(&d, (void *)tlsp, sizeof(d)) < 0)
			return -EFAULT;
		if ((err = tls_install(tls, &d, false)) < 0)
			return err;
	}
	proc_reap_threads(p);

	kthread_t *t = kthread_create(p, thread_start, 0, NULL);
	if (!t)
		return -ENOMEM;
	if (kthread_fpu_init(t) < 0) {
		err = -ENOMEM;
		goto fail;
	}
	__asm__ volatile("fxsave (%0)" : : "r"(t->fpu_state) : "memory");
	memcpy(t->tls, tls, sizeof(tls));
	t->sig_blocked = me->sig_blocked;
	sched_fork_attrs(me, t);	/* policy, priority, nice, affinity */
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = child_tidptr;
	intr_frame_t *cf = kthread_user_frame_slot(t);
	*cf = *me->user_frame;
	cf->eax = 0;
	if (newsp)
		cf->user_esp = newsp;

	spin_lock(&proc_lock);
	err = thread_admit_locked(p, me);
	if (err == 0)
		err = proc_alloc_tid();
	if (err > 0)
		t->utid = err;	/* in use from here on: it is a live thread */
	spin_unlock(&proc_lock);
	if (err < 0)
		goto fail;
	int tid = t->utid;
	if ((flags & CLONE_PARENT_SETTID) &&
	    copy_to_user((void *)parent_tidptr, &tid, sizeof(tid)) < 0) {
		err = -EFAULT;
		goto fail;
	}
	if ((flags & CLONE_CHILD_SETTID) &&
	    copy_to_user((void *)child_tidptr, &tid, sizeof(tid)) < 0) {
		err = -EFAULT;
		goto fail;
	}
	sched_make_runnable(t);
	return tid;

fail:
	proc_abandon_thread(t);
	return err;
}

/* A robust futex word the dying thread t still owns: mark its owner dead
 * (keeping FUTEX_WAITERS) and wake one waiter if there are any. */
static void robust_release_word(kthread_t *t, uint32_t uaddr)
{
	uint32_t word;
	if ((uaddr & 3) || copy_from_user(&word, (void *)uaddr, sizeof(word)) < 0)
		return;
	if ((word & FUTEX_TID_MASK) != (uint32_t)t->utid)
		return;
	uint32_t dead = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void *)uaddr, &dead, sizeof(dead)) < 0)
		return;
	if (word & FUTEX_WAITERS)
		futex_wake_addr(t->proc, uaddr, 1);
}

/* Walks t's robust list (at most ROBUST_LIST_LIMIT entries; a bad
 * pointer ends the walk), then the entry it was in the middle of
 * taking or releasing. */
static void robust_list_release(kthread_t *t)
{
	struct robust_list_head head;
	uint32_t head_addr = t->robust_list;
	t->robust_list = 0;
	if (!head_addr || copy_from_user(&head, (void *)head_addr, sizeof(head)) < 0)
		return;
	uint32_t pending = head.list_op_pending & ~ROBUST_PI_BIT;
	uint32_t entry = head.list & ~ROBUST_PI_BIT;
	for (int n = 0; entry != head_addr && n < ROBUST_LIST_LIMIT; n++) {
		uint32_t next;
		if (copy_from_user(&next, (void *)entry, sizeof(next)) < 0)
			break;
		if (entry != pending)
			robust_release_word(t, entry + (uint32_t)head.futex_offset);
		entry = next & ~ROBUST_PI_BIT;
	}
	if (pending)
		robust_release_word(t, pending + (uint32_t)head.futex_offset);
}

/* kthread_exit's hook for user threads (running as t, in t's address
 * space). */
static void thread_exit_user(kthread_t *t)
{
	/* A process killed for want of memory makes no stores on its way
	 * out: a fault now could not be served (it would take frames that
	 * others need until this process's memory is freed). */
	if (t->proc->oom_killed)
		return;
	robust_list_release(t);
	uint32_t addr = t->clear_child_tid;
	t->clear_child_tid = 0;
	/* Only if another thread can see it (Linux: another user of the
	 * address space): the last thread's store would be lost anyway, and
	 * it may be a copy-on-write fault needing a frame. */
	spin_lock(&proc_lock);
	bool shared = t->proc->live_threads > 1;
	spin_unlock(&proc_lock);
	if (addr && shared) {
		uint32_t zero = 0;
		if (copy_to_user((void *)addr, &zero, sizeof(zero)) == 0)
			futex_wake_addr(t->proc, addr, 1);
	}
}

void thread_init(void)
{
	kthread_user_exit_hook = thread_exit_user;
}

/* exit(2) ends the calling thread only; the last one to go ends the
 * process with its code (exit_group ends them all). */
SYSCALL(exit)
{
	kthread_exit((void *)(intptr_t)(a1 & 0xff));
}

SYSCALL(exit_group)
{
	proc_exit((int)a1 & 0xff);
}

SYSCALL(gettid) { return curthr->utid; }

SYSCALL(set_tid_address)
{
	curthr->clear_child_tid = a1;
	return curthr->utid;
}

SYSCALL(set_robust_list)
{
	if (a2 != ROBUST_HEAD_SIZE)
		return -EINVAL;
	curthr->robust_list = a1;
	curthr->robust_len = a2;
	return 0;
}

/* get_robust_list(tid, &head, &len): tid 0 is the caller. */
SYSCALL(get_robust_list)
{
	uint32_t head = 0, len = 0;
	int32_t tid = (int32_t)a1;
	if (tid == 0) {
		head = curthr->robust_list;
		len = curthr->robust_len;
	} else {
		spin_lock(&proc_lock);
		kthread_t *t = proc_thread_lookup_locked(tid);
		if (t) {
			head = t->robust_list;
			len = t->robust_len;
		}
		spin_unlock(&proc_lock);
		if (!t)
			return -ESRCH;
	}
	if (copy_to_user((void *)a3, &len, sizeof(len)) < 0 ||
	    copy_to_user((void *)a2, &head, sizeof(head)) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL(tkill)
{
	if ((int32_t)a1 <= 0)
		return -EINVAL;
	return signal_send_tid(-1, (int)a1, (int)a2);
}

SYSCALL(tgkill)
{
	if ((int32_t)a1 <= 0 || (int32_t)a2 <= 0)
		return -EINVAL;
	return signal_send_tid((int)a1, (int)a2, (int)a3);
}
