/*
 * The PIT's channel 0 as the system clock: a square wave at HZ raising
 * IRQ 0.  `ticks` counts interrupts since boot; it is 64 bits wide, so a
 * reader on a 32-bit CPU takes it with interrupts off (ticks_now).  The
 * only writer is the timer interrupt on the boot CPU.
 */
#include "drivers/pit.h"
#include "entry/intr.h"
#include "main/cpu.h"
#include "main/io.h"

#define PIT_INPUT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_LOHI_SQUARE 0x36

static volatile uint64_t ticks;
void (*pit_tick_hook)(void);

static void pit_interrupt(intr_frame_t *f)
{
	ticks++;
	if (pit_tick_hook)
		pit_tick_hook();
}

void pit_init(void)
{
	uint32_t divisor = PIT_INPUT_HZ / HZ;

	outb(PIT_CMD, PIT_CH0_LOHI_SQUARE);
	outb(PIT_CH0, divisor & 0xFF);
	outb(PIT_CH0, divisor >> 8);
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
	return ticks_now() * 1000 / HZ;
}

void pit_delay_ms(uint32_t ms)
{
	uint64_t end = ticks_now() + (uint64_t)ms * HZ / 1000 + 1;
	while (ticks_now() < end)
		cpu_halt();
}
