/* The kernel console: every byte goes to the serial log and to VGA text.
 * console_lock keeps whole writes from different threads apart. */
#pragma once
#include "util/types.h"
void console_init(void);
void console_write(const char *s, size_t n);
