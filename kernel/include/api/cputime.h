/* CPU-time helpers the time and process calls share (kernel/api/sys_timer.c). */
#pragma once
#include "util/types.h"

/* Writes a struct rusage with these times (the other fields 0); -EFAULT. */
long rusage_put(uint32_t user, uint64_t utime_ticks, uint64_t stime_ticks);
/* CLOCK_THREAD_CPUTIME_ID (thread) or CLOCK_PROCESS_CPUTIME_ID, in ns. */
int64_t cputime_clock_ns(bool thread);
