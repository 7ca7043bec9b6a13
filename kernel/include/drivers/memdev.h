/* The memory character devices (kernel/drivers/memdev.c), major 1 as on
 * Linux: null (1:3) reads as end of file and swallows writes; zero (1:5)
 * reads as an endless run of zero bytes and swallows writes. */
#pragma once
#include "drivers/chardev.h"

/* Registers null and zero; called by dev_init. */
void memdev_init(void);
