/*
 * The PIT's channel 0 as the system clock: a square wave at HZ raising
 * IRQ 0.  `ticks` counts interrupts since boot; it is 64 bits wide, so a
 * reader on a 32-bit CPU takes it with interrupts off (ticks_now).  The
 * only writer is the timer interrupt on the boot CPU.
 *
 * One-shot driver timers sit on `pending`, sorted by deadline, under
 * pit_timer_lock.  The interrupt pops every expired timer under the lock
 * and runs its callback after dropping it, so a callback may re-arm its
 * own timer.  Lock order: pit_timer_lock is taken alone (callbacks run
 * without it).
 */
#include "drivers/pit.h"
#include "entry/intr.h"
#include "main/cpu.h"
#include "main/io.h"
#include "util/spinlock.h"

#define PIT_INPUT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_LOHI_SQUARE 0x36
#define BYTE_MASK 0xFF
#define BITS_PER_BYTE 8

static volatile uint64_t ticks;
void (*pit_clock_hook)(void);
void (*pit_tick_hook)(void);
void (*pit_cputime_hook)(bool from_user);

static spinlock_t pit_timer_lock = SPINLOCK_INIT("PIT one-shot timer list");
static list_t pending = LIST_INIT(pending);	/* pit_timer_t.link, by deadline */

static void run_expired_timers(uint64_t now)
{
	for (;;) {
		spin_lock(&pit_timer_lock);
		pit_timer_t *t = NULL;
		if (!list_empty(&pending)) {
			t = list_entry(pending.next, pit_timer_t, link);
			if (t->deadline > now)
				t = NULL;
			else
				list_remove(&t->link);
		}
		spin_unlock(&pit_timer_lock);
		if (!t)
			return;
		t->fn(t->arg);
	}
}

static void pit_interrupt(intr_frame_t *f)
{
	ticks++;
	if (pit_clock_hook)
		pit_clock_hook();
	run_expired_timers(ticks);
	if (pit_tick_hook)
		pit_tick_hook();
	if (pit_cputime_hook)
		pit_cputime_hook(intr_from_user(f));
}

void pit_init(void)
{
	uint32_t divisor = PIT_INPUT_HZ / HZ;

	outb(PIT_CMD, PIT_CH0_LOHI_SQUARE);
	outb(PIT_CH0, divisor & BYTE_MASK);
	outb(PIT_CH0, divisor >> BITS_PER_BYTE);
	irq_register(IRQ_TIMER, pit_interrupt);
}

uint64_t ticks_now(void)
{
	intr_save();
	uint64_t t = ticks;
	intr_restore();
	return t;
}

uint64_t uptime_ms(void)
{
	return ticks_now() * MS_PER_SEC / HZ;
}

uint64_t pit_ms_to_ticks(uint32_t ms)
{
	uint64_t t = ((uint64_t)ms * HZ + MS_PER_SEC - 1) / MS_PER_SEC;
	return t ? t : 1;
}

void pit_delay_ms(uint32_t ms)
{
	uint64_t end = ticks_now() + (uint64_t)ms * HZ / MS_PER_SEC + 1;
	while (ticks_now() < end)
		cpu_halt();
}

void pit_timer_init(pit_timer_t *t, void (*fn)(void *), void *arg)
{
	list_init(&t->link);
	t->deadline = 0;
	t->fn = fn;
	t->arg = arg;
}

void pit_timer_arm(pit_timer_t *t, uint32_t ms)
{
	/* +1: the current tick is already partly over. */
	uint64_t deadline = ticks_now() + pit_ms_to_ticks(ms) + 1;
	list_t *pos;

	spin_lock(&pit_timer_lock);
	if (list_linked(&t->link))
		list_remove(&t->link);
	t->deadline = deadline;
	list_for_each(pos, &pending)
		if (list_entry(pos, pit_timer_t, link)->deadline > deadline)
			break;
	list_insert_tail(pos, &t->link);	/* i.e. before pos */
	spin_unlock(&pit_timer_lock);
}

bool pit_timer_cancel(pit_timer_t *t)
{
	spin_lock(&pit_timer_lock);
	bool was_pending = list_linked(&t->link);
	if (was_pending)
		list_remove(&t->link);
	spin_unlock(&pit_timer_lock);
	return was_pending;
}
