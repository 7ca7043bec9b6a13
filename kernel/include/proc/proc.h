/* Processes (kernel/proc/proc.c).
 *
 * A process owns threads, an address space (its page directory; kernel
 * processes share kernel_pd), a descriptor table and a working directory
 * (files and cwd: set up and released by the VFS through proc_fs_ops,
 * since fs sits above proc; a new process gets an empty table and its
 * parent's working directory).  Processes form a tree:
 * each has a parent and a list of children; when a process exits its
 * children are handed to init (pid 1), and it stays a zombie until its
 * parent reaps it with proc_waitpid, which frees everything it had.
 * pid 0 is the idle process, pid 1 init.  Credentials (proc/cred.h) are
 * copied from the parent; the idle process and init are root.
 *
 * proc_lock protects the pid table, every process's children list,
 * parent pointer, threads list, state and exit status, and its files and
 * cwd pointers (the VFS replaces them under it, so /proc can reference
 * another process's).  Lock order:
 * proc_lock before sched_lock. */
#pragma once
#include "util/types.h"
#include "util/list.h"
#include "util/spinlock.h"
#include "proc/sched.h"
#include "mm/pagetable.h"
#include "proc/signal.h"
#include "proc/cred.h"

#define PROC_MAX_PROCS 256	/* live and zombie processes at once */
#define PROC_MAX_PID 32768	/* pids cycle through 1..PROC_MAX_PID-1 */
#define PROC_NAME_MAX 32
#define PROC_MAX_THREADS 256	/* live threads of one process */
#define PID_IDLE 0
#define PID_INIT 1
#define PROC_DEFAULT_UMASK 022

/* wait options and status encoding: Linux's. */
#define WNOHANG 1
#define WUNTRACED 2		/* also report stopped children (WSTOPPED) */
#define WEXITED 4		/* waitid: report dead children */
#define WCONTINUED 8		/* also report continued children */
#define WNOWAIT 0x01000000	/* waitid: leave the child waitable */
#define W_EXITCODE(code, sig) (((code) & 0xff) << 8 | ((sig) & 0x7f))
#define WAIT_SIG_MASK 0x7f
#define WAIT_CODE_SHIFT 8
#define WAIT_CODE_MASK 0xff
#define W_STOPCODE(sig) (((sig) & 0xff) << 8 | 0x7f)
#define W_CONTINUED 0xffff

typedef enum proc_state {
	PROC_RUNNING,
	PROC_DEAD,	/* exited, not yet reaped */
} proc_state_t;

struct tty;

typedef struct proc {
	int pid;
	char name[PROC_NAME_MAX];
	proc_state_t state;
	int status;		/* wait status once dead */
	bool exiting;		/* proc_exit/proc_kill chose the status */
	int pending_status;	/* that status */
	bool oom_killed;	/* a fault found no memory: it is being killed */
	struct kthread *execer;	/* the thread whose execve is ending the
				 * others (exec_end_other_threads), or NULL */
	struct proc *parent;
	list_t children;	/* of proc.child_link */
	list_t child_link;
	list_t threads;		/* of kthread_t.proc_link */
	size_t live_threads;	/* threads not yet exited */
	wait_queue_t child_wait;	/* where waitpid sleeps */
	pde_t *pagedir;
	struct fdtable *files;	/* descriptors (fs/file.h) */
	struct vnode *cwd;	/* working directory, referenced */
	struct vmmap *vmmap;	/* user address space; NULL for kernel processes */
	uint32_t vdso_base;	/* its vDSO's address (vm/vdso.h); 0: none, or unmapped.
				 * Set by exec and fork, cleared under vmmap->lock;
				 * read without a lock (one word) */
	list_t all_link;	/* on the list of all processes */

	int pgid, sid;		/* process group and session, under proc_lock */
	struct tty *ctty;	/* controlling terminal (drivers' tty_t; valid
				 * while the tty's session is sid), under proc_lock */
	bool did_exec;		/* ran execve: setpgid by the parent is EACCES */
	/* Job control (kernel/proc/jobctl.c), under proc_lock. */
	int stop_sig;		/* a group stop in progress or done: its signal */
	bool stopped;		/* every live thread has stopped */
	size_t stopped_threads;	/* threads parked in jobctl_stop_point */
	int stop_report;	/* a stop for wait: W_STOPCODE, 0 none */
	bool cont_report;	/* a continue for wait (WCONTINUED) */
	wait_queue_t stop_wait;	/* where stopped threads sleep */
	ksiginfo_t chld_info;	/* the siginfo of the pending SIGCHLD it was sent */
	uint32_t umask;
	cred_t cred;		/* ids and groups, under cred_lock (proc/cred.h) */
	k_sigaction_t sigactions[NSIG + 1];	/* under proc_lock */
	uint64_t sig_pending;		/* process-directed, under proc_lock */
	list_t sig_queue;		/* their queued siginfos (proc/signal.c), under proc_lock */
	int sigq_count;			/* queued siginfos, its threads' too, under proc_lock */
	struct proc_timers *timers;	/* alarm, itimers, POSIX timers (proc/timer.c); NULL: none yet */
	uint64_t cutime_ticks, cstime_ticks;	/* reaped children's CPU time, under proc_lock */
	uint64_t start_ticks;		/* tick count when it was made (/proc's starttime) */
	int pdeath_signal;		/* prctl PR_SET_PDEATHSIG: sent when the parent exits, proc_lock */
} proc_t;

/* Frees a process's address space (vmmap) when it is reaped; the VM sets
 * it at boot (vm sits above proc). */
extern void (*proc_vm_release)(proc_t *p);

/* The VFS's hooks (kernel/fs/vfs.c fills them in at boot): init gives a
 * new process its descriptor table and working directory (0 or -ENOMEM);
 * release closes and drops them when the process is reaped. */
typedef struct proc_fs_ops {
	int (*init)(proc_t *p, proc_t *parent);
	void (*release)(proc_t *p);
} proc_fs_ops_t;
extern const proc_fs_ops_t *proc_fs_ops;

extern spinlock_t proc_lock;
extern proc_t *proc_init_proc;

void proc_init(void);
/* A new process, child of the caller's; NULL and *err = -ENOMEM or
 * -EAGAIN (process table full) on failure. */
proc_t *proc_create(const char *name, int *err);
/* Creates the idle process (pid 0) around the boot thread. */
proc_t *proc_create_idle(void);
/* The process with this pid (live or zombie), or NULL.  Without
 * proc_lock held the result may be reaped at any time: use it only for
 * the caller's own children or under proc_lock (the _locked variant). */
proc_t *proc_lookup(int pid);
proc_t *proc_lookup_locked(int pid);
/* Every process, by all_link; proc_lock held. */
list_t *proc_list_locked(void);
static inline proc_t *curproc_get(void) { return curthr_get()->proc; }
#define curproc (curproc_get())

/* Thread groups (clone with CLONE_THREAD).  A thread's user-visible id
 * (kthread_t.utid) comes from the pid space, so thread ids and pids never
 * collide, as on Linux: proc_alloc_tid returns an id that is neither a
 * pid nor a live thread's id, or -EAGAIN; proc_lock held. */
int proc_alloc_tid(void);
/* The live (not exited) thread whose user id is tid, or NULL; proc_lock
 * held, and the thread stays valid only while it is. */
kthread_t *proc_thread_lookup_locked(int tid);
/* Frees p's exited user threads other than the caller (they cannot free
 * themselves: each ran on its own stack until its last switch). */
void proc_reap_threads(proc_t *p);
/* Cancels every thread of p but `keep` without choosing an exit status
 * (exec's killing of the other threads); proc_lock held. */
void proc_cancel_others_locked(proc_t *p, kthread_t *keep);

/* Ends the calling process with exit code `code`. */
void proc_exit(int code) __attribute__((noreturn));
/* Ends the calling process with a full wait status (signals). */
void proc_exit_status(int status) __attribute__((noreturn));
/* Closes p's files, drops its working directory and frees its address
 * space (not the page directory); done by its last thread on exit, and
 * again harmlessly when it is reaped. */
void proc_release_resources(proc_t *p);
/* Undoes a fork that failed before its child ran: frees the child (and,
 * with proc_abandon_thread, a thread that never ran). */
void proc_abandon(proc_t *p);
void proc_abandon_thread(kthread_t *t);
/* Called by kthread_exit when a process's last thread ends. */
void proc_last_thread_exited(proc_t *p, int status);
/* Makes p exit with wait status `status`: cancels each of its threads.
 * The caller's own thread, if p is its process, is only marked: it ends
 * at its next cancellation point, on its way back to user mode at the
 * latest (kill(getpid(), SIGKILL) does not return), or proc_exit ends
 * it at once. */
void proc_kill(proc_t *p, int status);
void proc_kill_locked(proc_t *p, int status);
/* Kills every process except idle, init and the caller's. */
void proc_kill_all(void);
/* pid -1: any child.  Returns the reaped pid, 0 (WNOHANG and none dead),
 * -ECHILD, or -EINTR. */
int proc_waitpid(int pid, int *status, int options);
/* The general wait: which children (pid > 0: that one; pid -1: any;
 * pid < -1: those of group -pid), which events (WEXITED, WUNTRACED,
 * WCONTINUED) and WNOHANG, WNOWAIT.  Returns the child's pid with its
 * wait status, the CPU time of a reaped child (with its reaped
 * children's, in ticks: user, system; NULL allowed), 0 (WNOHANG and
 * nothing to report), -ECHILD, or -EINTR. */
int proc_wait(int pid, int options, int *status, uint64_t cputime[2]);
size_t proc_count(void);
/* Processes made since boot (/proc/stat's "processes"). */
uint64_t proc_created_total(void);
/* prctl's parent-death signal (0: none; not inherited by fork). */
void proc_set_pdeath_signal(proc_t *p, int sig);
int proc_get_pdeath_signal(proc_t *p);
/* Tests: where pid allocation resumes (to exercise wrap-around). */
void proc_set_next_pid(int pid);
void proc_print_table(void);
/* Writes the process table as text; returns the length (< size). */
size_t proc_format_table(char *buf, size_t size);
