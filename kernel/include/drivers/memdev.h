/* The memory character devices (kernel/drivers/memdev.c), major 1 as on
 * Linux: null (1:3) reads as end of file and swallows writes; zero (1:5)
 * reads as an endless run of zero bytes and swallows writes; random
 * (1:8) and urandom (1:9) read the kernel's generator (util/random.h,
 * never waiting, as Linux once seeded), always poll ready, and mix what
 * is written to them into the entropy pool. */
#pragma once
#include "drivers/chardev.h"

/* Registers null, zero, random and urandom; called by dev_init. */
void memdev_init(void);
