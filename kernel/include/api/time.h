/* Wall-clock time for the time system calls (kernel/api/sys_time.c). */
#pragma once
/* Reads the RTC once at boot. */
void time_init(void);
