/* The 8254 programmable interval timer, channel 0, at CONFIG_HZ
 * (kernel/drivers/pit.c): the tick counter, uptime, and one-shot timers
 * for drivers (a watchdog on a device that may never interrupt). */
#pragma once
#include "util/types.h"
#include "util/list.h"
#define HZ CONFIG_HZ
#define MS_PER_SEC 1000
void pit_init(void);
uint64_t ticks_now(void);
uint64_t uptime_ms(void);
/* Called on every tick right after the counter advances, before timers
 * run (the clocks' vvar page, drivers/clock.c). */
extern void (*pit_clock_hook)(void);
/* Called on every tick after the counter advances (the scheduler's hook). */
extern void (*pit_tick_hook)(void);
/* Called on every tick after pit_tick_hook, saying whether the tick
 * interrupted user mode (CPU-time accounting, kernel/proc/timer.c). */
extern void (*pit_cputime_hook)(bool from_user);
/* Busy-waits at least ms milliseconds (interrupts must be on). */
void pit_delay_ms(uint32_t ms);
/* Ticks covering at least ms milliseconds (at least one). */
uint64_t pit_ms_to_ticks(uint32_t ms);

/* A one-shot timer: fn(arg) runs in the timer interrupt (interrupts off,
 * must not sleep; schedule a bottom half for real work) once the tick
 * count reaches the deadline.  The structure belongs to its user;
 * pit_timer_lock (in pit.c) protects the pending list and each timer's
 * link and deadline. */
typedef struct pit_timer {
	list_t link;		/* on the pending list while armed */
	uint64_t deadline;	/* tick at which it fires */
	void (*fn)(void *arg);
	void *arg;
} pit_timer_t;

void pit_timer_init(pit_timer_t *t, void (*fn)(void *), void *arg);
/* (Re)arms t to fire after at least ms milliseconds. */
void pit_timer_arm(pit_timer_t *t, uint32_t ms);
/* Disarms t; true if it was still pending (so it will not run).  A
 * callback already running on another CPU is not waited for: callbacks
 * must check, under their own lock, that what they time is still on. */
bool pit_timer_cancel(pit_timer_t *t);
