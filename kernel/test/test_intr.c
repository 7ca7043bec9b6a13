/* Suite "intr": the timer advances, a handler registered for an exception
 * vector runs with the right frame, and a bottom half scheduled from the
 * timer interrupt runs afterwards, with interrupts on and outside the hard
 * interrupt. */
#include "test/ktest.h"
#include "drivers/pit.h"
#include "entry/intr.h"
#include "main/cpu.h"
#include "main/io.h"

#define VEC_BREAKPOINT 3

static volatile int breakpoints;
static volatile uint32_t breakpoint_vector;

static void on_breakpoint(intr_frame_t *f)
{
	breakpoints++;
	breakpoint_vector = f->vector;
}

static volatile int bh_runs;
static volatile bool bh_saw_irq_on, bh_saw_hard_irq;
static bh_work_t tick_work;

static void bottom_half(void *arg)
{
	bh_runs++;
	bh_saw_irq_on = intr_enabled();
	bh_saw_hard_irq = in_interrupt();
}

static void schedule_from_tick(void)
{
	bh_schedule(&tick_work);
}

static void intr_suite(void)
{
	uint64_t t0 = ticks_now();
	pit_delay_ms(50);
	uint64_t t1 = ticks_now();
	KT_ASSERT(t1 > t0, "ticks did not advance: %llu -> %llu", t0, t1);
	KT_ASSERT(uptime_ms() >= t1 * 1000 / HZ, "uptime behind ticks");

	intr_register(VEC_BREAKPOINT, on_breakpoint);
	__asm__ volatile("int3");
	KT_EQ(breakpoints, 1);
	KT_EQ(breakpoint_vector, VEC_BREAKPOINT);
	intr_unregister(VEC_BREAKPOINT);

	bh_init_work(&tick_work, bottom_half, NULL);
	pit_tick_hook = schedule_from_tick;
	pit_delay_ms(50);
	pit_tick_hook = NULL;
	pit_delay_ms(20);	/* let a last scheduled run finish */
	KT_ASSERT(bh_runs > 0, "bottom half never ran");
	KT_ASSERT(bh_saw_irq_on, "bottom half ran with interrupts off");
	KT_ASSERT(!bh_saw_hard_irq, "bottom half ran inside the hard interrupt");
}
KTEST_SUITE("intr", intr_suite);
