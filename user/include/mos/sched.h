/*
 * M-OS scheduling extensions (DESIGN.md decision 5; doc/proc.md).
 *
 * M-OS takes Linux's policies through sched_setscheduler(2): SCHED_OTHER,
 * SCHED_BATCH and SCHED_IDLE (time sharing), SCHED_FIFO and SCHED_RR
 * (static priorities 1..99), and SCHED_RESET_ON_FORK.  It adds one:
 *
 *     struct sched_param sp = { .sched_priority = 0 };
 *     sched_setscheduler(0, MOS_SCHED_COOP, &sp);
 *
 * MOS_SCHED_COOP is a cooperative class for compute loops: the thread
 * runs until it blocks or yields (sched_yield); the timer never preempts
 * it for another time-sharing or cooperative thread.  A runnable
 * SCHED_FIFO/SCHED_RR thread still runs first.  Its priority must be 0
 * (sched_get_priority_min/max give 0); sched_rr_get_interval reports 0
 * (no slice).  The number lies far outside Linux's policies (0..7), so
 * Linux rejects it with EINVAL.  The kernel's copy is in
 * kernel/include/proc/sched.h.
 */
#ifndef MOS_SCHED_H
#define MOS_SCHED_H

#define MOS_SCHED_COOP 1000

#endif /* MOS_SCHED_H */
