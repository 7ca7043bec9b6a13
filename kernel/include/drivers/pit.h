/* The 8254 programmable interval timer, channel 0, at CONFIG_HZ
 * (kernel/drivers/pit.c): the tick counter and uptime. */
#pragma once
#include "util/types.h"
#define HZ CONFIG_HZ
void pit_init(void);
uint64_t ticks_now(void);
uint64_t uptime_ms(void);
/* Called on every tick after the counter advances (the scheduler's hook). */
extern void (*pit_tick_hook)(void);
/* Busy-waits at least ms milliseconds (interrupts must be on). */
void pit_delay_ms(uint32_t ms);
