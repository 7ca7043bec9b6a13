/* The kernel console: every byte written goes to the serial log and to
 * VGA text; input comes from the serial port, interrupt driven, through a
 * bounded buffer (kernel/drivers/console.c).  The tty layer (issue 4)
 * builds the user-facing terminals; this is the kernel's own console. */
#pragma once
#include "util/types.h"

#define CONSOLE_INPUT_BUF 256

void console_init(void);
void console_write(const char *s, size_t n);
/* Starts interrupt-driven input (needs the scheduler). */
void console_input_init(void);
/* Waits for a byte of input; -EINTR if the thread is cancelled. */
int console_getc(void);
/* Queues bytes as if typed (tests); returns how many fit. */
size_t console_inject(const char *s, size_t n);
