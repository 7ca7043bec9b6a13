/* The kernel printf family (kernel/util/printf.c).
 * Conversions: %d %i %u %x %X %p %s %c %%, with flags '-' '0' ' ' '+',
 * a width (or *), a precision for %s, and the l and ll size modifiers.
 * vsnprintf never writes more than size bytes, always terminates when
 * size > 0, and returns the length the full output would have had. */
#pragma once
#include "util/types.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Formats to the console (serial log and VGA). */
int kprintf(const char *fmt, ...) __printf(1, 2);
int vkprintf(const char *fmt, va_list ap);
