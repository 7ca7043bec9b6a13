/*
 * The MC146818-compatible CMOS clock.  We wait for the end of an update
 * cycle, read the date and time registers (BCD or binary, 12- or 24-hour,
 * as status register B says) and convert to seconds since the epoch,
 * assuming the clock keeps UTC as QEMU's does by default.
 */
#include "drivers/rtc.h"
#include "main/io.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_STATUS_A 0x0A
#define REG_STATUS_B 0x0B
#define STATUS_A_UPDATING 0x80
#define STATUS_B_BINARY 0x04
#define STATUS_B_24HOUR 0x02
#define HOUR_PM 0x80
#define CENTURY_BASE 2000
#define SECONDS_PER_DAY 86400u

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static uint32_t from_bcd(uint8_t v) { return (v & 0x0F) + (v >> 4) * 10; }

static bool leap(uint32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

uint32_t rtc_read_epoch(void)
{
	static const uint16_t days_before_month[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	while (cmos_read(REG_STATUS_A) & STATUS_A_UPDATING)
		;
	uint8_t b = cmos_read(REG_STATUS_B);
	uint8_t raw_hour = cmos_read(REG_HOURS);
	uint32_t sec = cmos_read(REG_SECONDS), min = cmos_read(REG_MINUTES);
	uint32_t hour = raw_hour & ~HOUR_PM, day = cmos_read(REG_DAY);
	uint32_t mon = cmos_read(REG_MONTH), year = cmos_read(REG_YEAR);
	if (!(b & STATUS_B_BINARY)) {
		sec = from_bcd(sec); min = from_bcd(min); hour = from_bcd(hour);
		day = from_bcd(day); mon = from_bcd(mon); year = from_bcd(year);
	}
	if (!(b & STATUS_B_24HOUR) && (raw_hour & HOUR_PM))
		hour = (hour % 12) + 12;
	year += CENTURY_BASE;
	if (mon < 1 || mon > 12)
		return 0;

	uint32_t days = 0;
	for (uint32_t y = 1970; y < year; y++)
		days += leap(y) ? 366 : 365;
	days += days_before_month[mon - 1] + (mon > 2 && leap(year)) + (day - 1);
	return days * SECONDS_PER_DAY + hour * 3600 + min * 60 + sec;
}
