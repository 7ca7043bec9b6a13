/*
 * Processes: pids, the process tree, exit, kill and waitpid.
 *
 * A process dies when its last thread exits (kthread_exit calls
 * proc_last_thread_exited with proc_lock held).  Dying hands its children
 * to init, records the wait status and wakes the parent; the parent's
 * waitpid then frees the threads, the page directory and the process.
 * When init itself dies, the idle loop notices and powers the machine off.
 *
 * proc_lock protects all_procs, nprocs, next_pid and every process's tree
 * links, threads list, state and status.
 */
#include "proc/proc.h"
#include "proc/jobctl.h"
#include "proc/kthread.h"
#include "proc/timer.h"
#include "proc/signal.h"
#include "drivers/pit.h"
#include "mm/kmalloc.h"
#include "mm/slab.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

spinlock_t proc_lock = SPINLOCK_INIT("process table and tree");
void (*proc_vm_release)(proc_t *p);	/* set once by the VM at boot */
proc_t *proc_init_proc;
const proc_fs_ops_t *proc_fs_ops;	/* set once by the VFS at boot */
static slab_cache_t *proc_cache;
static list_t all_procs = LIST_INIT(all_procs);
static size_t nprocs;
static uint64_t nprocs_created;	/* since boot */
static int next_pid;

void proc_init(void)
{
	proc_cache = slab_cache_create("proc", sizeof(proc_t), 0, 0);
	KASSERT(proc_cache, "no memory for the process cache");
}

/* A pid, or the id of a live thread (thread ids share the pid space). */
static bool pid_in_use(int pid)
{
	list_t *l;
	list_for_each(l, &all_procs) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->pid == pid)
			return true;
	}
	return proc_thread_lookup_locked(pid) != NULL;
}

/* The next unused pid after the last one handed out, wrapping; pids of
 * reaped processes are reused once the counter comes round. */
static int pid_alloc(void)
{
	for (int tries = 0; tries < PROC_MAX_PID; tries++) {
		int pid = next_pid;
		next_pid = next_pid + 1 >= PROC_MAX_PID ? PID_INIT : next_pid + 1;
		if (!pid_in_use(pid))
			return pid;
	}
	return -EAGAIN;
}

static proc_t *proc_alloc(const char *name, proc_t *parent, int *err)
{
	proc_t *p = slab_alloc(proc_cache);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	strlcpy(p->name, name, sizeof(p->name));
	list_init(&p->children);
	list_init(&p->child_link);
	list_init(&p->threads);
	list_init(&p->sig_queue);
	wait_queue_init(&p->child_wait);
	wait_queue_init(&p->stop_wait);
	p->pagedir = kernel_pd;
	p->state = PROC_RUNNING;
	p->umask = PROC_DEFAULT_UMASK;
	cred_init_root(&p->cred);
	if (parent) {	/* inherited as by fork */
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		p->ctty = parent->ctty;
		p->umask = parent->umask;
		cred_get(parent, &p->cred);
		memcpy(p->sigactions, parent->sigactions, sizeof(p->sigactions));
	}
	if (proc_fs_ops) {
		int rc = proc_fs_ops->init(p, parent);
		if (rc < 0) {
			slab_free(proc_cache, p);
			*err = rc;
			return NULL;
		}
	}

	spin_lock(&proc_lock);
	int pid = nprocs >= PROC_MAX_PROCS ? -EAGAIN : pid_alloc();
	if (pid < 0) {
		spin_unlock(&proc_lock);
		if (proc_fs_ops)
			proc_fs_ops->release(p);
		slab_free(proc_cache, p);
		*err = pid;
		return NULL;
	}
	p->pid = pid;
	p->start_ticks = ticks_now();
	nprocs_created++;
	if (!parent)
		p->pgid = p->sid = pid;
	p->parent = parent;
	if (parent)
		list_insert_tail(&parent->children, &p->child_link);
	list_insert_tail(&all_procs, &p->all_link);
	nprocs++;
	if (pid == PID_INIT)
		proc_init_proc = p;
	spin_unlock(&proc_lock);
	return p;
}

proc_t *proc_create_idle(void)
{
	int err;
	next_pid = PID_IDLE;
	proc_t *p = proc_alloc("idle", NULL, &err);
	KASSERT(p && p->pid == PID_IDLE, "cannot create the idle process");
	return p;
}

proc_t *proc_create(const char *name, int *err)
{
	int dummy;
	return proc_alloc(name, curproc, err ? err : &dummy);
}

proc_t *proc_lookup_locked(int pid)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	list_for_each(l, &all_procs) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

kthread_t *proc_thread_lookup_locked(int tid)
{
	list_t *l, *t;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	if (tid <= 0)
		return NULL;
	list_for_each(l, &all_procs) {
		proc_t *p = list_entry(l, proc_t, all_link);
		list_for_each(t, &p->threads) {
			kthread_t *th = list_entry(t, kthread_t, proc_link);
			if (th->utid == tid && th->state != KT_EXITED)
				return th;
		}
	}
	return NULL;
}

int proc_alloc_tid(void)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	return pid_alloc();
}

void proc_reap_threads(proc_t *p)
{
	list_t dead = LIST_INIT(dead);
	list_t *l, *tmp;

	/* Claim them under proc_lock (so two exiting siblings never free
	 * the same one), free them after. */
	spin_lock(&proc_lock);
	list_for_each_safe(l, tmp, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		if (t != curthr && t->state == KT_EXITED && kthread_is_user(t)) {
			list_remove(&t->proc_link);
			list_insert_tail(&dead, &t->proc_link);
		}
	}
	spin_unlock(&proc_lock);
	/* An exited thread holds sched_lock until it is off its stack. */
	spin_lock(&sched_lock);
	spin_unlock(&sched_lock);
	list_for_each_safe(l, tmp, &dead)
		kthread_destroy(list_entry(l, kthread_t, proc_link));
}

void proc_cancel_others_locked(proc_t *p, kthread_t *keep)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	list_for_each(l, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		if (t != keep && t->state != KT_EXITED)
			sched_cancel(t);
	}
}

proc_t *proc_lookup(int pid)
{
	spin_lock(&proc_lock);
	proc_t *p = proc_lookup_locked(pid);
	spin_unlock(&proc_lock);
	return p;
}

list_t *proc_list_locked(void)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	return &all_procs;
}

/* proc_lock held. */
void proc_last_thread_exited(proc_t *p, int status)
{
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	list_t *l, *tmp;
	bool orphan_zombies = false;

	if (p->exiting)
		status = p->pending_status;
	jobctl_exit_orphans_locked(p);
	if (p != proc_init_proc) {
		list_for_each_safe(l, tmp, &p->children) {
			proc_t *c = list_entry(l, proc_t, child_link);
			list_remove(&c->child_link);
			c->parent = proc_init_proc;
			list_insert_tail(&proc_init_proc->children, &c->child_link);
			orphan_zombies |= c->state == PROC_DEAD;
			if (c->pdeath_signal && c->state != PROC_DEAD)
				signal_send_proc_locked(c, c->pdeath_signal);
		}
		if (orphan_zombies)
			sched_broadcast_on(&proc_init_proc->child_wait);
	}
	p->state = PROC_DEAD;
	p->status = status;
	dbg(DBG_PROC, "process %d (%s) exited with status %#x\n", p->pid, p->name, status);
	bool killed = (status & WAIT_SIG_MASK) != 0;
	jobctl_notify_parent_locked(p, killed ? CLD_KILLED : CLD_EXITED,
				    killed ? status & WAIT_SIG_MASK : (status >> WAIT_CODE_SHIFT) & WAIT_CODE_MASK);
}

void proc_exit_status(int status)
{
	proc_kill(curproc, status);
	kthread_exit((void *)(intptr_t)status);
}

void proc_exit(int code)
{
	proc_exit_status(W_EXITCODE(code, 0));
}

void proc_kill(proc_t *p, int status)
{
	spin_lock(&proc_lock);
	proc_kill_locked(p, status);
	spin_unlock(&proc_lock);
}

void proc_kill_locked(proc_t *p, int status)
{
	list_t *l;
	KASSERT(spin_holding(&proc_lock), "proc_lock not held");
	if (!p->exiting) {
		p->exiting = true;
		p->pending_status = status;
	}
	list_for_each(l, &p->threads) {
		kthread_t *t = list_entry(l, kthread_t, proc_link);
		if (t->state == KT_EXITED)
			continue;
		spin_lock(&sched_lock);
		t->retval = (void *)(intptr_t)status;
		if (t == curthr)	/* running: ends at its next cancellation point */
			t->cancelled = true;
		spin_unlock(&sched_lock);
		if (t != curthr)
			sched_cancel(t);
	}
}

/* Kills under one hold of proc_lock: a process is reaped (and freed)
 * only after its parent takes it off all_procs under proc_lock, so every
 * process found on the list stays valid until the lock is dropped. */
void proc_kill_all(void)
{
	list_t *l;

	spin_lock(&proc_lock);
	list_for_each(l, &all_procs) {
		proc_t *p = list_entry(l, proc_t, all_link);
		if (p->pid > PID_INIT && p != curproc && p->state == PROC_RUNNING)
			proc_kill_locked(p, W_EXITCODE(0, SIGKILL));
	}
	spin_unlock(&proc_lock);
	if (curproc->pid > PID_INIT)
		proc_exit(0);
}

/* Frees a dead process that is off every list. */
static void proc_reap(proc_t *p)
{
	list_t *l, *tmp;
	list_for_each_safe(l, tmp, &p->threads)
		kthread_destroy(list_entry(l, kthread_t, proc_link));
	proc_release_resources(p);
	if (p->pagedir != kernel_pd)
		pt_destroy_pd(p->pagedir);
	slab_free(proc_cache, p);
}

void proc_release_resources(proc_t *p)
{
	proc_timers_exit(p);	/* idempotent */
	signal_proc_free(p);	/* idempotent */
	if (proc_fs_ops)
		proc_fs_ops->release(p);	/* idempotent */
	if (p->vmmap) {
		if (p == curproc)	/* stop using the address space first */
			pt_switch(kernel_pd);
		proc_vm_release(p);
	}
}

void proc_abandon_thread(kthread_t *t)
{
	list_t gone = LIST_INIT(gone);
	spin_lock(&proc_lock);
	t->proc->live_threads--;
	t->state = KT_EXITED;
	/* Off the thread list in the same step, or a sibling's
	 * proc_reap_threads could take it too. */
	list_remove(&t->proc_link);
	list_insert_tail(&gone, &t->proc_link);
	spin_unlock(&proc_lock);
	kthread_destroy(t);
}

void proc_abandon(proc_t *p)
{
	KASSERT(p->live_threads == 0, "abandoning process %d with live threads", p->pid);
	spin_lock(&proc_lock);
	list_remove(&p->child_link);
	list_remove(&p->all_link);
	nprocs--;
	spin_unlock(&proc_lock);
	proc_reap(p);
}

int proc_waitpid(int pid, int *status, int options)
{
	int st = 0;
	int rc = proc_wait(pid, options | WEXITED, &st, NULL);
	if (rc > 0 && status)
		*status = st;
	return rc;
}

/* Does a wait for pid (> 0: that child; -1: any; < -1: group -pid) ask
 * about child c? */
static bool wait_selects(const proc_t *c, int pid)
{
	return pid == -1 || (pid > 0 && c->pid == pid) || (pid < -1 && c->pgid == -pid);
}

int proc_wait(int pid, int options, int *status, uint64_t cputime[2])
{
	proc_t *me = curproc;
	spin_lock(&proc_lock);
	for (;;) {
		proc_t *dead = NULL;
		bool any = false;
		list_t *l;
		list_for_each(l, &me->children) {
			proc_t *c = list_entry(l, proc_t, child_link);
			int code;
			if (!wait_selects(c, pid))
				continue;
			any = true;
			if (c->state == PROC_DEAD && (options & WEXITED)) {
				dead = c;
				break;
			}
			if (jobctl_wait_event_locked(c, options, status, &code)) {
				int found = c->pid;
				spin_unlock(&proc_lock);
				if (cputime)
					cputime[0] = cputime[1] = 0;
				return found;
			}
		}
		if (!any) {
			spin_unlock(&proc_lock);
			return -ECHILD;
		}
		if (dead && (options & WNOWAIT)) {
			int found = dead->pid;
			*status = dead->status;
			spin_unlock(&proc_lock);
			if (cputime)
				cputime[0] = cputime[1] = 0;
			return found;
		}
		if (dead) {
			list_remove(&dead->child_link);
			list_remove(&dead->all_link);
			nprocs--;
			uint64_t cut = me->cutime_ticks, cst = me->cstime_ticks;
			cputime_reaped(me, dead);
			if (cputime) {	/* the child's and its children's */
				cputime[0] = me->cutime_ticks - cut;
				cputime[1] = me->cstime_ticks - cst;
			}
			spin_unlock(&proc_lock);
			int reaped = dead->pid;
			*status = dead->status;
			proc_reap(dead);
			return reaped;
		}
		if (options & WNOHANG) {
			spin_unlock(&proc_lock);
			return 0;
		}
		if (sched_cancellable_sleep_on(&me->child_wait, &proc_lock) < 0) {
			spin_unlock(&proc_lock);
			return -EINTR;
		}
	}
}

size_t proc_count(void)
{
	return nprocs;
}

uint64_t proc_created_total(void)
{
	spin_lock(&proc_lock);
	uint64_t n = nprocs_created;
	spin_unlock(&proc_lock);
	return n;
}

void proc_set_next_pid(int pid)
{
	spin_lock(&proc_lock);
	next_pid = pid;
	spin_unlock(&proc_lock);
}

static const char *thread_state_name(kthread_state_t s)
{
	switch (s) {
	case KT_RUNNABLE: return "run";
	case KT_SLEEP: return "sleep";
	case KT_SLEEP_CANCELLABLE: return "sleep-c";
	case KT_EXITED: return "exited";
	}
	return "?";
}

#define PS_TABLE_MAX 8192

/* Appends to buf[*len..size) like snprintf, never past the end. */
static void __printf(4, 5) put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (*len < size)
		*len += vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (*len >= size)
		*len = size ? size - 1 : 0;
}

size_t proc_format_table(char *buf, size_t size)
{
	list_t *l, *t;
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	put(buf, size, &len, "%5s %5s %5s %-7s %-16s %s\n", "PID", "PPID", "PGID", "STATE",
	    "NAME", "THREADS (tid:state)");
	spin_lock(&proc_lock);
	list_for_each(l, &all_procs) {
		proc_t *p = list_entry(l, proc_t, all_link);
		put(buf, size, &len, "%5d %5d %5d %-7s %-16s", p->pid,
		    p->parent ? p->parent->pid : -1, p->pgid,
		    p->state == PROC_DEAD ? "zombie" : "alive", p->name);
		list_for_each(t, &p->threads) {
			kthread_t *th = list_entry(t, kthread_t, proc_link);
			put(buf, size, &len, " %d:%s", th->tid, thread_state_name(th->state));
		}
		put(buf, size, &len, "\n");
	}
	spin_unlock(&proc_lock);
	return len;
}

void proc_print_table(void)
{
	char *buf = kmalloc(PS_TABLE_MAX);
	if (!buf)
		return;
	proc_format_table(buf, PS_TABLE_MAX);
	kprintf("%s", buf);
	kfree(buf);
}

void proc_set_pdeath_signal(proc_t *p, int sig)
{
	spin_lock(&proc_lock);
	p->pdeath_signal = sig;
	spin_unlock(&proc_lock);
}

int proc_get_pdeath_signal(proc_t *p)
{
	spin_lock(&proc_lock);
	int sig = p->pdeath_signal;
	spin_unlock(&proc_lock);
	return sig;
}
