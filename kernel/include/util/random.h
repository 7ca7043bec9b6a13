/* Kernel random numbers (kernel/util/random.c): an entropy pool and a
 * ChaCha20 generator keyed from it.
 *
 * The pool is stirred with whatever is unpredictable: at boot the jitter
 * of the time-stamp counter and the RTC's date (random_init), then the
 * time-stamp counter at every interrupt (random_add_interrupt).  The
 * generator's key is rebuilt from the pool and its own stream after
 * every request, and each request erases the key it used, so output
 * neither repeats nor reveals earlier output.  It is always ready:
 * getrandom's GRND_NONBLOCK and /dev/random never wait (as Linux since
 * 5.6 once seeded).  What feeds AT_RANDOM, getrandom, /dev/urandom and
 * the heap's random start. */
#pragma once
#include "util/types.h"

/* Seeds the pool from time-stamp-counter jitter (boot, interrupts off). */
void random_init(void);
/* Mixes n bytes of anything into the pool (they need not be secret). */
void random_mix(const void *data, size_t n);
/* An interrupt came: mixes its number and the time-stamp counter. */
void random_add_interrupt(int irq);
void random_bytes(void *buf, size_t n);
uint32_t random_u32(void);
