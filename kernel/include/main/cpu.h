/* Per-CPU data (DESIGN.md decision 11).  One CPU today; every piece of
 * per-CPU state lives here so that SMP only changes cpu_this().  Fields are
 * touched only by their own CPU, with interrupts disabled where an
 * interrupt handler also touches them. */
#pragma once
#include "util/types.h"

struct kthread;

typedef struct cpu {
	int id;
	int cli_depth;		/* nested intr_save() calls */
	bool cli_was_enabled;	/* IF before the outermost intr_save() */
	int intr_depth;		/* nested hardware interrupts being handled */
	int spinlocks_held;
	struct kthread *cur_thread;		/* the running thread */
	struct kthread *idle_thread;	/* runs when nothing else can */
	bool need_resched;		/* switch at the next preemption point */
	uint32_t slice_left;		/* ticks left in curthr's time slice */
	uint64_t syscalls;		/* system calls run, by either entry (api/syscall.c) */
	uint64_t sysenter_calls;	/* of which entered by sysenter (entry/sysenter.c) */
} cpu_t;

#define NCPUS_MAX 1
extern cpu_t cpus[NCPUS_MAX];
static inline cpu_t *cpu_this(void) { return &cpus[0]; }

/* Nestable interrupt disabling: interrupts come back on only when the
 * outermost intr_restore() runs and they were on before it. */
void intr_save(void);
void intr_restore(void);
static inline bool in_interrupt(void) { return cpu_this()->intr_depth > 0; }
