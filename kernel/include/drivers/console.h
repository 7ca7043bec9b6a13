/* The kernel console (kernel/drivers/console.c).  Output: every byte
 * written goes to the serial log and to virtual terminal 0 on the VGA
 * screen.  Input: the serial tty (ttyS0) with its line discipline, so the
 * kshell gets edited lines (erase, kill, ^D) and the echo. */
#pragma once
#include "util/types.h"

void console_init(void);
void console_write(const char *s, size_t n);
/* Starts the ttys and interrupt-driven input (needs the scheduler). */
void console_input_init(void);
/* Reads one line from the console tty into buf (without its newline,
 * NUL-terminated; a longer line is cut to size - 1 bytes and the rest
 * discarded).  Returns its length, or -1 at end of file (^D on an empty
 * line) or if the thread is cancelled. */
int console_read_line(char *buf, size_t size);
/* Queues bytes as if typed on the console (tests); returns how many the
 * line discipline took. */
size_t console_inject(const char *s, size_t n);
