/* Spinlocks (kernel/util/spinlock.c): short critical sections that must not
 * sleep.  Taking one disables interrupts on this CPU (so an interrupt
 * handler may take it too) and records the owner for debugging.  A lock
 * held while sleeping, or taken twice by one CPU, panics. */
#pragma once
#include "util/types.h"

typedef struct spinlock {
	volatile uint32_t locked;
	const char *name;	/* what the lock protects, for reports */
	int owner_cpu;		/* -1 when free */
	uint32_t owner_pc;	/* where it was taken */
} spinlock_t;

#define SPINLOCK_INIT(n) { 0, (n), -1, 0 }

void spinlock_init(spinlock_t *l, const char *name);
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_holding(const spinlock_t *l);
