/* The MC146818-compatible CMOS real-time clock (kernel/drivers/rtc.c):
 * read at boot to start the wall clock (drivers/clock.h). */
#pragma once
#include "util/types.h"

/* The date and time registers as the chip holds them (BCD or binary,
 * 12- or 24-hour, as status_b says), plus the century register. */
typedef struct rtc_regs {
	uint8_t sec, min, hour, day, mon, year;
	uint8_t century;	/* register 0x32; not every chip has one */
	uint8_t status_b;
} rtc_regs_t;

/* Register values -> seconds since 1970-01-01 UTC (the chip keeps UTC).
 * -EINVAL when they are not a valid date and time at or after 1970
 * (a BCD digit above 9, month 13, February 30, hour 24...). */
int rtc_decode(const rtc_regs_t *r, int64_t *epoch);

/* Reads the registers through read(arg, index): waits for an update in
 * progress to end, reads them all, and repeats until two reads in a row
 * agree.  -EIO if the update flag never clears or the values never settle
 * (no chip: the bus reads 0xFF).  The hardware reader is rtc_read_regs;
 * tests pass a simulated chip. */
int rtc_read_regs_with(uint8_t (*read)(void *arg, uint8_t index), void *arg, rtc_regs_t *out);
int rtc_read_regs(rtc_regs_t *out);

/* The chip's time now, in seconds since the epoch: 0, -EIO, -EINVAL. */
int rtc_read_epoch(int64_t *epoch);
