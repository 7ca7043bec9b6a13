/*
 * Spinlocks and nestable interrupt disabling.
 *
 * intr_save()/intr_restore() nest: the first save remembers whether
 * interrupts were on, the last restore puts them back.  spin_lock() is
 * intr_save() plus an atomic exchange loop; on one CPU the loop never
 * spins, but taking a lock this CPU already holds is a certain deadlock,
 * so it panics with the lock's name and where it was first taken.
 */
#include "util/spinlock.h"
#include "main/cpu.h"
#include "main/io.h"
#include "util/debug.h"

cpu_t cpus[NCPUS_MAX];

void intr_save(void)
{
	bool was_on = intr_enabled();
	intr_disable();
	cpu_t *cpu = cpu_this();
	if (cpu->cli_depth++ == 0)
		cpu->cli_was_enabled = was_on;
}

void intr_restore(void)
{
	cpu_t *cpu = cpu_this();
	KASSERT(!intr_enabled(), "interrupts on inside intr_save");
	KASSERT(cpu->cli_depth > 0, "intr_restore without intr_save");
	if (--cpu->cli_depth == 0 && cpu->cli_was_enabled)
		intr_enable();
}

void spinlock_init(spinlock_t *l, const char *name)
{
	l->locked = 0;
	l->name = name;
	l->owner_cpu = -1;
	l->owner_pc = 0;
}

bool spin_holding(const spinlock_t *l)
{
	return l->locked && l->owner_cpu == cpu_this()->id;
}

void spin_lock(spinlock_t *l)
{
	intr_save();
	if (spin_holding(l))
		panic("spinlock '%s' taken twice by cpu %d (first at %#x)",
		      l->name, l->owner_cpu, l->owner_pc);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	l->owner_cpu = cpu_this()->id;
	l->owner_pc = (uint32_t)__builtin_return_address(0);
	cpu_this()->spinlocks_held++;
}

void spin_unlock(spinlock_t *l)
{
	if (!spin_holding(l))
		panic("spinlock '%s' released by cpu %d, which does not hold it",
		      l->name, cpu_this()->id);
	l->owner_cpu = -1;
	l->owner_pc = 0;
	cpu_this()->spinlocks_held--;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	intr_restore();
}
