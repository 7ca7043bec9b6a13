/* Per-process timers and CPU-time accounting (kernel/proc/timer.c).
 *
 * A process has, once it first asks for one (proc->timers): the
 * ITIMER_REAL timer (alarm, setitimer: SIGALRM), the CPU-time itimers
 * ITIMER_VIRTUAL (user time: SIGVTALRM) and ITIMER_PROF (user and system
 * time: SIGPROF), and its POSIX timers (timer_create), each notifying by
 * a signal to the process (SIGEV_SIGNAL) or to one of its threads
 * (SIGEV_THREAD_ID), or not at all (SIGEV_NONE).  Expiries are
 * absolute times on the monotonic clock (nanoseconds since boot, as
 * clock_monotonic_ns), checked at every timer tick; the system-call layer
 * converts relative and REALTIME times.
 *
 * POSIX timers are not inherited by fork and are deleted by exec; the
 * itimers are not inherited by fork either but survive exec (Linux).
 *
 * CPU time is sampled: each tick charges one tick to the running thread,
 * as user or system time by the mode it interrupted. */
#pragma once
#include "util/types.h"

struct proc;
struct kthread;
struct ksiginfo;

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4

#define TIMER_ABSTIME 1
#define PTIMER_MAX 256		/* POSIX timers per process (EAGAIN beyond) */

/* An expiry and a period in nanoseconds; 0: disarmed, one-shot. */
typedef struct ktimer_spec {
	int64_t value_ns;	/* absolute monotonic expiry (itimers: time left) */
	int64_t interval_ns;
} ktimer_spec_t;

void timer_init(void);

/* timer_create: a new timer of the calling process; its id in *id.
 * clock is only recorded (for timer_gettime's REALTIME conversion).
 * -ENOMEM, -EAGAIN. */
int ptimer_create(int clock, int notify, int signo, int tid, uint32_t sigval,
		  bool default_sigval, int *id);
/* Arms (spec->value_ns != 0: absolute monotonic expiry) or disarms id;
 * the previous setting into *old if not NULL.  -EINVAL for an unknown id. */
int ptimer_settime(int id, const ktimer_spec_t *spec, ktimer_spec_t *old);
int ptimer_gettime(int id, ktimer_spec_t *cur, int *clock);
/* The overrun count of the last signal delivered; -EINVAL. */
int ptimer_getoverrun(int id);
int ptimer_delete(int id);

/* setitimer/getitimer: value_ns is the time left (0: disarmed). */
int itimer_set(int which, const ktimer_spec_t *spec, ktimer_spec_t *old);
int itimer_get(int which, ktimer_spec_t *cur);

/* exec deletes the POSIX timers; exit deletes everything. */
void proc_timers_exec(struct proc *p);
void proc_timers_exit(struct proc *p);

/* A signal is being taken for delivery from thread t's pending set (t
 * NULL: from p's): if one of p's timers queued it there, fill in si_code
 * and the timer fields and latch its overrun count.  True if another
 * timer's signal sig is still queued there (the signal stays pending).
 * proc_lock held, sched_lock not. */
bool timer_signal_taken(struct proc *p, struct kthread *t, int sig, struct ksiginfo *info);
/* A user thread of p is exiting: its SIGEV_THREAD_ID timers signal no one. */
void timer_thread_exit(struct kthread *t);

/* CPU time in ticks: a thread's, a process's (its threads), and the
 * reaped children's (under proc_lock, added by cputime_reaped). */
void cputime_thread(struct kthread *t, uint64_t *user, uint64_t *sys);
void cputime_proc(struct proc *p, uint64_t *user, uint64_t *sys);
/* proc_waitpid reaps child (proc_lock held): its time and its reaped
 * children's are added to parent's children's time. */
void cputime_reaped(struct proc *parent, struct proc *child);
