/* The CMOS real-time clock, read once at boot (kernel/drivers/rtc.c). */
#pragma once
#include "util/types.h"
/* Seconds since 1970-01-01 UTC, as the RTC reads now. */
uint32_t rtc_read_epoch(void);
