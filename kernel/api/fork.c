/*
 * fork, vfork and clone: here the process-creating subset of clone that
 * glibc's fork() uses (CLONE_THREAD, for pthread_create, is in thread.c).
 * The child gets a copy-on-write clone of the address space, a copy of
 * the descriptor table, the signal actions (by proc_create) and mask, the
 * FPU and TLS state of the calling thread (or CLONE_SETTLS's descriptor),
 * its scheduling attributes (policy, priority, nice, affinity: reset by
 * SCHED_RESET_ON_FORK), and the caller's user registers with eax = 0.
 * Timers are not inherited (proc_create starts without); the alternate
 * signal stack is.
 */
#include "api/syscall_handlers.h"
#include "api/thread.h"
#include "api/usercopy.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "main/io.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "util/errno.h"
#include "util/string.h"
#include "vm/vmmap.h"

#define FXSAVE_SIZE 512

static void *fork_child_start(long unused, void *arg)
{
	intr_frame_t *f = kthread_user_frame_slot(curthr);
	curthr->user_frame = f;
	intr_disable();
	userland_enter(f);
}

/* Creates the child process; returns its pid or a negative errno.  The
 * thread-id stores (CLONE_PARENT_SETTID into the caller, CHILD_SETTID into
 * the child's copy) are made before the child can run, each checked as a
 * store by that process would be: a bad pointer is -EFAULT and no child. */
static long do_fork(uint32_t flags, uint32_t newsp, uint32_t parent_tidptr,
		    uint32_t tlsp, uint32_t child_tidptr)
{
	proc_t *parent = curproc;
	kthread_t *me = curthr;
	int err = 0;
	if (!parent->vmmap)
		return -EINVAL;
	proc_t *child = proc_create(parent->name, &err);
	if (!child)
		return err;

	pde_t *pd = pt_create_pd();
	if (!pd)
		goto nomem;
	child->pagedir = pd;
	kmutex_lock(&parent->vmmap->lock);
	child->vmmap = vmmap_clone(parent->vmmap, pd);
	child->vdso_base = parent->vdso_base;
	kmutex_unlock(&parent->vmmap->lock);
	if (!child->vmmap)
		goto nomem;
	fdtable_t *files = fdtable_copy(parent->files);
	if (!files)
		goto nomem;
	vfs_set_files(child, files);

	kthread_t *t = kthread_create(child, fork_child_start, 0, NULL);
	if (!t)
		goto nomem;
	if (kthread_fpu_init(t) < 0)
		goto nomem_thread;
	__asm__ volatile("fxsave (%0)" : : "r"(t->fpu_state) : "memory");
	memcpy(t->tls, me->tls, sizeof(t->tls));
	t->sig_blocked = me->sig_blocked;
	sched_fork_attrs(me, t);	/* policy, priority, nice, affinity */
	t->altstack_sp = me->altstack_sp;	/* sigaltstack is inherited */
	t->altstack_size = me->altstack_size;
	memcpy(t->name, me->name, sizeof(t->name));	/* the caller's comm (prctl) */
	t->altstack_flags = me->altstack_flags;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = child_tidptr;
	if (flags & CLONE_SETTLS) {
		struct linux_user_desc d;
		if (copy_from_user(&d, (void *)tlsp, sizeof(d)) < 0) {
			err = -EFAULT;
			goto fail_thread;
		}
		if ((err = tls_install(t->tls, &d, false)) < 0)
			goto fail_thread;
	}
	intr_frame_t *cf = kthread_user_frame_slot(t);
	*cf = *me->user_frame;
	cf->eax = 0;
	if (newsp)
		cf->user_esp = newsp;
	int pid = child->pid;
	if ((flags & CLONE_PARENT_SETTID) &&
	    (err = copy_to_user((void *)parent_tidptr, &pid, sizeof(pid))) < 0)
		goto fail_thread;
	if ((flags & CLONE_CHILD_SETTID) &&
	    (err = vmmap_write(child->vmmap, child_tidptr, &pid, sizeof(pid))) < 0)
		goto fail_thread;
	sched_make_runnable(t);
	return pid;

nomem_thread:
	err = -ENOMEM;
fail_thread:
	proc_abandon_thread(t);
	proc_abandon(child);
	return err;
nomem:
	proc_abandon(child);
	return -ENOMEM;
}

SYSCALL(fork)
{
	return do_fork(0, 0, 0, 0, 0);
}

/* vfork's child gets its own copy-on-write space, which is a correct
 * (if less frugal) vfork. */
SYSCALL(vfork)
{
	return do_fork(0, 0, 0, 0, 0);
}

/* i386 order: clone(flags, newsp, parent_tid, tls, child_tid). */
SYSCALL(clone)
{
	uint32_t flags = a1;
	if (flags & CLONE_THREAD)
		return thread_clone(flags, a2, a3, a4, a5);
	if (flags & (CLONE_VM | CLONE_SIGHAND | CLONE_FILES | CLONE_FS | CLONE_PARENT))
		return -ENOSYS;	/* a process sharing state with its parent: not yet */
	return do_fork(flags, a2, a3, a4, a5);
}
