/* Kernel threads (kernel/proc/kthread.c).
 *
 * A thread has its own kernel stack (KTHREAD_STACK_PAGES, with an unmapped
 * guard page below), a saved context (the stack pointer context_switch
 * left), a state, the process it belongs to, and its cancellation flag,
 * return value and errno.  The scheduler's sched_lock protects state,
 * wchan, run_link and cancelled; the owning process's lock (proc_lock)
 * protects proc_link.
 *
 * States: RUNNABLE (on a run queue or running), SLEEP (on a wait queue,
 * only a wakeup ends it), SLEEP_CANCELLABLE (a wakeup or a cancel ends
 * it), EXITED (finished, waiting to be joined or reaped). */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "main/cpu.h"
#include "proc/signal.h"
#include "proc/waitqueue.h"
#include "boot/gdt.h"

#define KTHREAD_STACK_PAGES 4
#define KTHREAD_STACK_SIZE (KTHREAD_STACK_PAGES * 4096)
#define KTHREAD_NAME_MAX 16

struct proc;
struct kmutex;

typedef enum kthread_state {
	KT_RUNNABLE,
	KT_SLEEP,
	KT_SLEEP_CANCELLABLE,
	KT_EXITED,
} kthread_state_t;

/* The scheduling classes (kernel/proc/sched.c, doc/proc.md), derived from
 * the Linux policy in sched_attrs_t.policy. */
typedef enum sched_policy {
	SCHED_POLICY_RR,	/* time sharing (SCHED_OTHER/BATCH/IDLE): preempted when its slice ends */
	SCHED_POLICY_COOP,	/* MOS_SCHED_COOP: runs until it blocks or yields */
	SCHED_POLICY_RT_FIFO,	/* SCHED_FIFO: above all others, runs until it blocks or yields */
	SCHED_POLICY_RT_RR,	/* SCHED_RR: as FIFO, with a slice among its own priority */
} sched_policy_t;

/* A thread's scheduling attributes as user space sees them (protected by
 * sched_lock; read and written through sched_attrs_get/set). */
typedef struct sched_attrs {
	int policy;		/* SCHED_OTHER...SCHED_IDLE or MOS_SCHED_COOP (proc/sched.h) */
	int priority;		/* static priority: 1..99 for FIFO/RR, else 0 */
	int nice;		/* -20..19: the time-sharing slice's length */
	bool reset_on_fork;	/* SCHED_RESET_ON_FORK: a child starts as SCHED_OTHER */
	uint32_t affinity;	/* CPUs it may run on: bit n is CPU n */
} sched_attrs_t;

typedef void *(*kthread_func_t)(long arg1, void *arg2);

typedef struct kthread {
	uint32_t saved_esp;		/* context while switched out */
	uint8_t *kstack;		/* lowest mapped stack address */
	int tid;
	char name[KTHREAD_NAME_MAX];
	kthread_state_t state;
	sched_policy_t policy;		/* class, from sched.policy */
	sched_attrs_t sched;		/* policy, priorities, affinity */
	struct proc *proc;
	list_t proc_link;		/* on proc->threads */
	list_t run_link;		/* on a run queue or a wait queue */
	struct wait_queue *wchan;	/* the queue it sleeps on */
	wait_queue_t joinq;		/* threads waiting in kthread_join */
	bool cancelled;
	bool timed_out;			/* its timed sleep ran out */
	void *retval;
	int errno_value;
	struct kmutex *blocked_on;	/* for deadlock detection */
	uint64_t run_ticks;		/* timer ticks spent running */
	uint64_t wake_tick;		/* for timed sleeps */
	list_t timer_link;		/* on the sleep timer list */
	kthread_func_t func;
	long arg1;
	void *arg2;

	/* User-mode state (threads of user processes; issue 6). */
	struct intr_frame *user_frame;	/* at the top of kstack while in the kernel */
	uint8_t *fpu_state;		/* FXSAVE area, 16-byte aligned; NULL: kernel only */
	uint64_t sig_blocked;		/* signal mask */
	uint64_t sig_pending;		/* signals sent to this thread */
	list_t sig_queue;		/* their queued siginfos, under proc_lock */
	uint32_t tls[GDT_TLS_ENTRIES][2];	/* its TLS descriptors */
	int utid;			/* user-visible id (gettid): the pid for a
					 * process's first thread, else from the pid
					 * space (proc_alloc_tid); 0 in kernel threads */
	uint32_t clear_child_tid;	/* user address from set_tid_address */
	uint32_t robust_list;		/* set_robust_list's head (user address) */
	uint32_t robust_len;		/* and its length */
	uint32_t syscall_nr;		/* of the system call in progress */
	bool sig_interrupt;		/* a signal came: end cancellable sleeps */
	bool jobctl_stop;		/* its process is stopping: park on the way
					 * to user mode (proc/jobctl.h), under sched_lock */
	int fault_sig, fault_code;	/* the last fault's signal and si_code */
	uint32_t fault_addr;		/* and its address (si_addr) */
	uint64_t sig_saved_mask;	/* sigsuspend: the mask to restore */
	bool sig_restore_mask;		/* ... once a handler frame is built */
	uint64_t sig_waiting;		/* sigtimedwait's set: kept though ignored */
	uint32_t altstack_sp, altstack_size;	/* sigaltstack; size 0: none */
	uint32_t altstack_flags;	/* SS_AUTODISARM */
	const struct cred *cred_override;	/* file checks' credentials for the
						 * call in progress (access: the
						 * real ids), or NULL (proc/cred.h) */

	/* CPU time (kernel/proc/timer.c): timer ticks that found the thread
	 * running in user mode and in the kernel; under sched_lock. */
	uint64_t utime_ticks, stime_ticks;
} kthread_t;

void kthread_init(void);
/* Called by kthread_exit in a user thread (one with an FPU area) while its
 * address space is still there: the API layer fills it in at boot
 * (thread_exit_user: clear_child_tid and the robust list), since api sits
 * above proc.  NULL: nothing to do. */
extern void (*kthread_user_exit_hook)(kthread_t *t);
/* A user thread: one that has run, or will run, in user mode.  Such
 * threads are never joined with kthread_join: a sibling or the reaper
 * frees them (proc_reap_threads). */
static inline bool kthread_is_user(const kthread_t *t) { return t->fpu_state != NULL; }
/* A new thread of proc that will run func(arg1, arg2); not yet runnable
 * (call sched_make_runnable).  NULL when out of memory. */
kthread_t *kthread_create(struct proc *proc, kthread_func_t func, long arg1,
			  void *arg2);
/* Ends the calling thread with retval; if it is the last thread of its
 * process, the process exits too.  Never returns. */
void kthread_exit(void *retval) __attribute__((noreturn));
/* Asks thr to end with retval: a cancellable sleep it is in returns
 * -EINTR, and it exits at its next cancellation point. */
void kthread_cancel(kthread_t *thr, void *retval);
/* Exits the calling thread if it has been cancelled. */
void kthread_testcancel(void);
/* Waits for thr (of the caller's process) to exit, then frees it. */
int kthread_join(kthread_t *thr, void **retval);
/* Frees an exited thread's stack and structure. */
void kthread_destroy(kthread_t *thr);
/* Makes the running boot code into a thread (the idle thread). */
kthread_t *kthread_adopt_boot(struct proc *proc, void *stack_low);
size_t kthread_count(void);
/* A thread's name (Linux's comm: prctl PR_SET_NAME, exec), under
 * proc_lock; get copies all KTHREAD_NAME_MAX bytes, NUL-terminated. */
void kthread_set_name(kthread_t *t, const char *name);
void kthread_get_name(kthread_t *t, char out[KTHREAD_NAME_MAX]);
/* Gives thr an FXSAVE area in the initial FPU state; -ENOMEM. */
int kthread_fpu_init(kthread_t *thr);
/* The register frame a thread's entries from user mode build. */
struct intr_frame *kthread_user_frame_slot(kthread_t *thr);

static inline kthread_t *curthr_get(void) { return cpu_this()->cur_thread; }
#define curthr (curthr_get())
